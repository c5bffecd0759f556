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

// After a step that hands the document on, the user is on their queue with the confirmation:
// never an error about a document they no longer hold, never its old form.
function handedOn(message, queue) {
    return [
        { content: "A short confirmation", trigger: `.o_notification:contains("${message}")` },
        {
            content: `Back on ${queue}, the form left behind`,
            trigger: `.o_breadcrumb .active:contains("${queue}")`,
        },
        {
            content: "No error came after the step",
            trigger: "body:not(:has(.o_error_dialog)) .o_action_manager:not(:has(.o_form_view))",
        },
    ];
}

// The document the user just handed on, opened again from "Handled by Me": read-only.
function openHandled(state) {
    return [
        {
            content: "Open Handled by Me",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_docflow.snn_document_menu_handled"]`,
            run: "click",
        },
        {
            content: "The document is listed",
            trigger: `.o_data_cell:contains("${SUBJECT}"), .o_kanban_record:contains("${SUBJECT}")`,
            run: "click",
        },
        expectState(state),
        {
            content: "Read-only, no step offered",
            trigger: `.o_form_view:not(:has(.o_statusbar_buttons button[name^="action_"])):not(:has(.o_field_widget[name=subject] input))`,
        },
    ];
}

function returnWith(reason) {
    return [
        clickButton("action_open_return_wizard"),
        {
            content: "Say what to fix",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: `edit ${reason}`,
        },
        {
            content: "Confirm the return",
            trigger: ".modal-footer button[name=action_confirm]:visible",
            run: "click",
        },
    ];
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
        ...handedOn("Sent to Tour head for review.", "My Documents"),
        {
            content: "Open it again from the drafter's documents",
            trigger: `.o_kanban_record:contains("${SUBJECT}")`,
            run: "click",
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
        ...returnWith("Bổ sung nơi nhận: Sở TT và TT"),
        ...handedOn("Returned to Tour drafter with your reason.", "Waiting for Me"),
        ...openHandled("Draft"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_drafter_resubmits", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        {
            content: "The drafter sees why it came back (the test checks whose reason)",
            trigger: ".alert-warning:contains(Returned for changes)",
        },
        clickButton("action_submit"),
        ...handedOn("Sent to Tour head for review.", "My Documents"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_head_forwards", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        clickButton("action_forward"),
        ...handedOn("Forwarded to Tour director for approval.", "Waiting for Me"),
    ],
});

// The director sends it back: the document leaves the director's sight (a draft), so the
// form must not be reloaded; the director still finds it under Handled by Me.
registry.category("web_tour.tours").add("snn_docflow_director_returns", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_waiting"),
        ...returnWith("Sửa lại căn cứ pháp lý"),
        ...handedOn("Returned to Tour drafter with your reason.", "Waiting for Me"),
        {
            content: "The queue's rows still open (nothing left broken)",
            trigger: ".o_action_manager .o_view_controller",
        },
        ...openHandled("Draft"),
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
        ...handedOn("Approved. The clerks now number and issue it.", "Waiting for Me"),
        ...openHandled("Approved"),
    ],
});

// The clerk checks the format before numbering and sends a format error back.
registry.category("web_tour.tours").add("snn_docflow_clerk_returns", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_to_issue"),
        ...returnWith("Sai thể thức: thiếu nơi nhận Lưu: VT"),
        ...handedOn("Returned to Tour drafter with your reason.", "Waiting for Me"),
        ...openHandled("Draft"),
    ],
});

registry.category("web_tour.tours").add("snn_docflow_clerk_issues", {
    url: "/odoo",
    steps: () => [
        ...openFrom("snn_docflow.snn_document_menu_to_issue"),
        // The format's check first, a step of its own in the trail (Decree 30, Art. 13).
        clickButton("action_check_format"),
        { content: "The check is confirmed", trigger: '.o_notification:contains("Format checked.")' },
        {
            content: "Checked once: the button is gone, Issue is still offered",
            trigger: '.o_form_view:not(:has(button[name="action_check_format"])) button[name="action_issue"]',
        },
        clickButton("action_issue"),
        {
            content: "Confirm taking the number",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        { content: "A short confirmation", trigger: '.o_notification:contains("Issued as 01/SNN-VP.")' },
        // The clerk goes on with the issued document (print, send): it stays open.
        expectState("Issued"),
        {
            content: "The number and notation are shown",
            trigger: ".o_field_widget[name=code]:contains(01/SNN-VP)",
        },
    ],
});

// On a phone: the clerk or the director opens the document from the link, finds "Return" on
// the page (the header folds it behind ⋮), and lands on the queue.
registry.category("web_tour.tours").add("snn_docflow_phone_return", {
    steps: () => [
        {
            content: "The PDF comes right under the subject, before the fields",
            trigger: ".o_form_sheet .o_notebook",
            run() {
                const notebook = document.querySelector(".o_form_sheet .o_notebook");
                const fields = document.querySelector(".o_form_sheet > .o_group");
                if (notebook.getBoundingClientRect().top > fields.getBoundingClientRect().top) {
                    throw new Error("On the phone the fields come before the PDF");
                }
            },
        },
        {
            content: "Return, on the page",
            trigger: '.o_form_sheet button[name="action_open_return_wizard"]:visible',
            run: "click",
        },
        {
            content: "Say what to fix",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Sai thể thức",
        },
        {
            content: "Confirm the return",
            trigger: ".modal button[name=action_confirm]:visible",
            run: "click",
        },
        { content: "A short confirmation", trigger: ".o_notification:contains(Returned to)" },
        {
            content: "On the queue, no error",
            trigger: "body:not(:has(.o_error_dialog)) .o_action_manager .o_kanban_view",
        },
    ],
});

// The head's queue shows whole names (a cut "Trần Văn Soạ" was what officials saw).
registry.category("web_tour.tours").add("snn_docflow_whole_names", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Every drafter's and signer's name fits its cell",
            trigger: `.o_list_view .o_data_cell[name=drafter_id]:contains("Nguyễn Thị Phương Thảo")`,
            run() {
                const cells = document.querySelectorAll(
                    ".o_data_cell[name=drafter_id], .o_data_cell[name=signer_id]"
                );
                for (const cell of cells) {
                    for (const el of cell.querySelectorAll("span, a, div")) {
                        if (el.scrollWidth > el.clientWidth + 1) {
                            throw new Error(`"${cell.innerText.trim()}" is cut`);
                        }
                    }
                }
            },
        },
    ],
});

// The drafter cancels a draft: the dialog says what happens to a draft (no number to keep),
// and its two buttons cannot be taken for one another.
registry.category("web_tour.tours").add("snn_docflow_cancel_dialog", {
    steps: () => [
        clickButton("action_open_cancel_wizard"),
        {
            content: "Said for a draft: it stops here; no word of a number",
            trigger: '.modal:contains("it stops here and goes to nobody"):not(:contains("keeps its number"))',
        },
        {
            content: "Two buttons that say what they do",
            trigger: '.modal-footer:has(button:contains("Yes, Cancel the Document")):has(button:contains("Keep the Document"))',
        },
        {
            content: "Keep the document",
            trigger: '.modal-footer button:contains("Keep the Document")',
            run: "click",
        },
        {
            content: "The dialog is gone, the draft as it was",
            trigger: "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains(Draft)",
        },
    ],
});

// The drafter replaces an issued document: one confirmation, then the new draft, linked.
registry.category("web_tour.tours").add("snn_docflow_drafter_replaces", {
    steps: () => [
        expectState("Issued"),
        clickButton("action_open_replace"),
        {
            content: "Asked first, in words that say the original stays in force until then",
            trigger: '.modal:contains("stays in force until the new one is issued") .modal-footer .btn-primary',
            run: "click",
        },
        {
            content: "The new draft, which names the document it replaces",
            trigger: '.o_form_view:has(.o_field_widget[name=replaces_id]:contains("01/SNN-VP")) .o_statusbar_status .o_arrow_button_current:contains("Draft")',
        },
        {
            content: "Its subject, recipients and file to start from, editable",
            trigger: `.o_field_widget[name=subject] input:value("${SUBJECT}")`,
        },
        {
            content: "No error came",
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
