import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The Python test (test_ui_period_document.py) makes the user a clerk who also drafts, in a
// unit with a head, a director ("Giám đốc" by job title) to sign and the province as a
// partner. The user opens the periodic report, names whom it goes to and who signs, and makes
// the report document: the new draft's form opens.

const PROVINCE = "UBND tỉnh (tour báo cáo)";
const SIGNER = "Giám đốc (tour báo cáo)";

function pick(field, text) {
    return [
        {
            content: `Type in ${field}`,
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Choose ${text}`,
            trigger: `.modal .o_field_widget[name=${field}] .dropdown-item:contains("${text}")`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("snn_report_makes_report_document", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Open Reporting",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_report.snn_report_menu"]`,
            run: "click",
        },
        {
            content: "Open the periodic report",
            trigger: `[data-menu-xmlid="snn_report.snn_period_report_menu"]`,
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
        ...pick("recipient_id", PROVINCE),
        ...pick("signer_id", SIGNER),
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
    ],
});
