import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { user } from "@web/core/user";
import { waitUntil } from "@odoo/hoot-dom";

// The PDF preview of a draft (test_ui_preview.py in snn_docflow, test_ui_preview_docx.py in
// snn_office): what the viewer shows is read from pdf.js inside its iframe (same origin): the
// address of the file it loaded and the text of its text layer.

const tours = registry.category("web_tour.tours");

const VIEWER = "iframe.o_pdfview_iframe[name=file]";

/** What the viewer has loaded: its address, its page count and its text. */
function shown() {
    const frame = document.querySelector(VIEWER);
    const app = frame?.contentWindow?.PDFViewerApplication;
    const layers = frame?.contentDocument?.querySelectorAll(".textLayer") || [];
    return {
        url: app?.url || "",
        pages: app?.pagesCount || 0,
        text: [...layers].map((layer) => layer.textContent).join(" "),
    };
}

/**
 * A step that waits until the viewer shows ``text`` (and not ``notText``) on at least one
 * page; ``stored``: loaded from the server (the file saved), not from the browser's memory.
 */
function viewerShows(text, { notText = null, stored = false, timeout = 20000 } = {}) {
    return {
        content: `The viewer shows "${text}"${stored ? " as stored" : ""}`,
        trigger: VIEWER,
        timeout: timeout + 5000,
        async run() {
            const ok = () => {
                const now = shown();
                return (
                    now.pages > 0 &&
                    now.text.includes(text) &&
                    !(notText && now.text.includes(notText)) &&
                    (!stored || now.url.includes("/web/content"))
                );
            };
            try {
                await waitUntil(ok, { timeout });
            } catch {
                const now = shown();
                throw new Error(
                    `The viewer shows ${now.pages} page(s) from "${now.url}" saying "${now.text}", not "${text}"`
                );
            }
        },
    };
}

/** Picks the file ``name`` as if from the drafter's disk (an attachment the test gave them). */
function upload(name) {
    return {
        content: `Choose ${name} as the document's file`,
        trigger: ".o_field_binary[name=file] input[type=file]:not(:visible)",
        async run({ anchor }) {
            const [file] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
                model: "ir.attachment",
                method: "search_read",
                args: [[["name", "=", name], ["create_uid", "=", user.userId]]],
                kwargs: { fields: ["datas", "mimetype"], order: "id desc", limit: 1 },
            });
            const bytes = Uint8Array.from(atob(file.datas), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: file.mimetype }));
            anchor.files = transfer.files;
            anchor.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

// A page reload would hide the fault (it always showed the stored file): the tour marks the
// page it starts on and checks at the end that it is still that page.
const markPage = {
    content: "The draft's form is open",
    trigger: ".o_form_view .o_field_binary[name=file]",
    run() {
        window.snnPreviewPage = true;
    },
};

const samePage = {
    content: "Still the page the tour started on: no reload",
    trigger: ".o_form_view",
    run() {
        if (!window.snnPreviewPage) {
            throw new Error("The page was reloaded");
        }
    },
};

const save = [
    {
        content: "Save",
        trigger: ".o_form_button_save",
        run: "click",
    },
    {
        content: "Saved",
        trigger: ".o_form_view:not(:has(.o_form_button_save:visible))",
        // A .docx is converted by LibreOffice while saving.
        timeout: 60000,
    },
];

tours.add("snn_docflow_preview_replace", {
    steps: () => [
        markPage,
        viewerShows("OLD CONTENT", { stored: true }),
        upload("new.pdf"),
        viewerShows("NEW CONTENT", { notText: "OLD CONTENT" }),
        ...save,
        viewerShows("NEW CONTENT", { notText: "OLD CONTENT", stored: true }),
        samePage,
    ],
});

tours.add("snn_docflow_preview_first_file", {
    steps: () => [
        markPage,
        {
            content: "No file yet, no viewer",
            trigger: `.o_form_view:not(:has(${VIEWER}))`,
        },
        upload("new.pdf"),
        viewerShows("NEW CONTENT"),
        ...save,
        viewerShows("NEW CONTENT", { stored: true }),
        samePage,
    ],
});

// snn_office: a .docx is converted to PDF on save; until then the viewer says so rather than
// show the previous PDF as if it were the new file.
tours.add("snn_docflow_preview_replace_docx", {
    steps: () => [
        markPage,
        viewerShows("OLD CONTENT", { stored: true }),
        upload("new.docx"),
        {
            content: "Told the new file shows once saved, not shown the old one",
            trigger: ".o_field_widget[name=file] [role=status]",
        },
        {
            content: "The old PDF is no longer shown (its frame waits, hidden)",
            trigger: `.o_form_view:not(:has(${VIEWER}:visible))`,
        },
        ...save,
        viewerShows("NEW CONTENT", { notText: "OLD CONTENT", stored: true, timeout: 50000 }),
        samePage,
    ],
});
