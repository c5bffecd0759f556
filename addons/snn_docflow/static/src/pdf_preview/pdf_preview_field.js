import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { isBinarySize } from "@web/core/utils/binary";
import { url } from "@web/core/utils/urls";
import { PdfViewerField, pdfViewerField } from "@web/views/fields/pdf_viewer/pdf_viewer_field";
import { onWillDestroy, onWillRender } from "@odoo/owl";

/** Whether base64 ``data`` is a PDF: "%PDF-" within its first kilobyte, as readers accept. */
function isPdf(data) {
    try {
        return atob(data.slice(0, 1368)).includes("%PDF-");
    } catch {
        return false;
    }
}

/**
 * Odoo's PDF viewer, showing the file the record holds NOW.
 *
 * Odoo's own points its iframe at /web/content?model&field&id: the same address before and
 * after a save, so a replaced file kept showing the old PDF (and a first file, "0 of 0")
 * until the page was reloaded. Here the address changes with the file: it carries the
 * record's write date, the file's size and a counter of the values this view has seen (two
 * saves in one second, or in one test transaction, share a write date). A file chosen but not
 * saved yet is shown from the browser's memory; one that is not a PDF yet (a .docx converted
 * on save) is announced instead of showing the previous PDF as if it were the new one.
 */
export class SnnPdfPreviewField extends PdfViewerField {
    static template = "snn_docflow.PdfPreviewField";

    setup() {
        super.setup();
        this.seen = { value: undefined, version: 0, uploadUrl: "" };
        onWillRender(() => this.followValue());
        onWillDestroy(() => this.dropUpload());
    }

    get value() {
        return this.props.record.data[this.props.name];
    }

    /** Unsaved upload in the record (base64, not the size the server sends for stored files). */
    get isUpload() {
        return Boolean(this.value) && !isBinarySize(this.value);
    }

    get awaitsConversion() {
        return this.isUpload && !this.seen.uploadUrl;
    }

    get conversionNote() {
        return _t("The preview shows this file once the document is saved.");
    }

    followValue() {
        const value = this.value;
        if (value === this.seen.value) {
            return;
        }
        if (this.seen.value !== undefined) {
            this.seen.version++;
        }
        this.seen.value = value;
        this.dropUpload();
        if (this.isUpload && isPdf(value)) {
            const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
            const blob = new Blob([bytes], { type: "application/pdf" });
            this.seen.uploadUrl = URL.createObjectURL(blob);
        }
    }

    dropUpload() {
        if (this.seen.uploadUrl) {
            URL.revokeObjectURL(this.seen.uploadUrl);
            this.seen.uploadUrl = "";
        }
    }

    get urlFile() {
        if (this.state.objectUrl || this.seen.uploadUrl) {
            return this.state.objectUrl || this.seen.uploadUrl;
        }
        const { record } = this.props;
        const written = record.data.write_date;
        return url("/web/content", {
            model: record.resModel,
            field: this.props.name,
            id: record.resId,
            unique: [written ? written.ts : "", this.value, this.seen.version].join("-"),
        });
    }
}

export const snnPdfPreviewField = {
    ...pdfViewerField,
    component: SnnPdfPreviewField,
    fieldDependencies: [{ name: "write_date", type: "datetime" }],
};

registry.category("fields").add("snn_pdf_preview", snnPdfPreviewField);
