import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The Python test makes a document arrive from another agency's system; the clerk registers
// it and the director assigns it, starting from the office's routing suggestion.

const SUBJECT = "V/v thẩm định dự toán kinh phí năm 2019";
const CODE = "125/STC-QLNS";

function openIncoming() {
    return [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Open Incoming Documents",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_dispatch.snn_incoming_document_menu"]`,
            run: "click",
        },
        {
            content: "Open the document from the Department of Finance",
            trigger: `.o_data_row:contains("${CODE}") .o_data_cell:contains("${SUBJECT}")`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("snn_incoming_clerk_registers", {
    url: "/odoo",
    steps: () => [
        ...openIncoming(),
        {
            content: "It came through the exchange",
            trigger: `.o_form_view .o_field_widget[name=source]:contains("Document Exchange")`,
        },
        {
            content: "Its signature check is shown",
            trigger: `.o_form_view .o_notebook .nav-link:contains("Signatures")`,
            run: "click",
        },
        {
            content: "The check says what it found",
            trigger: `.o_form_view .o_field_widget[name=signature_verdict]:contains("no digital signature")`,
        },
        {
            content: "Register",
            trigger: `.o_form_view .o_statusbar_buttons button[name="action_register"]`,
            run: "click",
        },
        {
            content: "It has its incoming number",
            trigger: `.o_form_view .o_field_widget[name=incoming_number]:contains("1")`,
        },
        {
            content: "and is Accepted",
            trigger: `.o_statusbar_status .o_arrow_button_current:contains("Accepted")`,
        },
    ],
});

registry.category("web_tour.tours").add("snn_incoming_director_assigns", {
    url: "/odoo",
    steps: () => [
        ...openIncoming(),
        {
            content: "Assign",
            trigger: `.o_form_view .o_statusbar_buttons button[name="action_open_assign_wizard"]`,
            run: "click",
        },
        {
            content: "The routing suggestion named the main unit",
            trigger: `.modal .o_field_widget[name=line_ids] .o_data_row:contains("Kế hoạch - Tài chính")`,
        },
        {
            content: "Write the instruction",
            trigger: `.modal .o_field_widget[name=instruction] textarea`,
            run: "edit Phòng KHTC chủ trì tham mưu trả lời.",
        },
        {
            content: "Assign",
            trigger: `.modal .modal-footer button[name="action_confirm"]`,
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
