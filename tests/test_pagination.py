"""number_pages: "Trang N/M" on every page of a finished PDF, read back with pdfminer (not our
code): the right number on the right page only, at the visual bottom centre of portrait,
landscape, rotated and offset pages, Vietnamese templates exact, the original text and page
count unchanged, one font subset for the whole file, fast on a 150-page register, and a
bilingual BadInputError for what is not a PDF."""

from __future__ import annotations

import io
import re
import time

import pypdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextLine
from pypdf.generic import NameObject, NumberObject
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.pdfgen.canvas import Canvas

from snn_sign import fonts
from snn_sign.errors import BadInputError
from snn_sign.pagination import MM, number_pages

A4_W, A4_H = A4
NUMBER_RE = re.compile(r"Trang \d+/\d+")
# all_texts: the number is drawn inside a form XObject, which pdfminer lays out into lines only
# when asked (its plain extract_text reads it either way; snn_sign.stamp asks the same).
_LAPARAMS = LAParams(all_texts=True)


def _body(n: int) -> str:
    return f"Nội dung trang {n}: Sở Nông nghiệp và Phát triển nông thôn"


def _make_pdf(sizes, *, rotate=(), origin=(0.0, 0.0), body_lines: int = 1) -> bytes:
    """Pages of the given sizes, each with body text; ``rotate`` sets /Rotate per page and
    ``origin`` moves every MediaBox's lower-left corner off (0, 0)."""
    font = fonts.register_reportlab_fonts()
    out = io.BytesIO()
    canvas = Canvas(out)
    for n, (w, h) in enumerate(sizes, start=1):
        canvas.setPageSize((w, h))
        canvas.setFont(font, 11)
        for line in range(body_lines):
            canvas.drawString(60, h - 80 - 14 * line, _body(n))
        canvas.showPage()
    canvas.save()
    if not rotate and origin == (0.0, 0.0):
        return out.getvalue()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(out.getvalue()))
    ox, oy = origin
    for page, angle in zip(writer.pages, rotate or [0] * len(sizes), strict=True):
        if angle:
            page[NameObject("/Rotate")] = NumberObject(angle)
        if origin != (0.0, 0.0):
            # Content moves with the box, so the body stays on the page.
            page.add_transformation((1, 0, 0, 1, ox, oy))
            page.mediabox = pypdf.generic.RectangleObject(
                (ox, oy, ox + float(page.mediabox.width), oy + float(page.mediabox.height))
            )
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


def _layouts(pdf: bytes) -> list[LTPage]:
    return list(extract_pages(io.BytesIO(pdf), laparams=_LAPARAMS))


def _lines(layout: LTPage) -> list[LTTextLine]:
    found = []
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            found.append(item)
        elif hasattr(item, "__iter__"):
            stack.extend(item)
    return found


def _texts(layout: LTPage) -> list[str]:
    return sorted(line.get_text().strip() for line in _lines(layout))


def _chars_but(layout: LTPage, line: LTTextLine | None = None) -> list[tuple[str, float, float]]:
    """Every glyph on the page except those of ``line``: text and place, to compare."""
    skip = {id(c) for c in line or ()}
    found = []
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            if id(item) not in skip:
                found.append((item.get_text(), round(item.x0, 2), round(item.y0, 2)))
        elif hasattr(item, "__iter__"):
            stack.extend(item)
    return sorted(found)


def _the_line(layout: LTPage, text: str) -> LTTextLine:
    (line,) = [line for line in _lines(layout) if line.get_text().strip() == text]
    return line


def _assert_bottom_centre(layout: LTPage, line: LTTextLine, text: str, bottom_mm: float = 8.0):
    """Centred on the page as displayed, the glyph boxes' bottom (baseline plus the font's
    descent, about 2 pt at 9 pt) just under ``bottom_mm``, upright and as wide as the text."""
    assert abs((line.x0 + line.x1) / 2 - layout.width / 2) < 1.0
    assert bottom_mm * MM - 3.0 < line.y0 < bottom_mm * MM
    assert abs(line.width - fonts.text_width(text, 9.0)) < 1.0
    chars = [c for c in line if isinstance(c, LTChar)]
    assert chars
    assert all(c.upright for c in chars)


@pytest.fixture(scope="module")
def portrait() -> bytes:
    return _make_pdf([A4] * 3)


def test_each_page_carries_its_own_number_only(portrait):
    before = _layouts(portrait)
    after_pdf = number_pages(portrait)
    after = _layouts(after_pdf)
    assert len(pypdf.PdfReader(io.BytesIO(after_pdf)).pages) == 3
    assert len(after) == len(before) == 3
    for n, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        numbers = [t for t in _texts(new) if NUMBER_RE.search(t)]
        assert numbers == [f"Trang {n}/3"]
        assert [t for t in _texts(new) if t != numbers[0]] == _texts(old) == [_body(n)]
        _assert_bottom_centre(new, _the_line(new, f"Trang {n}/3"), f"Trang {n}/3")
        assert (new.width, new.height) == (old.width, old.height)


def test_pypdf_reads_the_numbers_too(portrait):
    reader = pypdf.PdfReader(io.BytesIO(number_pages(portrait)))
    for n, page in enumerate(reader.pages, start=1):
        assert NUMBER_RE.findall(page.extract_text()) == [f"Trang {n}/3"]


GEOMETRIES = {
    # name: (page sizes, /Rotate per page, MediaBox origin, displayed (width, height))
    "landscape": ([landscape(A4)] * 2, (), (0.0, 0.0), (A4_H, A4_W)),
    "rotate-90": ([A4] * 2, (90, 90), (0.0, 0.0), (A4_H, A4_W)),
    "rotate-180": ([A4], (180,), (0.0, 0.0), (A4_W, A4_H)),
    "rotate-270": ([A4] * 2, (270, 270), (0.0, 0.0), (A4_H, A4_W)),
    "offset-mediabox": ([A5, A5], (0, 90), (100.0, 200.0), None),
}


@pytest.mark.parametrize("case", list(GEOMETRIES))
def test_number_sits_at_the_displayed_bottom_centre(case):
    sizes, rotate, origin, shown = GEOMETRIES[case]
    pdf = _make_pdf(sizes, rotate=rotate, origin=origin)
    before = _layouts(pdf)
    after = _layouts(number_pages(pdf))
    count = len(sizes)
    for n, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if shown:
            assert (round(new.width), round(new.height)) == (round(shown[0]), round(shown[1]))
        text = f"Trang {n}/{count}"
        line = _the_line(new, text)
        _assert_bottom_centre(new, line, text)
        # Rotated pages show the body sideways, which pdfminer splits into single glyphs.
        assert _chars_but(new, line) == _chars_but(old)
        assert sum(t.startswith("Trang") for t in _texts(new)) == 1


def test_inherited_mediabox_and_rotate():
    """Box and rotation given once on the page tree node, as some producers write them."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_make_pdf([A4] * 2)))
    tree = writer.root_object["/Pages"]
    tree[NameObject("/MediaBox")] = writer.pages[0].mediabox
    tree[NameObject("/Rotate")] = NumberObject(90)
    for page in writer.pages:
        del page["/MediaBox"]
        del page["/Rotate"]  # reportlab writes /Rotate 0 on each page
    buf = io.BytesIO()
    writer.write(buf)
    after = _layouts(number_pages(buf.getvalue()))
    for n, layout in enumerate(after, start=1):
        assert (round(layout.width), round(layout.height)) == (round(A4_H), round(A4_W))
        _assert_bottom_centre(layout, _the_line(layout, f"Trang {n}/2"), f"Trang {n}/2")


def test_page_content_that_leaves_its_state_changed():
    """A content stream ending without restoring its scale and colour does not move, scale or
    colour the number (some producers end pages so)."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_make_pdf([A4])))
    page = writer.pages[0]
    tail = pypdf.generic.DecodedStreamObject()
    tail.set_data(b"3 0 0 3 40 50 cm 1 0 0 rg\n")
    page[NameObject("/Contents")] = pypdf.generic.ArrayObject(
        [page.raw_get("/Contents"), writer._add_object(tail)]
    )
    buf = io.BytesIO()
    writer.write(buf)
    (layout,) = _layouts(number_pages(buf.getvalue()))
    line = _the_line(layout, "Trang 1/1")
    _assert_bottom_centre(layout, line, "Trang 1/1")
    assert all(c.graphicstate.ncolor in (None, 0, (0,), [0]) for c in line if isinstance(c, LTChar))


def test_vietnamese_template_size_and_height(portrait):
    template = "Trang {page} trên {pages} — Sổ văn bản đi"
    after = _layouts(number_pages(portrait, template, size=11, bottom_mm=15))
    for n, layout in enumerate(after, start=1):
        text = f"Trang {n} trên 3 — Sổ văn bản đi"
        line = _the_line(layout, text)
        assert abs(line.width - fonts.text_width(text, 11)) < 1.0
        assert 15 * MM - 3.5 < line.y0 < 15 * MM
        assert abs((line.x0 + line.x1) / 2 - layout.width / 2) < 1.0


def _font_programs(pdf: bytes) -> set[int]:
    """Object numbers of the embedded font programs the pages (and their forms) use."""
    found: set[int] = set()

    def walk(resources) -> None:
        for ref in (resources.get("/Font") or {}).values():
            descriptor = ref.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor:
                found.add(descriptor.raw_get("/FontFile2").idnum)
        for ref in (resources.get("/XObject") or {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form" and "/Resources" in form:
                walk(form["/Resources"])

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        walk(page["/Resources"])
    return found


def test_one_font_subset_and_one_form_per_distinct_text():
    pdf = _make_pdf([A4, landscape(A4), A5] * 10)
    numbered = number_pages(pdf)
    assert len(_font_programs(numbered)) == len(_font_programs(pdf)) + 1
    same = pypdf.PdfReader(io.BytesIO(number_pages(pdf, "Bản sao")))
    forms = {page["/Resources"]["/XObject"].raw_get("/SnnPageNumber").idnum for page in same.pages}
    assert len(forms) == 1


@pytest.fixture(scope="module")
def register_150() -> bytes:
    return _make_pdf([landscape(A4)] * 150, body_lines=30)


def test_150_landscape_pages_fast(register_150):
    number_pages(register_150)  # font registration and imports out of the measure
    start = time.perf_counter()
    numbered = number_pages(register_150)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{elapsed:.2f} s for 150 pages"
    (page3,) = extract_pages(io.BytesIO(numbered), page_numbers=[2], laparams=_LAPARAMS)
    _assert_bottom_centre(page3, _the_line(page3, "Trang 3/150"), "Trang 3/150")
    assert len(pypdf.PdfReader(io.BytesIO(numbered)).pages) == 150


def _truncated() -> bytes:
    data = _make_pdf([A4])
    return data[: len(data) // 2]


def _encrypted() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_make_pdf([A4])))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD = {
    "empty": (b"", "Tệp rỗng", "empty"),
    "not-a-pdf": (b"PK\x03\x04 this is a zip, not a PDF" * 10, "không phải PDF", "not a PDF"),
    "truncated": (_truncated, "cắt cụt", "truncated"),
    "encrypted": (_encrypted, "mã hóa", "encrypted"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_is_refused_in_both_languages(kind):
    data, vi, en = BAD[kind]
    with pytest.raises(BadInputError) as caught:
        number_pages(data() if callable(data) else data)
    assert vi in caught.value.vi
    assert en in caught.value.en
    assert str(caught.value) == f"{caught.value.vi} / {caught.value.en}"


@pytest.mark.parametrize("template", ["Trang {trang}", "Trang {page", "{0}"])
def test_unusable_template_is_refused(portrait, template):
    with pytest.raises(BadInputError) as caught:
        number_pages(portrait, template)
    assert "Mẫu số trang" in caught.value.vi
    assert "template" in caught.value.en


def test_exported_lazily_from_the_package():
    import snn_sign  # noqa: PLC0415

    assert "number_pages" in snn_sign.__all__
    assert snn_sign.number_pages is number_pages
