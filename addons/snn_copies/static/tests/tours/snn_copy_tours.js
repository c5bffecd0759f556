import { registry } from "@web/core/registry";

// The Python test (test_ui_copy.py) issues an e-signed letter; the clerk opens it, makes an
// extract copy of its first page, and lands on the copy with its number.

registry.category("web_tour.tours").add("snn_copy_clerk_makes_extract", {
    steps: () => [
        {
            // Odoo ships pdf.js without its scripting sandbox: the viewer of a signed PDF
            // (signature fields) would log that it cannot load it. The clerk is after the
            // recipients here, not the preview.
            content: "Open the recipients",
            trigger: `.o_form_view .o_notebook a[name="recipients"]`,
            run: "click",
        },
        {
            content: "The issued document's form, with Make a Copy (under ⋮ on a phone)",
            trigger: `.o_form_view .o_statusbar_buttons`,
            run: function () {
                const button = document.querySelector(
                    `.o_statusbar_buttons button[name="action_open_copy_wizard"]`
                );
                if (!button) {
                    document.querySelector(`.o_statusbar_buttons button[title="More"]`).click();
                }
            },
        },
        {
            content: "Make a Copy",
            trigger: `button[name="action_open_copy_wizard"]`,
            run: "click",
        },
        {
            content: "An extract (trích sao)",
            trigger: `.modal .o_field_widget[name=form] input[data-value="trich_sao"]`,
            run: "click",
        },
        {
            content: "Of page 1",
            trigger: `.modal .o_field_widget[name=pages] input`,
            run: "edit 1",
        },
        {
            content: "Make the Copy",
            trigger: `.modal button[name="action_make"]`,
            run: "click",
        },
        {
            content: "The copy opens with its number in the series of copies",
            trigger: `body:not(:has(.modal)) .o_form_view .o_field_widget[name=code]:contains("01/TS")`,
        },
        {
            content: "It is an extract of page 1",
            trigger: `.o_form_view .o_field_widget[name=pages]:contains("1")`,
        },
        {
            content: "No error",
            trigger: `body:not(:has(.o_error_dialog))`,
        },
    ],
});
