"""Bench: office drafts to PDF with LibreOffice headless, a 2-page and a 30-page .docx.

    .venv/bin/python bench/convert_bench.py [--runs 5] [--timeout 120]

No Odoo. The documents are the test's ministry-style letter (tests/test_convert.py: Vietnamese
header block, body paragraphs, a 3x3 table per page, signature block, Times New Roman), with 5
body paragraphs and the table on every page and a page break between pages, saved as .docx by
soffice itself (not timed). Then, per size:
  (a) snn_office_convert.convert.to_pdf, as the Odoo module calls it: a fresh temporary
      directory and a fresh LibreOffice profile each run, soffice in its own process group;
      the PDF's page count is checked once;
  (b) the same soffice command with one profile kept across runs (not what to_pdf does: shows
      what creating the private profile costs, i.e. what a prepared profile copied per
      conversion could save).
Prints the median, min and max wall time of ``--runs`` runs, the children's CPU time (the
machine may be shared), and the 30-page / 2-page ratio. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test's letter, not a copy

from test_convert import SOFFICE, make_fodt, soffice_convert  # noqa: E402

from snn_office_convert.convert import find_soffice, to_pdf  # noqa: E402
from snn_sign.pdfinput import open_pdf, page_count  # noqa: E402

SIZES = (2, 30)
PARAGRAPHS_PER_PAGE = 5


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(run, runs: int) -> tuple[list[float], list[float]]:
    """Wall and children's CPU seconds of each of ``runs`` calls of ``run()``."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, t0 = _children_cpu(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - cpu0)
    return walls, cpus


def _shared_profile_run(soffice: str, docx: bytes, profile: Path, timeout: float):
    """(b): soffice on ``docx`` with ``profile`` reused across runs."""

    def run() -> None:
        with tempfile.TemporaryDirectory(prefix="snn-bench-convert-") as tmp:
            source = Path(tmp) / "draft.docx"
            source.write_bytes(docx)
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    "--nologo",
                    "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to",
                    "pdf:writer_pdf_Export",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "TMPDIR": tmp},
            )
            if not (Path(tmp) / "draft.pdf").is_file():
                raise SystemExit("soffice made no PDF with the shared profile")

    return run


def _row(label: str, walls: list[float], cpus: list[float]) -> str:
    return (
        f"{label:<52}{statistics.median(walls):>8.2f}{min(walls):>8.2f}{max(walls):>8.2f}"
        f"{statistics.median(cpus):>9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120, help="to_pdf's limit (s)")
    args = parser.parse_args()
    if not SOFFICE:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    soffice = find_soffice()
    version = subprocess.run(
        [soffice, "--version"], capture_output=True, text=True, check=False, timeout=60
    ).stdout.strip()
    print(f"{version}; {args.runs} runs each; seconds")

    medians = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="snn-bench-profile-") as profile_dir:
        for pages in SIZES:
            fodt = make_fodt(pages, paragraphs_per_page=PARAGRAPHS_PER_PAGE)
            docx = soffice_convert(fodt, ("docx",))["docx"]
            got = page_count(open_pdf(to_pdf(docx, timeout=args.timeout)))  # and a warm-up
            label = f"{pages} pages ({len(docx) / 1024:.0f} KB .docx, PDF {got} pages)"
            walls, cpus = _timed(lambda d=docx: to_pdf(d, timeout=args.timeout), args.runs)
            medians[pages] = statistics.median(walls)
            rows.append(_row(f"(a) to_pdf, {label}", walls, cpus))
            profile = Path(profile_dir) / f"p{pages}"
            run = _shared_profile_run(soffice, docx, profile, args.timeout)
            run()  # creates the profile, not timed
            rows.append(_row(f"(b) one profile, {pages} pages", *_timed(run, args.runs)))

    print()
    print(f"{'':<52}{'median':>8}{'min':>8}{'max':>8}{'CPU med':>9}")
    for row in rows:
        print(row)
    print()
    small, big = SIZES
    print(f"to_pdf {big} pages / {small} pages (medians): {medians[big] / medians[small]:.2f}")


if __name__ == "__main__":
    main()
