"""Lines of the organisation block of an administrative header (Decree 30, Annex I).

The block is a narrow column: a long name ("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN") left to
the browser wraps wherever the column ends, and a Vietnamese word of two syllables ("NÔNG
THÔN") is cut in two. Administrative headers break such a name where a phrase ends: after
"VÀ" or a comma, before the level of government ("ỦY BAN NHÂN DÂN / TỈNH TUYÊN QUANG"). The
lines are chosen here, measured in the font the PDF uses, and printed without wrapping; a name
with no such place, or still too wide, is printed smaller, never cut.
"""

from snn_sign.fonts import FONT, FONT_BOLD, register_reportlab_fonts, text_width

MM = 72 / 25.4
# Words a header line may end with, and words (of one or two syllables) a line may start with.
ENDS_LINE = ("VÀ", "-")
STARTS_LINE = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
NOT_A_PLACE = ("XÃ HỘI",)  # "society", not a commune
SMALLEST = 9.0  # points: below this a header is no longer read as one


def _breaks(words):
    """Indexes where a line may end (the next line starts at that word)."""
    for i in range(1, len(words)):
        before, after = words[i - 1], " ".join(words[i : i + 2])
        if (
            before in ENDS_LINE
            or before.endswith((",", ";"))
            or (
                after not in NOT_A_PLACE
                and any(after == start or after.startswith(start + " ") for start in STARTS_LINE)
            )
        ):
            yield i


def header_lines(text, width, size, bold=False):
    """(lines, size): ``text`` in capitals on one or two lines of at most ``width`` points at
    ``size`` points, broken only where a phrase ends; at a smaller size (not below SMALLEST)
    when no such break makes it fit."""
    register_reportlab_fonts()
    font = FONT_BOLD if bold else FONT
    words = " ".join((text or "").upper().split()).split(" ")
    if words == [""]:
        return [], size

    def widest(lines):
        return max(text_width(line, size, font) for line in lines)

    options = [[" ".join(words)]] + [
        [" ".join(words[:i]), " ".join(words[i:])] for i in _breaks(words)
    ]
    fitting = [lines for lines in options if widest(lines) <= width]
    if fitting:
        return fitting[0] if len(fitting[0]) == 1 else min(fitting, key=widest), size
    lines = min(options, key=widest)
    return lines, max(SMALLEST, round(size * width / widest(lines) - 0.05, 1))
