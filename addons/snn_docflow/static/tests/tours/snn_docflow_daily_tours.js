import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { user } from "@web/core/user";
import { waitUntil } from "@odoo/hoot-dom";

// Daily use in the browser (test_ui_daily.py prepares one document per person, "Daily: for
// <login>", and the documents the tours act on).

const tours = registry.category("web_tour.tours");

/**
 * The last step of a tour on a form with a PDF preview: pdf.js may still be fetching the file
 * (a discard or a dialog re-renders the form); a fetch cut by the end of the tour throws in
 * pdf.js ("Failed to construct 'Headers'", "network error") after the tour passed, which can
 * fail the test. The tour ends with none in flight; a form without a preview ends at once.
 */
function previewSettled() {
    return {
        content: "The preview, if any, has its whole file",
        trigger: "body",
        async run() {
            const frame = document.querySelector("iframe.o_pdfview_iframe");
            if (!frame) {
                return;
            }
            await waitUntil(() => frame.contentWindow?.PDFViewerApplication?.pdfDocument, {
                timeout: 20000,
            });
            await frame.contentWindow.PDFViewerApplication.pdfDocument.getDownloadInfo();
        },
    };
}

function mine() {
    return `Daily: for ${user.login}`;
}

tours.add("snn_docflow_landing_waiting", {
    url: "/odoo",
    steps: () => [
        {
            content: "Waiting for Me, as a list",
            trigger: ".o_list_view .o_searchview_facet:contains(Waiting for Me)",
        },
        {
            content: "Exactly one row: the document that waits for this user",
            trigger: `.o_list_view:has(.o_data_row:contains("${mine()}")):not(:has(.o_data_row:not(:contains("${mine()}"))))`,
        },
    ],
});

tours.add("snn_docflow_landing_mine", {
    url: "/odoo",
    steps: () => [
        {
            content: "My Documents, as a kanban whose first column is the drafts",
            trigger: ".o_kanban_view .o_searchview_facet:contains(My Documents)",
        },
        {
            content: "The draft is in the first column",
            trigger: `.o_kanban_group:first .o_kanban_record:contains("${mine()}")`,
        },
        {
            content: "Issued and Cancelled are folded at the end, not off screen",
            trigger: ".o_kanban_group.o_column_folded:contains(Cancelled)",
            run({ anchor }) {
                const right = anchor.getBoundingClientRect().right;
                if (right > window.innerWidth) {
                    throw new Error(`Cancelled ends at ${right} px, off a ${window.innerWidth} px screen`);
                }
            },
        },
    ],
});

// On a phone (390×844) Odoo shows no search facets; the cards themselves are the check.
tours.add("snn_docflow_phone_queue", {
    url: "/odoo",
    steps: () => [
        {
            content: "Cards one under the other, not the chain's columns",
            trigger: `.o_kanban_view:not(:has(.o_kanban_group)) .o_kanban_record:first:contains("${mine()}")`,
        },
        {
            content: "Exactly the document that waits for this user",
            trigger: `.o_kanban_view:not(:has(.o_kanban_record:not(.o_kanban_ghost):not(:contains("${mine()}"))))`,
        },
    ],
});

tours.add("snn_docflow_systray_todo", {
    url: "/odoo/discuss",
    steps: () => [
        {
            content: "Open the to-do counter",
            trigger: ".o_menu_systray button:has(.fa-clock-o):has(.o-mail-ActivityMenu-counter)",
            run: "click",
        },
        {
            content: "Open the outgoing documents' to-dos",
            trigger: '.o-mail-ActivityGroup[data-model_name="snn.document"] [name=activityTitle]',
            run: "click",
        },
        {
            content: "The filter shown is Waiting for Me",
            trigger: ".o_searchview_facet:contains(Waiting for Me)",
        },
        {
            content: "Exactly the document that waits for this user",
            trigger: `.o_list_view:has(.o_data_row:contains("${mine()}")):not(:has(.o_data_row:not(:contains("${mine()}"))))`,
        },
    ],
});

// Another clerk issues the document over JSON-RPC (stateless calls as that clerk) while this
// clerk has its form open; then this clerk clicks Issue.
tours.add("snn_docflow_conflict", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the document to issue",
            trigger: '.o_data_row .o_data_cell[name=subject]:contains("Daily: two clerks")',
            run: "click",
        },
        {
            content: "The form offers Issue",
            trigger: '.o_form_view button[name="action_issue"]',
            async run() {
                const call = async (service, method, args) => {
                    const response = await fetch("/jsonrpc", {
                        method: "POST",
                        // /jsonrpc authenticates each call by its login and password (the
                        // browser's cookies only carry the test's key): clerk B, not this one.
                        headers: { "Content-Type": "application/json" },
                        body: JSON.stringify({
                            jsonrpc: "2.0",
                            method: "call",
                            params: { service, method, args },
                        }),
                    });
                    const text = await response.text();
                    let answer;
                    try {
                        answer = JSON.parse(text);
                    } catch {
                        throw new Error(`${response.status} from /jsonrpc: ${text.slice(0, 2000)}`);
                    }
                    if (answer.error) {
                        throw new Error(JSON.stringify(answer.error));
                    }
                    return answer.result;
                };
                const db = session.db;
                const uid = await call("common", "login", [db, "daily_clerk_b", "daily_clerk_b"]);
                const [document] = await call("object", "execute_kw", [
                    db, uid, "daily_clerk_b", "snn.document", "search",
                    [[["subject", "=", "Daily: two clerks"]]],
                ]);
                await call("object", "execute_kw", [
                    db, uid, "daily_clerk_b", "snn.document", "action_issue", [[document]],
                ]);
            },
        },
        {
            content: "This clerk clicks Issue on the page still open",
            trigger: '.o_form_view button[name="action_issue"]',
            run: "click",
        },
        {
            content: "Confirm taking the number",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Told who issued it",
            trigger: '.modal .o_error_dialog:contains("Daily Clerk B")',
        },
        {
            content: "Close the message",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The form now shows the document issued, with no Issue button",
            trigger: '.o_statusbar_status .o_arrow_button_current:contains(Issued)',
        },
        {
            content: "No Issue button",
            trigger: '.o_form_view:not(:has(button[name="action_issue"]))',
        },
    ],
});

function expectValue(input, value) {
    if (input.value !== value) {
        throw new Error(`The file shown is "${input.value}", not "${value}"`);
    }
}

const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

tours.add("snn_docflow_wrong_upload", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the draft",
            trigger: `.o_kanban_record:contains("${mine()}")`,
            run: "click",
        },
        {
            content: "The draft's PDF is attached",
            trigger: ".o_field_binary[name=file] input.o_input",
            run: ({ anchor }) => expectValue(anchor, "daily.pdf"),
        },
        {
            // As a user does: the form is shown (pdf.js has its file) before they pick another.
            content: "The preview shows the draft",
            trigger: "iframe.o_pdfview_iframe[name=file]",
            async run({ anchor }) {
                await waitUntil(() => anchor.contentWindow?.PDFViewerApplication?.pagesCount > 0, {
                    timeout: 20000,
                });
            },
        },
        {
            content: "Choose a picture instead of the PDF",
            trigger: ".o_field_binary[name=file] input[type=file]:not(:visible)",
            async run({ anchor }) {
                const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "photo.png", { type: "image/png" }));
                anchor.files = transfer.files;
                anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Told at once what is accepted",
            trigger: '.modal:contains("photo.png"):contains("PDF")',
        },
        {
            content: "Close the message",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The draft keeps its PDF",
            trigger: "body:not(:has(.modal)) .o_field_binary[name=file] input.o_input",
            run: ({ anchor }) => expectValue(anchor, "daily.pdf"),
        },
        {
            content: "Leave the form as it was",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Nothing to save",
            trigger: ".o_form_view:not(:has(.o_form_button_cancel:visible))",
        },
        previewSettled(),
    ],
});

// As Vietnamese users (test_ui_daily.py loads Odoo's Vietnamese): the refusals are ours.
tours.add("snn_docflow_delete_refused_in_vietnamese", {
    steps: () => [
        {
            content: "Open the form's actions",
            trigger: ".o_form_view .o_cp_action_menus button",
            run: "click",
        },
        {
            content: "Delete",
            trigger: ".o-dropdown-item:has(.fa-trash-o)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Told why, in Vietnamese, not by a foreign key",
            trigger:
                '.modal .o_error_dialog:contains("Hãy hủy văn bản thay vì xóa"):not(:contains("Another model"))',
        },
        {
            content: "Close",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        previewSettled(),
    ],
});

tours.add("snn_docflow_return_without_reason_in_vietnamese", {
    steps: () => [
        {
            content: "Return",
            trigger: '.o_form_view button[name="action_open_return_wizard"]',
            run: "click",
        },
        {
            content: "The dialog has a title of its own",
            trigger: '.modal .modal-title:contains("Trả lại người soạn thảo")',
        },
        {
            content: "Confirm without a reason",
            trigger: ".modal-footer button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "Told what is missing, in our words",
            trigger: '.modal .o_error_dialog:contains("Hãy nêu nội dung cần chỉnh sửa")',
        },
        {
            content: "Close",
            trigger: ".o_error_dialog .modal-footer .btn-primary, .modal:has(.o_error_dialog) .modal-footer .btn-primary",
            run: "click",
        },
        previewSettled(),
    ],
});
