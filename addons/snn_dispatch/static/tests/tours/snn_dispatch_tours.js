import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The Python test issues an e-signed document to another unit and runs the scheduled action
// that delivers it; these tours are the two people at either end.

const SUBJECT = "Tour: gửi văn bản điện tử";
const CODE = "01/SNN-VP";
const RECEIVING_UNIT = "Kế hoạch - Tài chính";

function openMenu(menuXmlid) {
    return [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            content: "Open the menu",
            trigger: `.o_main_navbar a[data-menu-xmlid="${menuXmlid}"], .o_main_navbar button[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("snn_dispatch_head_accepts", {
    url: "/odoo",
    steps: () => [
        ...openMenu("snn_dispatch.snn_incoming_document_menu"),
        {
            content: "The incoming document is listed with its number, as received",
            trigger: `.o_data_row:contains("${SUBJECT}"):contains("${CODE}"):contains("Received")`,
        },
        {
            content: "Open it",
            trigger: `.o_data_cell:contains("${SUBJECT}")`,
            run: "click",
        },
        {
            content: "Its number and subject are shown",
            trigger: `.o_form_view .o_field_widget[name=code]:contains("${CODE}")`,
        },
        {
            content: "and who sent it",
            trigger: `.o_form_view .o_field_widget[name=subject]:contains("${SUBJECT}")`,
        },
        {
            content: "It waits in state Received",
            trigger: `.o_statusbar_status .o_arrow_button_current:contains("Received")`,
        },
        {
            content: "Accept",
            trigger: `.o_form_view .o_statusbar_buttons button[name="action_accept"]:contains("Accept")`,
            run: "click",
        },
        {
            content: "The document is now Accepted",
            trigger: `.o_statusbar_status .o_arrow_button_current:contains("Accepted")`,
        },
        {
            content: "Accept is no longer offered; handling can start",
            trigger: `.o_form_view:not(:has(button[name="action_accept"])) button[name="action_process"]:contains("Start Handling")`,
        },
    ],
});

registry.category("web_tour.tours").add("snn_dispatch_clerk_sees_acceptance", {
    url: "/odoo",
    steps: () => [
        ...openMenu("snn_docflow.snn_document_menu"),
        {
            // The kanban folds Issued: the clerk looks it up in the list (once the documents'
            // kanban has replaced the Waiting for Me list the app opened on).
            content: "As a list",
            trigger: ".o_kanban_view .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the issued document",
            trigger: `.o_data_cell:contains("${SUBJECT}"), .o_kanban_record:contains("${SUBJECT}")`,
            run: "click",
        },
        {
            content: "It is the issued document",
            trigger: `.o_form_view .o_field_widget[name=code]:contains("${CODE}")`,
        },
        {
            content: "Open the deliveries",
            trigger: `.o_notebook a[name="deliveries"]:contains("Deliveries")`,
            run: "click",
        },
        {
            content: "The receiving unit has accepted it",
            trigger: `.o_field_widget[name=delivery_ids] .o_data_row:contains("${RECEIVING_UNIT}"):contains("Internal (in Odoo)") .o_field_widget[name=state]:contains("Accepted")`,
        },
    ],
});

// On a phone (390×844), the clerk's deliveries: the refused copy is among those the menu
// shows first; on the document, each recipient is a card that reads completely, and a
// delivered copy speaks in words (no "01", no count of failed sends that never were).

registry.category("web_tour.tours").add("snn_dispatch_phone_deliveries_menu", {
    steps: () => [
        {
            content: "The refused copy is shown at once, with the receiver's reason",
            trigger: `.o_kanban_record:contains("${RECEIVING_UNIT}"):contains("Refused"):contains("Sai thể thức")`,
        },
    ],
});

function fitsTheScreen(selector) {
    for (const element of document.querySelectorAll(selector)) {
        const box = element.getBoundingClientRect();
        if (box.left < 0 || box.right > window.innerWidth + 1) {
            throw new Error(`${selector} is cut: ${box.left}..${box.right} of ${window.innerWidth}`);
        }
    }
}

registry.category("web_tour.tours").add("snn_dispatch_phone_deliveries_document", {
    steps: () => [
        {
            content: "Open the deliveries",
            trigger: `.o_notebook a[name="deliveries"]`,
            run: "click",
        },
        {
            content: "One card per recipient, in words, the whole name shown",
            trigger: `.o_field_widget[name=delivery_ids] .o_kanban_record:contains("${RECEIVING_UNIT}"):contains("Internal (in Odoo)"):contains("Received")`,
            run: function () {
                fitsTheScreen(".o_field_widget[name=delivery_ids] .o_kanban_record");
                fitsTheScreen(".o_field_widget[name=delivery_ids] .o_kanban_record .o_field_widget");
                const card = document.querySelector(".o_field_widget[name=delivery_ids] .o_kanban_record");
                if (card.querySelector(".o_field_widget[name=document_id]")) {
                    throw new Error("the card repeats the document it is on");
                }
            },
        },
        {
            content: "Open the delivery",
            trigger: `.o_field_widget[name=delivery_ids] .o_kanban_record:contains("${RECEIVING_UNIT}")`,
            run: "click",
        },
        {
            content: "Its history says Arrived, not 01; no count of failed sends",
            trigger: `.modal .o_field_widget[name=event_ids] td[name=status]:contains("Arrived")`,
            run: function () {
                const modal = document.querySelector(".modal");
                if (modal.querySelector(".o_field_widget[name=attempts]")) {
                    throw new Error("a copy delivered at once shows a send count");
                }
                if (modal.querySelector(".o_field_widget[name=event_ids] td[name=status_code]")) {
                    throw new Error("the raw status code is shown");
                }
            },
        },
    ],
});
