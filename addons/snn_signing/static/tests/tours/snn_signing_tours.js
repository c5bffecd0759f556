import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const SUBJECT = "Tour: ký số văn bản đi";

registry.category("web_tour.tours").add("snn_signing_clerk_issues_and_signs", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Open the documents to issue",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_docflow.snn_document_menu_to_issue"]`,
            run: "click",
        },
        {
            content: "Open the approved document",
            trigger: `.o_data_cell:contains("${SUBJECT}"), .o_kanban_record:contains("${SUBJECT}")`,
            run: "click",
        },
        {
            content: "E-signing is mandatory: no paper choice",
            trigger: `.o_form_view:not(:has(button[name="action_issue_paper"]))`,
        },
        { content: "Issue", trigger: `.o_form_view button[name="action_issue"]`, run: "click" },
        { content: "Confirm", trigger: ".modal-footer .btn-primary", run: "click" },
        {
            content: "Issued, with its number",
            trigger: ".o_field_widget[name=code]:contains(01/SNN-VP)",
        },
        { content: "Open the signatures", trigger: `a[name="signatures"]`, run: "click" },
        {
            content: "The signer's signature is listed with its verdict",
            trigger: `.o_field_widget[name=signature_ids] .o_kanban_record:contains("Nguyễn Công Hàm"):contains("Valid signature")`,
        },
        {
            content: "and the organisation's seal",
            trigger: `.o_field_widget[name=signature_ids] .o_kanban_record:contains("Sở Nông nghiệp")`,
        },
        {
            content: "The signed file downloads under its code",
            trigger: `.o_field_widget[name=signed_file]:contains("01-SNN-VP.pdf")`,
        },
        { content: "Verify again", trigger: `button[name="action_verify_signatures"]`, run: "click" },
        {
            content: "Still valid",
            trigger: `.o_field_widget[name=signature_ids] .o_kanban_record:contains("Nguyễn Công Hàm"):contains("Valid signature")`,
        },
    ],
});

registry.category("web_tour.tours").add("snn_signing_director_signs_remotely", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "What waits for the director",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_docflow.snn_document_menu_waiting"]`,
            run: "click",
        },
        {
            content: "The numbered document that waits for their signature",
            trigger: `.o_data_cell:contains("Tour: ký số từ xa"), .o_kanban_record:contains("Tour: ký số từ xa")`,
            run: "click",
        },
        {
            content: "The form says it waits for them, today",
            trigger: `.alert-warning:contains("to sign it, today")`,
        },
        {
            content: "Sign with my remote key",
            trigger: `button[name="action_sign_remotely"]`,
            run: "click",
        },
        {
            content: "The dialog shows what is signed",
            trigger: `.o_snn_authorize_signature:contains("Tour: ký số từ xa")`,
        },
        { content: "A wrong PIN", trigger: "input#snn_sign_pin", run: "edit 000000" },
        { content: "Sign", trigger: ".o_snn_sign_confirm", run: "click" },
        {
            content: "Refused, said in the dialog; nothing signed",
            trigger: `.o_snn_authorize_signature .alert-danger`,
        },
        { content: "The right PIN", trigger: "input#snn_sign_pin", run: "edit 246810" },
        { content: "Sign", trigger: ".o_snn_sign_confirm:enabled", run: "click" },
        {
            content: "Signed and issued: the form shows it, nothing waits any more",
            trigger: `.o_form_view:not(:has(button[name="action_sign_remotely"])) a[name="signatures"]`,
            run: "click",
        },
        {
            content: "The signed file, under its code",
            trigger: `.o_field_widget[name=signed_file]:contains("01-SNN-VP.pdf")`,
        },
    ],
});
