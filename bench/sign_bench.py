"""Bench: stamp + signer + seal signatures, bare pyHanko vs snn_sign through the token bridge.

    .venv/bin/python bench/sign_bench.py [--rounds 9] [--big-mb 13]

Both ways use the same SoftHSM2 token (a fresh demo PKI in a temporary directory) and the same
PDFs (1 page, 50 pages, ~13 MB with images):
  (a) bare pyHanko, in process: its own PKCS11Signer, a TextStamp for number and date, and
      visible signatures with pyHanko's own stamp styles (image background, text), at the
      positions snn_sign would choose (computed once, outside the timing);
  (b) snn_sign: stamp_pdf, then sign_pdf(signer) and sign_pdf(seal) with BridgeSigner through
      the bridge subprocess (started as the test fixture does, with tests/helpers_bridge.py).
Prints medians and b/a per size (target <= 1.3), then raw /v1/sign requests per second, one at
a time and 16 at once. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # reuse the fixture's bridge starter, not a copy

from helpers_bridge import signed_attrs, start_bridge  # noqa: E402
from pyhanko.config.pkcs11 import TokenCriteria  # noqa: E402
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory  # noqa: E402
from pyhanko.pdf_utils.images import PdfImage  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.text import TextBoxStyle  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session  # noqa: E402
from pyhanko.stamp import TextStamp, TextStampStyle  # noqa: E402

from snn_sign import appearance as ap  # noqa: E402
from snn_sign.bridge.client import BridgeClient  # noqa: E402
from snn_sign.bridge.signer import BridgeSigner  # noqa: E402
from snn_sign.fonts import font_path  # noqa: E402
from snn_sign.signing import sign_pdf  # noqa: E402
from snn_sign.stamp import DATE_RE, NUMBER_RE, find_line, page_lines, stamp_pdf  # noqa: E402
from snn_sign.vntime import iso_vn, now_vn  # noqa: E402
from snn_sign_testkit.pki import create_demo_pki  # noqa: E402
from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: E402

CODE, DATE = "05/SNN-VP", dt.date(2019, 2, 18)


def _boxes(pdf: bytes, signer_name: str, sig_png: bytes, seal_png: bytes, org: str):
    """Where snn_sign puts things, computed once so (a) draws at the same places."""
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415

    lines = page_lines(pdf, 0)
    number, date = find_line(lines, NUMBER_RE), find_line(lines, DATE_RE)
    reader = PdfFileReader(io.BytesIO(pdf))
    page_ix, signer_box = ap.find_signer_box(pdf, reader, signer_name, ap.image_size(sig_png))
    x1, y1, x2, y2 = signer_box
    side = 36 * ap.MM
    right = x1 + (x2 - x1) / 3
    seal_box = (right - side, (y1 + y2) / 2 - side / 2 - 17, right, (y1 + y2) / 2 + side / 2)
    return number, date, page_ix, signer_box, seal_box


class BarePyHanko:
    """(a): pyHanko alone, PKCS11Signer in this process."""

    def __init__(self, pki, boxes, sig_png: Path, seal_png: Path):
        self.session = open_pkcs11_session(
            pki.module, token_criteria=TokenCriteria(label=pki.token_label), user_pin=pki.pin
        )
        self.signer = PKCS11Signer(self.session, key_label="signer", cert_label="signer")
        self.seal = PKCS11Signer(self.session, key_label="seal", cert_label="seal")
        self.boxes = boxes
        self.font = GlyphAccumulatorFactory(str(font_path()))
        self.sig_png, self.seal_png = str(sig_png), str(seal_png)
        self.org = pki.org_name

    def run(self, pdf: bytes) -> bytes:
        number, date, page_ix, signer_box, seal_box = self.boxes
        w = IncrementalPdfFileWriter(io.BytesIO(pdf))
        for text, line in (
            (f"Số: {CODE}", number),
            (f"Tuyên Quang, ngày {DATE:%d} tháng {DATE:%m} năm {DATE:%Y}", date),
        ):
            style = TextStampStyle(
                stamp_text=text,
                border_width=0,
                text_box_style=TextBoxStyle(font=self.font, font_size=int(line.size)),
            )
            TextStamp(w, style).apply(0, int(line.x0), int(line.y0))
        out = io.BytesIO()
        w.write(out)
        stamped = out.getvalue()
        signed = self._sign(
            stamped,
            self.signer,
            "SignerSignature",
            page_ix=page_ix,
            box=signer_box,
            style=TextStampStyle(
                stamp_text=" ",
                border_width=0,
                background=PdfImage(self.sig_png),
                background_opacity=1.0,
            ),
        )
        text = f"{self.org}\n{iso_vn(now_vn())}"
        return self._sign(
            signed,
            self.seal,
            "SealSignature",
            page_ix=page_ix,
            box=seal_box,
            style=TextStampStyle(
                stamp_text=text.replace("%", "%%"),
                border_width=0,
                background=PdfImage(self.seal_png),
                background_opacity=1.0,
                text_box_style=TextBoxStyle(font=self.font, font_size=6),
            ),
        )

    @staticmethod
    def _sign(pdf, signer, name, *, page_ix, box, style) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(
                name, on_page=page_ix, box=tuple(int(v) for v in box)
            ),
        )
        return pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf))).getvalue()


class ThroughBridge:
    """(b): snn_sign's API with BridgeSigner, the bridge in its own process."""

    def __init__(self, bridge, sig_png: Path, seal_png: Path):
        self.signer = BridgeSigner(bridge.client, "signer")
        self.seal = BridgeSigner(bridge.client, "seal")
        self.sig_png, self.seal_png = sig_png.read_bytes(), seal_png.read_bytes()

    def run(self, pdf: bytes) -> bytes:
        stamped = stamp_pdf(pdf, CODE, DATE)
        signed = sign_pdf(stamped, self.signer, appearance="signer", image_png=self.sig_png)
        return sign_pdf(signed, self.seal, appearance="seal", image_png=self.seal_png)


def _paired_ms(fn_a, fn_b, pdf: bytes, rounds: int) -> tuple[float, float]:
    """Medians (ms) of a and b, run alternately so both see the same machine load (other
    processes share these cores)."""
    fn_a(pdf)  # warm-up: imports, font caches, connections
    fn_b(pdf)
    times_a, times_b = [], []
    for _ in range(rounds):
        for fn, times in ((fn_a, times_a), (fn_b, times_b)):
            t0 = time.perf_counter()
            fn(pdf)
            times.append(time.perf_counter() - t0)
    return statistics.median(times_a) * 1000, statistics.median(times_b) * 1000


def _raw_rps(bridge, n: int, workers: int) -> float:
    payload = signed_attrs(hashlib.sha256(b"bench").digest())
    clients = [BridgeClient(bridge.url, bridge.client_name, bridge.secret) for _ in range(workers)]

    def work(i: int) -> None:
        clients[i % workers].sign("signer", payload)

    for i in range(workers):
        work(i)  # warm connections
    t0 = time.perf_counter()
    if workers == 1:
        for i in range(n):
            work(i)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, range(n)))
    elapsed = time.perf_counter() - t0
    for c in clients:
        c.close()
    return n / elapsed


def main() -> None:
    ap_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap_.add_argument("--rounds", type=int, default=15)
    ap_.add_argument("--big-mb", type=float, default=13)
    ap_.add_argument("--raw", type=int, default=400, help="requests per raw /v1/sign run")
    args = ap_.parse_args()
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" per signature

    with tempfile.TemporaryDirectory(prefix="snn-bench-") as tmp:
        pki = create_demo_pki(Path(tmp) / "pki", pin=secrets.token_hex(4))
        # before this process loads the PKCS#11 module: SoftHSM2 reads it once
        os.environ.update(pki.env())
        bridge = start_bridge(Path(tmp) / "bridge", pki)
        try:
            pdfs = {
                "1 page": make_letter_pdf(1),
                "50 pages": make_letter_pdf(50),
                f"{args.big_mb:g} MB images": make_letter_pdf(1, with_images_mb=args.big_mb),
            }
            sig_png, seal_png = pki.signature_png, pki.seal_png
            b = ThroughBridge(bridge, sig_png, seal_png)
            rows = []
            bare = None
            for label, pdf in pdfs.items():
                boxes = _boxes(
                    pdf, pki.signer_name, sig_png.read_bytes(), seal_png.read_bytes(), pki.org_name
                )
                if bare is None:
                    bare = BarePyHanko(pki, boxes, sig_png, seal_png)
                bare.boxes = boxes
                ms_a, ms_b = _paired_ms(bare.run, b.run, pdf, args.rounds)
                rows.append((label, len(pdf), ms_a, ms_b))
            print()
            print(f"stamp + signer + seal signature, median of {args.rounds} paired runs (ms)")
            print(f"{'PDF':<16}{'size':>12}{'(a) pyHanko':>14}{'(b) snn_sign':>15}{'b/a':>7}")
            for label, size, ms_a, ms_b in rows:
                print(f"{label:<16}{size:>12,}{ms_a:>14.1f}{ms_b:>15.1f}{ms_b / ms_a:>7.2f}")
            print()
            one = _raw_rps(bridge, args.raw, 1)
            many = _raw_rps(bridge, args.raw, 16)
            print("raw POST /v1/sign (RSA-2048, SoftHSM2)")
            print(f"  one at a time: {one:8.0f} requests/s")
            print(f"  16 at once:    {many:8.0f} requests/s")
        finally:
            bridge.stop()


if __name__ == "__main__":
    main()
