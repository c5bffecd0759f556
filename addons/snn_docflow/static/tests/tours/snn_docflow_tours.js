import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// One tour per person and step of the chain; the Python test runs them in order, each logged
// in as the right user, on a document it prepared (a file upload cannot be scripted here).

const SUBJECT = "Tour: triển khai chữ ký số";

function openFrom(menuXmlid) {
    return [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Open the menu",
            trigger: `.o_main_navbar a[data-menu-xmlid="${menuXmlid}"], .o_main_navbar button[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
        {
            content: "Open the document",
            trigger: `.o_data_cell:contains("${SUBJECT}"), .o_kanban_record:contains("${SUBJECT}")`,
            run: "click",
        },
    ];
}

function expectState(label) {
    return {
        content: `The document is now ${label}`,
        trigger: `.o_statusbar_status .o_arrow_button_current:contains("${label}")`,
    };
}

function clickButton(name) {
    return { content: `Click ${name}`, trigger: `.o_form_view button[name="${name}"]`, run: "click" };
}

registry.category("web_tour.tours").add("snn_docflow_drafter_submits", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu"),
        {
            content: "The drafter may still edit the subject",
            trigger: ".o_field_widget[name=subject] input",
            run: `edit ${SUBJECT} chuyên dùng Chính phủ`,
        },
        clickButton("action_submit"),
        {
            content: "A short confirmation names who reviews it next",
            trigger: '.o_notification:contains("Sent to Tour head for review.")',
        },
        expectState("Head Review"),
        {
            content: "Under review the subject is read-only",
            trigger: ".o_field_widget[name=subject]:not(:has(input))",
        },
    ],
});

registry.category("web_tour.tours").add("snn_docflow_head_returns", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        clickButton("action_open_return_wizard"),
        {
            content: "Say what to fix",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Bổ sung nơi nhận: Sở TT và TT",
        },
        {
            content: "Confirm the return",
            trigger: ".modal-footer button[name=action_confirm]:visible",
            run: "click",
        },
        expectState("Draft"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_drafter_resubmits", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        {
            content: "The drafter sees why it came back",
            trigger: ".alert-warning:contains(Bổ sung nơi nhận: Sở TT và TT)",
        },
        clickButton("action_submit"),
        expectState("Head Review"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_head_forwards", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        clickButton("action_forward"),
        expectState("Director Review"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_director_approves", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        {
            content: "The director cannot edit the content",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=subject] input))",
        },
        clickButton("action_approve"),
        expectState("Approved"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_clerk_issues", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_to_issue"),
        clickButton("action_issue"),
        {
            content: "Confirm taking the number",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        expectState("Issued"),
        {
            content: "The number and notation are shown",
            trigger: ".o_field_widget[name=code]:contains(01/SNN-VP)",
        },
    ],
});
