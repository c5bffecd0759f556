"""Pages of the printed register, cut before wkhtmltopdf sees them.

Debian's wkhtmltopdf (no patched Qt) neither repeats a table's header on each page nor keeps a
table row whole: a 5,000-row register came out with a third of its page breaks cutting a row
in two and its headings on page 1 only. So each row is a block of its own that the browser
never cuts (``page-break-inside: avoid`` works on blocks), and the rows are grouped into pages
here, each page with its headings: a row's height is estimated from its words wrapped in its
column with the font's own metrics (Liberation Serif, as printed), and a page takes rows while
they fit, with room to spare. Should an estimate still fall short, the row moves to the next
page whole; nothing is ever cut.
"""

from snn_sign.fonts import wrapped_line_count

# As the template sets them (register_report.xml): A4 landscape, 10 mm side margins, 12 mm top,
# 14 mm bottom; 12.5 pt text, line height 1.25; cells padded 1 mm. wkhtmltopdf at Odoo's 90 dpi
# shrinks the page to fit the paper: CSS sizes print at PRINT_SCALE of themselves (measured on
# its output, Debian's wkhtmltopdf 0.12.6: 12.5 pt prints at 9.9 pt). Page sizes are paper's.
MM = 72 / 25.4
PRINT_SCALE = 0.79
PAGE_WIDTH = (297 - 20) * MM
PAGE_HEIGHT = (210 - 12 - 14) * MM
FONT_SIZE = 12.5 * PRINT_SCALE
LINE = FONT_SIZE * 1.25
CELL_PADDING = 2 * MM * PRINT_SCALE  # 1 mm above and below, 1 mm each side
# Column widths in percent of the page (the ten columns of Annex IV, in order).
WIDTHS = (9, 7, 24, 10, 16, 8, 5, 7, 6, 8)
FIELDS = (
    "code",
    "date",
    "subject",
    "signer",
    "recipients",
    "file_copy_holder",
    "copies",
    "sent",
    "receipt",
    "note",
)
HEADINGS_HEIGHT = 5 * LINE + 3 * CELL_PADDING  # headings (up to 4 lines) and the 1..10 row
TITLE_HEIGHT = (13 + 17 + 13) * 1.25 * PRINT_SCALE + 5 * MM  # organisation, title, register
# The browser's rendering is not ours to measure exactly: a page is filled to this share.
FILL = 0.9


def row_height(entry):
    """Estimated height of a register row, in points."""
    lines = max(
        wrapped_line_count(
            getattr(entry, field), PAGE_WIDTH * share / 100 - CELL_PADDING, FONT_SIZE
        )
        for field, share in zip(FIELDS, WIDTHS, strict=True)
    )
    return lines * LINE + CELL_PADDING + 1  # and its border


def paginate(entries):
    """The entries grouped into printed pages (at least one page, empty or not)."""
    pages, page = [], []
    room = (PAGE_HEIGHT - TITLE_HEIGHT - HEADINGS_HEIGHT) * FILL
    for entry in entries:
        height = row_height(entry)
        if page and height > room:
            pages.append(page)
            page, room = [], (PAGE_HEIGHT - HEADINGS_HEIGHT) * FILL
        page.append(entry)
        room -= height
    pages.append(page)
    return pages
