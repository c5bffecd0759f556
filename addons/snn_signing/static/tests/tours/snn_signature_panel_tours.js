import { registry } from "@web/core/registry";

// What a civil servant must not be shown on the signature panel before unfolding the details.
const RAW = [
    ["an X.509 subject", /Common Name|Organization:|State\/Province/],
    ["a modification code", /FORM_FILLING|LTA_UPDATES|\bNONE\b/],
    ["a signature field name", /SignerSignature|SealSignature/],
    ["an ISO time", /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/],
    ["a SHA-256 hash", /\b[0-9a-fA-F]{64}\b/],
];
const WHEN = String.raw`lúc \d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}`;
const EXPECTED = [
    ["the signer", new RegExp(String.raw`Ký bởi Nguyễn Công Hàm \(Sở Nông nghiệp và PTNT Tuyên Quang\), ${WHEN}`)],
    ["the seal", new RegExp(String.raw`Ký bởi Sở Nông nghiệp và PTNT Tuyên Quang, ${WHEN}`)],
    [
        "the verdict",
        /Chữ ký hợp lệ: văn bản không bị sửa sau khi ký; chứng thư do SNN Demo CA \(thử nghiệm, không dùng thật\) cấp, được tin cậy\./,
    ],
    ["what was not checked", /Chưa kiểm tra tình trạng thu hồi chứng thư/],
    ["when it was verified", new RegExp(String.raw`Đã kiểm tra ${WHEN}`)],
];
const PANEL = ".o_field_widget[name=signature_ids]";
const SIGNER_CARD = `${PANEL} .o_kanban_record:contains("Nguyễn Công Hàm")`;

/** The text a reader sees without unfolding anything: a closed <details> shows its summary. */
function visibleText(root) {
    const copy = root.cloneNode(true);
    for (const details of copy.querySelectorAll("details:not([open])")) {
        for (const child of [...details.childNodes]) {
            if (child.nodeName !== "SUMMARY") {
                child.remove();
            }
        }
    }
    // one space between the texts of separate elements, as a reader sees them apart
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) {
        parts.push(walker.currentNode.nodeValue);
    }
    return parts.join(" ").replace(/\s+/g, " ");
}

registry.category("web_tour.tours").add("snn_signing_signature_panel", {
    steps: () => [
        { content: "Open the signatures", trigger: `.o_form_view a[name="signatures"]`, run: "click" },
        { content: "The signatures are listed", trigger: `${PANEL}:contains("Nguyễn Công Hàm")` },
        {
            content: "Plain Vietnamese, nothing raw, nothing cut",
            trigger: `.o_notebook .tab-pane.active:has(${PANEL})`,
            run() {
                const problems = [];
                const cards = this.anchor.querySelectorAll(
                    `${PANEL} .o_kanban_record:not(.o_kanban_ghost)`
                );
                if (cards.length !== 2) {
                    problems.push(`${cards.length} signature cards, not 2`);
                }
                if (this.anchor.querySelectorAll(".o_kanban_record .fa-check-circle.text-success").length !== 2) {
                    problems.push("not two green valid icons");
                }
                const text = visibleText(this.anchor);
                for (const [what, pattern] of EXPECTED) {
                    if (!pattern.test(text)) {
                        problems.push(`${what} is not said (${pattern})`);
                    }
                }
                for (const [what, pattern] of RAW) {
                    const match = text.match(pattern);
                    if (match) {
                        problems.push(`${what} is shown: "${match[0]}"`);
                    }
                }
                for (const card of cards) {
                    const box = card.getBoundingClientRect();
                    if (box.left < 0 || box.right > window.innerWidth) {
                        problems.push(`a card runs off the screen (${box.left}–${box.right})`);
                    }
                    for (const field of card.querySelectorAll(".o_field_widget")) {
                        if (field.clientWidth && field.scrollWidth > field.clientWidth + 1) {
                            problems.push(`"${field.textContent.trim()}" is cut`);
                        }
                    }
                }
                if (problems.length) {
                    throw new Error(`Signature panel: ${problems.join("; ")} | shown: ${text}`);
                }
            },
        },
        { content: "Unfold the details", trigger: `${SIGNER_CARD} details > summary`, run: "click" },
        {
            content: "The details show the certificate's serial number",
            trigger: `${SIGNER_CARD} details[open]:contains("Số sê-ri chứng thư")`,
            run() {
                const text = this.anchor.textContent;
                if (!/Số sê-ri chứng thư\s*[0-9A-F]{16,}/.test(text) || !/SignerSignature/.test(text)) {
                    throw new Error(`The details do not show the serial and the field: ${text}`);
                }
            },
        },
        {
            content: "The page was not left for a record dialog",
            trigger: `body:not(:has(.modal)) ${SIGNER_CARD}`,
        },
    ],
});
