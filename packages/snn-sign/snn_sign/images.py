"""What Decree 30 asks of the images a signature shows: a PNG with a transparent background,
the signer's handwritten signature in BLUE, the organisation's seal in RED."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from snn_sign.errors import BadInputError
from snn_sign.pdfinput import check_png

_COLOURS = {"blue": ("xanh", 2), "red": ("đỏ", 0)}  # Vietnamese name, RGB channel


def check_signature_image(data: bytes, colour: str) -> bytes:
    """``data`` unchanged when it is a PNG with transparency whose ink is mostly ``colour``
    ("blue" for a signature, "red" for a seal); BadInputError (Vietnamese / English) else."""
    vi_colour, channel = _COLOURS[colour]
    check_png(data, f"{colour} image")
    with Image.open(BytesIO(data)) as img:
        img.load()
        if img.mode not in ("RGBA", "LA", "PA") and "transparency" not in img.info:
            raise BadInputError(
                "Ảnh phải có nền trong suốt (PNG có kênh alpha).",
                "The image needs a transparent background (a PNG with an alpha channel).",
            )
        rgba = img.convert("RGBA")
    ink = [p for p in rgba.getdata() if p[3] >= 128]
    if not ink:
        raise BadInputError("Ảnh trong suốt hoàn toàn: không có nét.", "The image is empty.")
    totals = [sum(p[i] for p in ink) for i in range(3)]
    if max(range(3), key=totals.__getitem__) != channel:
        raise BadInputError(
            f"Ảnh phải có màu {vi_colour} (Nghị định 30).",
            f"The image must be {colour} (Decree 30).",
        )
    return data
