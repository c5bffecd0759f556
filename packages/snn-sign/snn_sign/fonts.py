"""Liberation Serif: Times New Roman metrics, every Vietnamese letter (Debian fonts-liberation2).

All text this package puts on a page (number, date, seal and attachment lines, the sample letter)
is drawn with reportlab in this font, so it embeds a subset with a ToUnicode map and reads back
exactly, diacritics included. (pyHanko's own text stamps assume 1000 units per em; Liberation
has 2048, which is why we do not use them.)
"""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import SnnSignError

_SEARCH_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/local/share/fonts",
    "/usr/share/fonts",
)
_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
# reportlab names under which the faces are registered
FONT = "SnnSerif"
FONT_BOLD = "SnnSerif-Bold"
FONT_ITALIC = "SnnSerif-Italic"
FONT_BOLD_ITALIC = "SnnSerif-BoldItalic"


@functools.cache
def font_path(style: str = "regular") -> Path:
    """Path of a Liberation Serif face; ``SNN_FONT_DIR`` is searched first."""
    name = _FILES[style]
    dirs = [os.environ["SNN_FONT_DIR"]] if os.environ.get("SNN_FONT_DIR") else []
    for base in [*dirs, *_SEARCH_DIRS]:
        direct = Path(base) / name
        if direct.is_file():
            return direct
    for base in _SEARCH_DIRS:  # last resort: any subfolder (other distributions)
        root = Path(base)
        if root.is_dir():
            for found in root.rglob(name):
                return found
    raise SnnSignError(
        f"Không tìm thấy phông {name} (cài gói fonts-liberation2).",
        f"Font {name} not found (install the fonts-liberation2 package).",
    )


@functools.cache
def register_reportlab_fonts() -> str:
    """Register the four faces with reportlab once; returns the regular face's name."""
    faces = {
        FONT: "regular",
        FONT_BOLD: "bold",
        FONT_ITALIC: "italic",
        FONT_BOLD_ITALIC: "bolditalic",
    }
    for rl_name, style in faces.items():
        pdfmetrics.registerFont(TTFont(rl_name, str(font_path(style))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
    return FONT


def text_width(text: str, size: float, font: str = FONT) -> float:
    """Width in points of ``text`` set in ``font`` at ``size``."""
    register_reportlab_fonts()
    return pdfmetrics.stringWidth(text, font, size)


def wrapped_line_count(text: str, width: float, size: float, font: str = FONT) -> int:
    """How many lines ``text`` takes in a box ``width`` points wide, words wrapped as a browser
    wraps them (a word longer than the box breaks anywhere); at least one. The printed
    registers (Odoo add-ons) cut their pages with it before wkhtmltopdf sees them."""
    if not text:
        return 1
    space = text_width(" ", size, font)
    lines = 0
    for paragraph in text.split("\n"):
        line_width, lines = 0.0, lines + 1
        for word in paragraph.split():
            word_width = text_width(word, size, font)
            gap = space if line_width else 0.0
            if line_width and line_width + gap + word_width > width:
                lines += 1
                line_width, gap = 0.0, 0.0
            if word_width > width:
                extra = math.ceil(word_width / width) - 1
                lines += extra
                line_width = word_width - extra * width
            else:
                line_width += gap + word_width
    return max(lines, 1)
