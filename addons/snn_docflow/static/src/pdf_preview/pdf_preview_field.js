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
 * until the page was reloaded. Here the stored file's address changes when the record is
 * saved or reloaded (the web client then gives it a new write date object; two saves in one
 * second, or in one test transaction, share a write date, hence a counter) and carries the
 * file's size. A file chosen but not saved yet is shown from the browser's memory; one that
 * is not a PDF yet (a .docx converted on save) is announced instead of showing the previous
 * PDF as if it were the new one. The viewer's frame stays in place meanwhile (hidden): taking
 * it away, or pointing it elsewhere, while pdf.js still loads the stored file makes pdf.js
 * fail on the request it loses, and a chosen file that is refused (the value put back)
 * changes nothing.
 */
export class SnnPdfPreviewField extends PdfViewerField {
    static template = "snn_docflow.PdfPreviewField";

    setup() {
        super.setup();
        this.seen = { value: undefined, stored: undefined, written: undefined, version: 0 };
        this.seen.uploadUrl = "";
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
        const written = this.props.record.data.write_date;
        if (!this.isUpload && written !== this.seen.written) {
            // Saved or reloaded: whatever is stored now, under a new address.
            if (this.seen.written !== undefined) {
                this.seen.version++;
            }
            this.seen.written = written;
            this.seen.stored = value;
        }
        if (value === this.seen.value) {
            return;
        }
        this.seen.value = value;
        this.dropUpload();
        if (this.isUpload && isPdf(value)) {
            const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
            const blob = new Blob([bytes], { type: "application/pdf" });
            this.seen.uploadUrl = URL.createObjectURL(blob);
        } else if (!this.isUpload) {
            this.seen.stored = value;
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
        const written = this.seen.written;
        return url("/web/content", {
            model: record.resModel,
            field: this.props.name,
            id: record.resId,
            unique: [written ? written.ts : "", this.seen.stored || "", this.seen.version].join("-"),
        });
    }

    get url() {
        // While a chosen office file awaits its conversion the frame keeps the stored file.
        if (this.awaitsConversion && !this.seen.stored) {
            return null;
        }
        return super.url;
    }
}

export const snnPdfPreviewField = {
    ...pdfViewerField,
    component: SnnPdfPreviewField,
    fieldDependencies: [{ name: "write_date", type: "datetime" }],
};

registry.category("fields").add("snn_pdf_preview", snnPdfPreviewField);
