import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { waitUntil } from "@odoo/hoot-dom";

// The Python test (test_ui_period_document.py) makes the user a clerk who also drafts, in a
// unit with a head, a director ("Giám đốc" by job title) to sign and the province as a
// partner, both the user's defaults for the dialog. The user opens the periodic report, sees
// whom it goes to and who signs, and makes the report document: the new draft's form opens.

const PROVINCE = "UBND tỉnh (tour báo cáo)";
const SIGNER = "Giám đốc (tour báo cáo)";

function shows(field, text) {
    return [
        {
            content: `${field} is ${text} (the user's default)`,
            trigger: `.modal .o_field_widget[name=${field}] input:value("${text}")`,
        },
    ];
}

registry.category("web_tour.tours").add("snn_report_makes_report_document", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            // Under "+" (More Menu) when the app's menus do not fit on the bar.
            content: "Open Reporting",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_report.snn_report_menu"]:visible, .o_main_navbar .o_menu_sections_more button:visible`,
            run: "click",
        },
        {
            content: "Open the periodic report",
            trigger: `.dropdown-item[data-menu-xmlid="snn_report.snn_period_report_menu"], a[data-menu-xmlid="snn_report.snn_period_report_menu"]`,
            run: "click",
        },
        {
            content: "The report's drafting unit is the user's own",
            trigger: `.modal .o_field_widget[name=department_id] input`,
            run: function () {
                const input = document.querySelector(".modal .o_field_widget[name=department_id] input");
                if (!input.value.includes("tour báo cáo")) {
                    throw new Error(`drafting unit ${input.value}`);
                }
            },
        },
        ...shows("recipient_id", PROVINCE),
        ...shows("signer_id", SIGNER),
        {
            // From the signer's job title (the test gives "Giám đốc"); waiting for it also
            // waits for the dialog's onchange before the button is pressed.
            content: "The signer's position is suggested",
            trigger: `.modal .o_field_widget[name=signer_position] input:value("GIÁM ĐỐC")`,
        },
        {
            content: "Make the report document",
            trigger: `.modal button[name="action_make_document"]`,
            run: "click",
        },
        {
            content: "The new draft's form opens, in place of the dialog",
            trigger: `body:not(:has(.modal)) .o_form_view .o_field_widget[name=subject] input, body:not(:has(.modal)) .o_form_view .o_field_widget[name=subject] textarea`,
            run: function () {
                const field = document.querySelector(
                    ".o_form_view .o_field_widget[name=subject] input, .o_form_view .o_field_widget[name=subject] textarea"
                );
                if (!field.value.startsWith("Báo cáo kết quả phát hành văn bản đi")) {
                    throw new Error(`subject ${field.value}`);
                }
            },
        },
        {
            content: "A draft of type Báo cáo, without an error",
            trigger: `body:not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name=document_type_id]`,
            run: function () {
                const input = document.querySelector(".o_form_view .o_field_widget[name=document_type_id] input");
                const text = input ? input.value : document.querySelector(".o_form_view .o_field_widget[name=document_type_id]").textContent;
                if (!text.includes("Báo cáo")) {
                    throw new Error(`type ${text}`);
                }
            },
        },
        {
            content: "The draft's PDF shows in the viewer, with its number line for the clerk",
            trigger: "iframe.o_pdfview_iframe[name=file]",
            timeout: 30000,
            async run() {
                const frame = document.querySelector("iframe.o_pdfview_iframe[name=file]");
                const text = () =>
                    [...(frame.contentDocument?.querySelectorAll(".textLayer") || [])]
                        .map((layer) => layer.textContent)
                        .join(" ");
                await waitUntil(() => text().includes("Số:"), { timeout: 25000 });
            },
        },
    ],
});
