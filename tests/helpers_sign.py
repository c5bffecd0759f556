"""Helpers for the engine and CLI tests: run snn-sign, read PDFs back, render pixels."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
from PIL import Image

CLI = [sys.executable, "-m", "snn_sign.cli.sign_cli"]


def run_cli(*args, env_extra: dict | None = None, timeout: float = 120):
    """Run the real ``snn-sign`` command; returns the CompletedProcess (text mode)."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [*CLI, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def sign_args(bridge, key: str, appearance: str, src: Path, dst: Path, *extra) -> list:
    return [
        "sign",
        src,
        dst,
        "--bridge",
        bridge.url,
        "--client",
        bridge.client_name,
        "--secret-file",
        bridge.secret_file,
        "--key",
        key,
        "--appearance",
        appearance,
        *extra,
    ]


def stamp_args(src: Path, dst: Path, *extra, date: str = "2019-02-18") -> list:
    """``snn-sign stamp`` arguments for the seed's code 05/SNN-VP on ``date``."""
    return ["stamp", src, dst, "--code", "05/SNN-VP", "--date", date, *extra]


def signer_args(bridge, src: Path, dst: Path, *extra) -> list:
    """``snn-sign sign`` arguments for the signer's signature with the demo signature image."""
    return sign_args(
        bridge, "signer", "signer", src, dst, "--image", bridge.pki.signature_png, *extra
    )


def page_text(pdf: bytes, page_ix: int = 0) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[page_ix].extract_text()


def field_widgets(pdf: bytes) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    """Signature field name -> (0-based page, rect), read with pypdf (not our code)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = {}
    for ix, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            if annot.get("/FT") == "/Sig" or annot.get("/Parent", {}).get("/FT") == "/Sig":
                rect = tuple(float(v) for v in annot["/Rect"])
                found[str(annot.get("/T"))] = (ix, rect)
    return found


def appearance_text(pdf: bytes, field: str) -> str:
    """Text drawn in a signature widget's normal appearance."""
    return pypdf.PdfReader(io.BytesIO(appearance_pdf(pdf, field))).pages[0].extract_text()


def appearance_pdf(pdf: bytes, field: str) -> bytes:
    """A one-page PDF showing only a signature widget's normal appearance, at (0, 0)."""
    from pypdf.generic import (  # noqa: PLC0415
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    for page in list(writer.pages):
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            if str(annot.get("/T")) != field:
                continue
            blank = writer.add_blank_page(600, 800)
            blank[NameObject("/Resources")] = DictionaryObject(
                {
                    NameObject("/XObject"): DictionaryObject(
                        {NameObject("/Ap"): annot["/AP"].raw_get("/N")}
                    )
                }
            )
            content = DecodedStreamObject()
            content.set_data(b"q /Ap Do Q")
            blank[NameObject("/Contents")] = writer._add_object(content)
            single = pypdf.PdfWriter()
            single.add_page(blank)
            out = io.BytesIO()
            single.write(out)
            return out.getvalue()
    raise KeyError(field)


def render_page(path: Path, page_no: int, dpi: int = 72) -> Image.Image:
    """Render one page (1-based) with poppler's pdftoppm, annotations included."""
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page_no), "-l", str(page_no), str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out)).convert("RGB")


def _pixel_box(rect, page_height: float, dpi: int) -> tuple[int, int, int, int]:
    """A PDF rect (points, origin bottom left) as a Pillow box (pixels, origin top left)."""
    scale = dpi / 72
    x1, y1, x2, y2 = rect
    return (
        int(x1 * scale),
        int((page_height - y2) * scale),
        int(x2 * scale),
        int((page_height - y1) * scale),
    )


def count_pixels(img: Image.Image, rect, page_height: float, kind: str, dpi: int = 72) -> int:
    """Pixels of a colour family inside a PDF rect (points, origin bottom left)."""
    n = 0
    for r, g, b in img.crop(_pixel_box(rect, page_height, dpi)).getdata():
        if kind == "blue" and b > 120 and b > r + 60 and b > g + 30:
            n += 1
        elif kind == "red" and r > 150 and r > g + 80 and r > b + 80:
            n += 1
    return n


def dark_pixels(img: Image.Image, rect, page_height: float, dpi: int = 72) -> int:
    """Pixels darker than light grey inside a PDF rect (points, origin bottom left)."""
    box = _pixel_box(rect, page_height, dpi)
    return sum(1 for px in img.crop(box).getdata() if sum(px) < 3 * 200)


def pdfsig(path: Path, *, nocert: bool = True) -> subprocess.CompletedProcess:
    """poppler's pdfsig; ``-nocert`` skips the certificate chain (NSS does not know our CA)."""
    cmd = ["pdfsig", "-nocert", str(path)] if nocert else ["pdfsig", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)
