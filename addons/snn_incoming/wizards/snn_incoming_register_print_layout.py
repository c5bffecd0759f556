"""Pages of the printed incoming registers, cut before wkhtmltopdf sees them.

As for the outgoing register (snn_report/wizards/register_layout.py, where the measurements
are explained): Debian's wkhtmltopdf neither repeats a table's headings on each page nor keeps
a table row whole, so each row is a block the browser never cuts, and rows are grouped into
pages here, each page with the column headings, a row's height estimated from its words
wrapped in its column with the font's own metrics (Liberation Serif, as printed). The cover is
a page of its own; every page of rows has the same room.
"""

from snn_sign.fonts import FONT, FONT_BOLD, wrapped_line_count

# As the template sets them (report/incoming_register_report.xml): A4 landscape, 10 mm side
# margins, 12 mm top, 14 mm bottom; 12.5 pt text, line height 1.25; cells padded 1 mm; CSS
# sizes print at PRINT_SCALE of themselves (wkhtmltopdf at Odoo's 90 dpi, measured for the
# outgoing register on the same paper format).
MM = 72 / 25.4
PRINT_SCALE = 0.79
PAGE_WIDTH = (297 - 20) * MM
PAGE_HEIGHT = (210 - 12 - 14) * MM
FONT_SIZE = 12.5 * PRINT_SCALE
LINE = FONT_SIZE * 1.25
CELL_PADDING = 2 * MM * PRINT_SCALE  # 1 mm above and below, 1 mm each side
# The browser's rendering is not ours to measure exactly: a page is filled to this share.
FILL = 0.9


def cell_width(share):
    return PAGE_WIDTH * share / 100 - CELL_PADDING


def row_height(cells, columns, font=FONT):
    """Estimated height of a row, in points."""
    lines = max(
        wrapped_line_count(text, cell_width(width), FONT_SIZE, font)
        for text, (_heading, width, _centred) in zip(cells, columns, strict=True)
    )
    return lines * LINE + CELL_PADDING + 1  # and its border


def paginate(rows, columns):
    """The rows grouped into printed pages after the cover (at least one, empty or not)."""
    headings = [heading for heading, _width, _centred in columns]
    # The headings in bold, and the row numbering the columns (1, 2, 3 …).
    room = (PAGE_HEIGHT - row_height(headings, columns, FONT_BOLD) - LINE - CELL_PADDING) * FILL
    pages, page, left = [], [], room
    for row in rows:
        height = row_height(row.cells, columns)
        if page and height > left:
            pages.append(page)
            page, left = [], room
        page.append(row)
        left -= height
    pages.append(page)
    return pages
