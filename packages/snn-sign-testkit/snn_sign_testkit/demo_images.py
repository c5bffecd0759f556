"""Demo signature and seal images (PNG, RGBA, transparent background) for tests and the demo.

They only look like a handwritten signature and a red round seal; they are not anyone's real
signature or seal. Deterministic for a given name, so test output is reproducible.
"""

from __future__ import annotations

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

DPI = 300
SEAL_DIAMETER_MM = 36
_BLUE = (20, 50, 170, 255)
_RED = (210, 25, 30, 255)
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")


def _font(names: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """First available TrueType font with Vietnamese letters, else Pillow's default."""
    for directory in _FONT_DIRS:
        for name in names:
            try:
                return ImageFont.truetype(f"{directory}/{name}", size)
            except OSError:
                continue
    return ImageFont.load_default(size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _rng(text: str) -> random.Random:
    # Seeded from the name: same name, same picture (not used for anything secret).
    return random.Random(hashlib.sha256(text.encode()).digest())  # noqa: S311


def make_signature_png(name: str, *, width: int = 600, height: int = 240) -> bytes:
    """A blue, handwritten-looking signature: a slanted scrawl of the given name's last word
    plus a flourish underneath, on a transparent background."""
    rng = _rng(name)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    word = (name.split() or ["Ký"])[-1]
    font = _font(("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"), height // 3)
    draw.text((width * 0.18, height * 0.18), word, font=font, fill=_BLUE)
    # The flourish: one smooth stroke under the name, its shape varied by the name's hash.
    freq, lift = 1.6 + rng.random(), 0.08 + 0.06 * rng.random()
    points = []
    for i in range(240):
        t = i / 239
        x = width * (0.1 + 0.82 * t)
        y = height * (0.74 + lift * math.sin(t * math.pi * freq) - 0.14 * t)
        points.append((x, y))
    draw.line(points, fill=_BLUE, width=5, joint="curve")
    # A small slanted loop where the pen starts, as a hand would.
    loop = [
        (
            width * 0.14 + 22 * math.cos(a / 20) + 0.3 * (40 * math.sin(a / 20)),
            height * 0.58 + 40 * math.sin(a / 20),
        )
        for a in range(126)
    ]
    draw.line(loop, fill=_BLUE, width=4, joint="curve")
    return _png(image)


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _text_on_circle(image: Image.Image, text: str, radius: float, font, fill) -> None:
    """Write ``text`` clockwise along the upper arc of a circle centred in ``image``."""
    cx, cy = image.width / 2, image.height / 2
    widths = [font.getlength(ch) for ch in text]
    spacing = font.size * 0.08
    total = sum(widths) + spacing * (len(text) - 1)
    # Arc length -> angle; at most 300 degrees so the text never closes on itself.
    span = min(total / radius, math.radians(300))
    scale = span / (total / radius)
    angle = -math.pi / 2 - span / 2
    for ch, w in zip(text, widths, strict=True):
        step = (w + spacing) / radius * scale
        mid = angle + (w / radius * scale) / 2
        size = int(font.size * 1.6)
        glyph = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=fill, anchor="mm")
        glyph = glyph.rotate(-math.degrees(mid + math.pi / 2), resample=Image.BICUBIC)
        x = cx + radius * math.cos(mid) - size / 2
        y = cy + radius * math.sin(mid) - size / 2
        image.alpha_composite(glyph, (round(x), round(y)))
        angle += step


def make_seal_png(org_name: str, *, diameter_mm: float = SEAL_DIAMETER_MM) -> bytes:
    """A red round seal: two outer rings, the organisation's name along the rim, a star in the
    middle. ``diameter_mm`` at 300 dpi (36 mm -> 425 px)."""
    size = round(diameter_mm / 25.4 * DPI)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = max(3, size // 60)
    # The outer ring touches the image edge: the image width is the seal's real diameter.
    draw.ellipse((1, 1, size - 2, size - 2), outline=_RED, width=ring * 2)
    inner = size * 0.32
    c = size / 2
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=_RED, width=ring)
    draw.polygon(_star(c, c, inner * 0.75, inner * 0.3), fill=_RED)
    font = _font(("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"), max(12, size // 14))
    _text_on_circle(image, org_name.upper(), size * 0.40, font, _RED)
    return _png(image)
