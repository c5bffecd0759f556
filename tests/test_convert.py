"""snn_office_convert.convert: office drafts (.docx, .odt, .doc) to PDF with LibreOffice headless.

The documents are made at test time: a flat ODT (XML) laid out like a ministry template (header
block, body, a 3x3 table, signature block, Times New Roman), which soffice itself turns into a
.docx, an .odt and a .doc once per session. No binary fixture is committed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from helpers_pdf import one_page_pdf
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from snn_office_convert import convert
from snn_office_convert.convert import TEMP_PREFIX, sniff, to_pdf
from snn_sign.errors import BadInputError, ConversionError, ConversionTimeoutError
from snn_sign.pdfinput import open_pdf, page_count

HEADER_LEFT = ("UBND TỈNH TUYÊN QUANG", "SỞ NÔNG NGHIỆP VÀ PTNT", "Số: /SNN-VP")
HEADER_RIGHT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Tuyên Quang, ngày tháng năm 2026",
)
SUBJECT = "V/v báo cáo kết quả chuyển đổi số"
BODY = (
    "Thực hiện Kế hoạch số 15/KH-UBND của Ủy ban nhân dân tỉnh về chuyển đổi số, Sở Nông "
    "nghiệp và Phát triển nông thôn đề nghị các đơn vị trực thuộc khẩn trương rà soát, tổng hợp "
    "và báo cáo kết quả triển khai trước ngày 25 tháng 01 năm 2026."
)
TABLE = (
    ("STT", "Đơn vị", "Kết quả"),
    ("1", "Chi cục Thủy lợi", "Đạt yêu cầu"),
    ("2", "Trung tâm Khuyến nông", "Chưa đạt"),
)
SIGNATURE = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Công Hàm")
EXPECTED = (*HEADER_LEFT, *HEADER_RIGHT, SUBJECT, BODY, *SIGNATURE)

SOFFICE = shutil.which("soffice")
# LibreOffice is one of the project's Debian packages (tools/devenv.py installs it): without
# it these tests fail, saying so, rather than skip (a skipped test counts for nothing here).
needs_soffice = pytest.mark.slow

_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Times New Roman" svg:font-family="'Times New Roman'"
  style:font-family-generic="roman" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.1cm"/>
  <style:text-properties style:font-name="Times New Roman" fo:font-size="14pt"
   fo:language="vi" fo:country="VN"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="A4">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/>
 </style:page-layout>
 <style:style style:name="Head" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Center" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="13pt"/>
 </style:style>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm"
   fo:margin-top="0.15cm" fo:margin-bottom="0.15cm"/>
 </style:style>
 <style:style style:name="Break" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:break-before="page"/>
 </style:style>
 <style:style style:name="Cell" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="13pt"/>
 </style:style>
 <style:style style:name="Grid" style:family="table-cell">
  <style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.1cm"/>
 </style:style>
 <style:style style:name="Plain" style:family="table-cell">
  <style:table-cell-properties fo:border="none" fo:padding="0cm"/>
 </style:style>
 <style:style style:name="Full" style:family="table">
  <style:table-properties style:width="16.5cm" table:align="margins"/>
 </style:style>
 <style:style style:name="Narrow" style:family="table-column">
  <style:table-column-properties style:column-width="6.5cm"/>
 </style:style>
 <style:style style:name="Wide" style:family="table-column">
  <style:table-column-properties style:column-width="10cm"/>
 </style:style>
 <style:style style:name="Small" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="12pt"/>
 </style:style>
</office:automatic-styles>
<office:body><office:text>
"""
_FODT_TAIL = "</office:text></office:body></office:document>\n"


def _p(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def _table(rows, *, cell_style: str, paragraph_styles: tuple[str, ...]) -> str:
    """A table filling the text width; with two columns, a narrow left one (6.5 cm) as in the
    ministry's header and signature blocks. Column i's paragraphs use ``paragraph_styles[i]``
    (the last one for the rest)."""
    columns = len(rows[0])
    if columns == 2:
        widths = '<table:table-column table:style-name="Narrow"/>'
        widths += '<table:table-column table:style-name="Wide"/>'
    else:
        widths = f'<table:table-column table:number-columns-repeated="{columns}"/>'
    out = [f'<table:table table:style-name="Full">{widths}']
    for row in rows:
        out.append("<table:table-row>")
        for i, cell in enumerate(row):
            paragraphs = cell if isinstance(cell, tuple) else (cell,)
            style = paragraph_styles[min(i, len(paragraph_styles) - 1)]
            body = "".join(_p(text, style) for text in paragraphs)
            out.append(
                f'<table:table-cell table:style-name="{cell_style}">{body}</table:table-cell>'
            )
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def make_fodt(pages: int = 1, *, paragraphs_per_page: int = 1) -> bytes:
    """A flat ODT laid out like a ministry letter: header block, subject, body, a 3x3 table,
    then the signature block. ``pages`` > 1 adds pages after a page break, each with
    ``paragraphs_per_page`` body paragraphs and the table (the page count is then exact as
    long as a page's content fits on it: 6 paragraphs and the table do)."""
    parts = [_FODT_HEAD]
    parts.append(
        _table([(HEADER_LEFT, HEADER_RIGHT)], cell_style="Plain", paragraph_styles=("Head",))
    )
    parts.append(_p(SUBJECT, "Center"))
    parts.extend(_p(BODY, "Body") for _ in range(paragraphs_per_page))
    parts.append(_table(TABLE, cell_style="Grid", paragraph_styles=("Cell",)))
    for page in range(2, pages + 1):
        parts.append(_p(f"Trang nội dung số {page}.", "Break"))
        parts.extend(_p(BODY, "Body") for _ in range(paragraphs_per_page))
        parts.append(_table(TABLE, cell_style="Grid", paragraph_styles=("Cell",)))
    parts.append(_p(""))
    signature = (("Nơi nhận:", "- Như trên;", "- Lưu: VT."), (*SIGNATURE[:2], "", "", SIGNATURE[2]))
    parts.append(_table([signature], cell_style="Plain", paragraph_styles=("Small", "Head")))
    parts.append(_FODT_TAIL)
    return "".join(parts).encode("utf-8")


def soffice_convert(fodt: bytes, kinds: tuple[str, ...], soffice: str | None = None) -> dict:
    """{kind: bytes}: ``fodt`` saved as each of ``kinds`` ("docx", "odt", "doc") by soffice."""
    filters = {"docx": "docx:MS Word 2007 XML", "odt": "odt:writer8", "doc": "doc:MS Word 97"}
    result = {}
    with tempfile.TemporaryDirectory(prefix="snn-test-docs-") as tmp:
        work = Path(tmp)
        source = work / "letter.fodt"
        source.write_bytes(fodt)
        for kind in kinds:
            subprocess.run(
                [
                    soffice or SOFFICE,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to",
                    filters[kind],
                    "--outdir",
                    str(work / kind),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=120,
                env={**os.environ, "TMPDIR": tmp},
            )
            result[kind] = (work / kind / f"letter.{kind}").read_bytes()
    return result


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, NFC, every run of white space one space."""
    text = unicodedata.normalize("NFC", extract_text(io.BytesIO(pdf)))
    return re.sub(r"\s+", " ", text)


def pdf_fonts(pdf: bytes) -> set[str]:
    """The base font names the pages use, without the subset tag (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def assert_letter(pdf: bytes, pages: int = 1) -> None:
    assert page_count(open_pdf(pdf)) == pages
    # Times New Roman, or Liberation Serif (its metric-compatible stand-in on Debian): the
    # layout then matches the template, as the whole header lines below show.
    assert pdf_fonts(pdf), "no font"
    for font in pdf_fonts(pdf):
        assert font.startswith(("TimesNewRoman", "LiberationSerif")), font
    lines = {line.strip() for line in extract_text(io.BytesIO(pdf)).splitlines()}
    for header_line in (*HEADER_LEFT, *HEADER_RIGHT):
        assert unicodedata.normalize("NFC", header_line) in lines  # not wrapped
    text = pdf_text(pdf)
    for expected in EXPECTED:
        assert unicodedata.normalize("NFC", expected) in text
    for row in TABLE:
        for cell in row:
            assert cell in text


@pytest.fixture
def own_temp_dir(tmp_path, monkeypatch):
    """A temp dir of this test's own (tempfile's default while it runs): what it leaves is
    told apart from the conversions other processes make at the same time (Odoo's runner runs
    beside pytest)."""
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    return private


def leftovers() -> tuple[list[str], str]:
    """Our temporary directories still in the temp dir, and soffice processes using one."""
    tmp = Path(tempfile.gettempdir())
    dirs = sorted(p.name for p in tmp.glob(f"{TEMP_PREFIX}*"))
    found = subprocess.run(
        ["pgrep", "-af", str(tmp / TEMP_PREFIX)], check=False, capture_output=True, text=True
    )
    procs = "\n".join(line for line in found.stdout.splitlines() if "pgrep" not in line)
    return dirs, procs


@pytest.fixture(scope="session")
def office_docs():
    """{"docx": ..., "odt": ..., "doc": ..., "docx5": a 5-page .docx}."""
    assert SOFFICE, "LibreOffice is absent: apt-get install libreoffice-writer-nogui"
    docs = soffice_convert(make_fodt(), ("docx", "odt", "doc"))
    docs["docx5"] = soffice_convert(make_fodt(pages=5), ("docx",))["docx"]
    return docs


# ----------------------------------------------------------------------------- sniffing


def test_sniff_by_content():
    assert sniff(one_page_pdf()) == "pdf"
    assert sniff(b"junk\n%PDF-1.7\n...") == "pdf"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + convert.WORD_STREAM) == "doc"
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    assert sniff(odt.getvalue()) == "odt"
    assert sniff(_docx_stub()) == "docx"
    # Cut short (no central directory): still recognised, so LibreOffice says "damaged".
    assert sniff(_docx_stub()[:110]) == "docx"


def _not_docx_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải văn bản")
    return out.getvalue()


def _docx_stub() -> bytes:
    """A .docx by its parts' names, not a real document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", "<x/>")
    return out.getvalue()


def _ods_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        "Công văn số 12, văn bản thường.\n".encode(),
        _not_docx_zip(),
        _ods_zip(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,  # OLE2 but no Word stream (.xls)
        b"",
    ],
    ids=["png", "text", "zip", "ods", "xls", "empty"],
)
def test_refused_naming_what_is_accepted(data):
    for call in (sniff, to_pdf):
        with pytest.raises(BadInputError) as info:
            call(data)
        assert "PDF" in info.value.vi and ".docx" in info.value.vi and ".odt" in info.value.vi
        assert "Chỉ nhận" in info.value.vi
        assert "Accepted: PDF, Word (.docx, .doc) or OpenDocument (.odt)" in info.value.en


def test_pdf_passes_through_unchanged():
    pdf = one_page_pdf()
    assert to_pdf(pdf, soffice="/nonexistent/soffice") is pdf  # no LibreOffice needed
    with pytest.raises(BadInputError, match="truncated"):
        to_pdf(pdf[: len(pdf) // 2])


def test_missing_soffice_says_what_to_install(monkeypatch):
    monkeypatch.delenv(convert.SOFFICE_ENV, raising=False)
    docx = _docx_stub()
    with pytest.raises(ConversionError) as info:
        to_pdf(docx, soffice="/nonexistent/soffice")
    for text in (info.value.vi, info.value.en):
        assert "libreoffice-writer-nogui" in text and "/nonexistent/soffice" in text
    monkeypatch.setenv(convert.SOFFICE_ENV, "/nonexistent/soffice")
    with pytest.raises(ConversionError, match="cài gói Debian libreoffice-writer-nogui"):
        to_pdf(docx)
    # Nowhere at all: not on PATH, not in Debian's places.
    monkeypatch.delenv(convert.SOFFICE_ENV)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(convert, "SOFFICE_WELL_KNOWN", ("/nonexistent/a", "/nonexistent/b"))
    with pytest.raises(ConversionError, match="install the Debian package libreoffice-writer"):
        to_pdf(docx)


# ----------------------------------------------------------------------------- LibreOffice


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "odt", "doc"])
def test_converts_vietnamese_letter(office_docs, kind):
    assert sniff(office_docs[kind]) == kind
    pdf = to_pdf(office_docs[kind])
    assert pdf.startswith(b"%PDF-")
    assert_letter(pdf)


@needs_soffice
@pytest.mark.slow
def test_page_breaks_give_pages(office_docs):
    assert_letter(to_pdf(office_docs["docx5"]), pages=5)


@needs_soffice
@pytest.mark.slow
def test_damaged_docx_is_a_conversion_error_and_leaves_nothing(office_docs, own_temp_dir):
    before = leftovers()
    damaged = office_docs["docx"][: len(office_docs["docx"]) // 2]
    assert sniff(damaged) == "docx"
    with pytest.raises(ConversionError) as info:
        to_pdf(damaged, timeout=60)
    assert not isinstance(info.value, ConversionTimeoutError)
    assert "tệp có thể bị hỏng" in info.value.vi
    assert "could not be converted to PDF (the file may be damaged)" in info.value.en
    assert leftovers() == before


def _sleeping_soffice(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in soffice that forks a child (as oosplash forks soffice.bin) and sleeps; it
    writes the child's pid so the test can see it was killed too."""
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "soffice"
    script.write_text(f'#!/bin/sh\nsleep 30 &\necho $! > "{pid_file}"\nsleep 30\n')
    script.chmod(0o755)
    return script, pid_file


def test_time_limit_kills_the_process_group(tmp_path, own_temp_dir):
    before = leftovers()
    script, pid_file = _sleeping_soffice(tmp_path)
    started = time.monotonic()
    with pytest.raises(ConversionTimeoutError) as info:
        to_pdf(_docx_stub(), timeout=0.5, soffice=str(script))
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 0.5  # within ~2x the limit
    assert "trong 0.5 giây" in info.value.vi
    assert "could not be converted to PDF within 0.5 seconds" in info.value.en
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 2
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the forked child survived the time-out"
    assert leftovers() == before


def _alive(pid: int) -> bool:
    """Running (a zombie is dead: a container's init may never reap the orphan)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@needs_soffice
@pytest.mark.slow
def test_two_conversions_at_once(office_docs):
    results: dict[str, bytes | BaseException] = {}

    def run(kind: str) -> None:
        try:
            results[kind] = to_pdf(office_docs[kind])
        except BaseException as exc:
            results[kind] = exc

    threads = [threading.Thread(target=run, args=(kind,)) for kind in ("docx", "odt")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for kind in ("docx", "odt"):
        assert isinstance(results[kind], bytes), results[kind]
        assert_letter(results[kind])


def test_exported_by_the_package():
    import snn_office_convert  # noqa: PLC0415
    import snn_sign  # noqa: PLC0415

    assert {"to_pdf", "sniff"} == set(snn_office_convert.__all__)
    assert snn_office_convert.to_pdf is to_pdf and snn_office_convert.sniff is sniff
    assert not {"to_pdf", "sniff"} & set(snn_sign.__all__)  # its own product, not snn-sign's
