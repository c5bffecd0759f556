import { registry } from "@web/core/registry";

// The clerk issues a document whose seal is on the token of their PC: the dialog asks the PC's
// token bridge, Odoo numbers, the bridge's page is confirmed (by the test's official, in
// another window), the signature comes back and the document is issued.
registry.category("web_tour.tours").add("snn_signing_clerk_issues_with_pc_token", {
    steps: () => [
        {
            content: "Issue with the token on this PC",
            trigger: `button[name="action_issue_with_pc_token"]`,
            run: "click",
        },
        {
            content: "The dialog is open",
            trigger: `.o_snn_pc_token_sign`,
        },
        {
            content: "Signed and issued: the form shows it",
            trigger: `.o_form_view:not(:has(button[name="action_issue_with_pc_token"])) a[name="signatures"]`,
            run: "click",
        },
        {
            content: "The signed file, under its code",
            trigger: `.o_field_widget[name=signed_file]:contains("01-SNN-VP.pdf")`,
        },
    ],
});

// The same, with no bridge running on the PC: a clear message, a link to the instructions,
// and nothing numbered.
registry.category("web_tour.tours").add("snn_signing_pc_token_bridge_absent", {
    steps: () => [
        {
            content: "Issue with the token on this PC",
            trigger: `button[name="action_issue_with_pc_token"]`,
            run: "click",
        },
        {
            content: "Said in the dialog, with the way to start the bridge",
            trigger: `.o_snn_pc_token_error:contains("does not answer"):contains("Nothing was numbered")`,
        },
        {
            content: "A link to the instructions",
            trigger: `.o_snn_pc_token_error a[href$="pc_token/help.html"]`,
        },
        {
            content: "Close",
            trigger: `.modal-footer button:contains("Close")`,
            run: "click",
        },
        {
            content: "The document can still be issued",
            trigger: `button[name="action_issue_with_pc_token"]`,
        },
    ],
});
