"""Take the template's text out of the boxes that the stamp covers, in a copy of the page content.

Covering the blank "Số:" and "ngày … tháng … năm" lines with white hides them on screen, but
their text is still in the content stream, so search, copy-paste, screen readers and text
extractors (poppler's pdftotext, pypdf) read the old line and the new one. Stamping is an
incremental update, so the original stream cannot change; instead the page gets a new content
stream: the original bytes with every text-showing operator that draws a glyph inside a box
rewritten so that the glyph is gone and everything after it stays where it was (the glyph
becomes a TJ displacement of its own advance). Text inside form XObjects is handled the same
way, in copies of those forms under new names.

Glyph positions come from pdfminer.six's interpreter (the same one that found the lines); the
operators are located in the bytes by a small tokenizer and matched to pdfminer's calls one by
one, by operator and operands. Anything that cannot be matched or rewritten exactly (vertical
writing, a CMap whose code lengths are unknown when only part of a string goes, a stream that
does not tokenize the same) is left as it was: the white cover still hides it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from pdfminer.cmapdb import IdentityCMap, IdentityCMapByte
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import PSLiteral
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]
TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}


# ---------------------------------------------------------------- glyphs, from pdfminer


@dataclass
class _Event:
    """One text-showing or Do operator as pdfminer executed it."""

    operator: bytes
    operands: list
    font: object = None
    fontsize: float = 0.0
    charspace: float = 0.0
    wordspace: float = 0.0
    boxes: list[Box] = field(default_factory=list)  # one per glyph, in drawing order
    child: _Context | None = None  # a form XObject's content, for Do


@dataclass
class _Context:
    events: list[_Event] = field(default_factory=list)


@dataclass
class Recording:
    """What pdfminer's interpreter did on one page: its text-showing and Do operators with the
    glyph boxes (``context``), or why they could not all be noted (``error``)."""

    context: _Context
    error: Exception | None = None


class _GlyphDevice(PDFPageAggregator):
    """pdfminer's layout device, noting each glyph's box for the operator being executed; with
    ``laparams`` it also lays the page out (lines), as pdfminer's extract_pages does."""

    sink: list[Box] | None = None
    error: Exception | None = None  # the first failure to note an operator

    def render_char(self, *args, **kwargs) -> float:
        adv = super().render_char(*args, **kwargs)
        if self.sink is not None:
            self.sink.append(tuple(self.cur_item._objs[-1].bbox))
        return adv


class _Interpreter(PDFPageInterpreter):
    """Records the text-showing and Do operators of each content stream, glyph boxes included."""

    context: _Context
    _next_child: _Context | None = None

    def dup(self):
        interp = super().dup()
        interp.context = self._next_child if self._next_child is not None else _Context()
        self._next_child = None
        return interp

    def _text(self, operator: bytes, operands: list, show: Callable[[], None]) -> None:
        state = self.textstate
        try:
            event = _Event(
                operator,
                operands,
                state.font,
                float(state.fontsize or 0),
                float(state.charspace or 0),
                float(state.wordspace or 0),
            )
        except Exception as exc:  # noting failed, not the page: pdfminer goes on without it
            if self.device.error is None:
                self.device.error = exc
            show()
            return
        self.context.events.append(event)
        self.device.sink = event.boxes
        try:
            show()
        finally:
            self.device.sink = None

    def do_TJ(self, seq) -> None:
        self._text(b"TJ", [seq], lambda: super(_Interpreter, self).do_TJ(seq))

    def do_Tj(self, s) -> None:
        self._text(b"Tj", [s], lambda: super(_Interpreter, self).do_TJ([s]))

    def do__q(self, s) -> None:
        self.do_T_a()
        self._text(b"'", [s], lambda: super(_Interpreter, self).do_TJ([s]))

    def do__w(self, aw, ac, s) -> None:
        self.do_Tw(aw)  # before _text: these spacings apply to the string
        self.do_Tc(ac)
        self._text(b'"', [aw, ac, s], lambda: super(_Interpreter, self).do_TJ([s]))

    def do_Do(self, xobjid_arg) -> None:
        event = _Event(b"Do", [xobjid_arg], child=_Context())
        self.context.events.append(event)
        self._next_child = event.child
        try:
            super().do_Do(xobjid_arg)
        finally:
            self._next_child = None


def record_page(
    page: PDFPage, rsrcmgr: PDFResourceManager, laparams: LAParams | None = None
) -> tuple[LTPage, Recording]:
    """Run pdfminer's interpreter once over ``page``: its layout (analysed with ``laparams``,
    as pdfminer's extract_pages does) and what :func:`page_without_text_in` needs, from the same
    run, so a stamp reads the page, its fonts and CMaps only once."""
    device = _GlyphDevice(rsrcmgr, laparams=laparams)
    interpreter = _Interpreter(rsrcmgr, device)
    interpreter.context = _Context()
    interpreter.process_page(page)
    return device.get_result(), Recording(interpreter.context, device.error)


def _record(pdf: bytes, page_ix: int) -> _Context:
    rsrcmgr = PDFResourceManager()
    doc = PDFDocument(PDFParser(BytesIO(pdf)))
    for ix, page in enumerate(PDFPage.create_pages(doc)):
        if ix == page_ix:
            _layout, recording = record_page(page, rsrcmgr)
            if recording.error is not None:
                raise recording.error
            return recording.context
    return _Context()


# ---------------------------------------------------------------- operators, from the bytes


@dataclass
class _Op:
    start: int
    end: int
    operator: bytes
    operands: list


class _Name(str):
    """A PDF name (without the slash), to tell it from a string in operand lists."""


_WS = b"\x00\t\n\x0c\r "
_DELIMS = b"()<>[]{}/%"
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_CONSTANTS = {b"true": True, b"false": False, b"null": None}
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


class _Tokenizer:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def _skip(self) -> None:
        data, n = self.data, len(self.data)
        while self.pos < n:
            c = data[self.pos]
            if c in _WS:
                self.pos += 1
            elif c == 0x25:  # % comment
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def ops(self) -> list[_Op]:
        ops: list[_Op] = []
        operands: list = []
        start = None
        while True:
            self._skip()
            if self.pos >= len(self.data):
                return ops
            if start is None:
                start = self.pos
            token = self._object()
            if isinstance(token, _Keyword):
                if token == b"BI":
                    self._inline_image()
                ops.append(_Op(start, self.pos, bytes(token), operands))
                operands, start = [], None
            else:
                operands.append(token)

    def _object(self):
        data = self.data
        c = data[self.pos]
        if c == 0x28:  # (
            return self._literal()
        if c == 0x3C:  # <
            if data[self.pos : self.pos + 2] == b"<<":
                self.pos += 2
                return self._dict()
            return self._hex()
        if c == 0x5B:  # [
            return self._array()
        if c == 0x2F:  # /
            return self._name()
        return self._word()

    def _array(self) -> list:
        self.pos += 1
        items = []
        while True:
            self._skip()
            if self.pos >= len(self.data):
                raise ValueError("unterminated array")
            if self.data[self.pos] == 0x5D:
                self.pos += 1
                return items
            items.append(self._object())

    def _name(self) -> _Name:
        m = _REGULAR.match(self.data, self.pos + 1)
        raw = m.group() if m else b""
        self.pos += 1 + len(raw)
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda g: bytes([int(g.group(1), 16)]), raw)
        return _Name(name.decode("latin-1"))

    def _word(self):
        """A number, true/false/null, or an operator."""
        m = _REGULAR.match(self.data, self.pos)
        if not m:
            raise ValueError(f"unexpected byte {self.data[self.pos]:#x} at {self.pos}")
        self.pos = m.end()
        word = m.group()
        if _NUMBER.fullmatch(word):
            return float(word)
        if word in _CONSTANTS:
            return _CONSTANTS[word]
        return _Keyword(word)

    def _dict(self) -> dict:
        items: list = []
        while True:
            self._skip()
            if self.pos >= len(self.data):
                raise ValueError("unterminated dictionary")
            if self.data[self.pos : self.pos + 2] == b">>":
                self.pos += 2
                return dict(zip(items[::2], items[1::2], strict=False))
            items.append(self._object())

    def _hex(self) -> bytes:
        end = self.data.find(b">", self.pos)
        if end < 0:
            raise ValueError("unterminated hex string")
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", self.data[self.pos + 1 : end])
        self.pos = end + 1
        if len(digits) % 2:
            digits += b"0"
        return bytes.fromhex(digits.decode("ascii"))

    def _literal(self) -> bytes:
        data, n = self.data, len(self.data)
        out = bytearray()
        depth = 0
        i = self.pos + 1
        while i < n:
            c = data[i]
            if c == 0x5C:  # backslash
                i += 1
                if i >= n:
                    break
                e = data[i]
                if e in b"01234567":
                    j = i
                    while j < n and j < i + 3 and data[j] in b"01234567":
                        j += 1
                    out.append(int(data[i:j], 8) & 0xFF)
                    i = j
                    continue
                if e == 0x0D:  # line continuation, CR or CR LF
                    i += 2 if data[i + 1 : i + 2] == b"\n" else 1
                    continue
                if e == 0x0A:
                    i += 1
                    continue
                out.append(_ESCAPES.get(e, e))
                i += 1
                continue
            if c == 0x0D:  # an unescaped end of line is a line feed
                out.append(0x0A)
                i += 2 if data[i + 1 : i + 2] == b"\n" else 1
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                if depth == 0:
                    self.pos = i + 1
                    return bytes(out)
                depth -= 1
            out.append(c)
            i += 1
        raise ValueError("unterminated string")

    def _inline_image(self) -> None:
        """Skip an inline image's dictionary and data up to and including EI."""
        while True:
            self._skip()
            if self.pos >= len(self.data):
                raise ValueError("unterminated inline image")
            token = self._object()
            if isinstance(token, _Keyword) and token == b"ID":
                break
        self.pos += 1  # the single white-space byte after ID
        m = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)").search(self.data, self.pos)
        if not m:
            raise ValueError("inline image without EI")
        self.pos = m.end()


class _Keyword(bytes):
    pass


def tokenize(data: bytes) -> list[_Op]:
    """The operators of a content stream with their byte spans and operand values."""
    return _Tokenizer(data).ops()


# ---------------------------------------------------------------- matching and rewriting


def _same(a, b) -> bool:
    if isinstance(a, PSLiteral):
        a = a.name if isinstance(a.name, str) else a.name.decode("latin-1")
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return isinstance(b, float) and abs(a - b) < 1e-6
    if isinstance(a, (bytes, bytearray)):
        return isinstance(b, bytes) and bytes(a) == b
    if isinstance(a, str):
        return isinstance(b, _Name) and a == b
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return False


def _match(events: list[_Event], ops: list[_Op]) -> list[int] | None:
    """For each event, the index of its operator in ``ops``, in order; None if one is missing."""
    found, k = [], 0
    for event in events:
        while k < len(ops) and not (
            ops[k].operator == event.operator
            and len(ops[k].operands) == len(event.operands)
            and all(map(_same, event.operands, ops[k].operands))
        ):
            k += 1
        if k == len(ops):
            return None
        found.append(k)
        k += 1
    return found


def _inside(box: Box, covers: list[Box]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(c[0] - 0.5 <= x <= c[2] + 0.5 and c[1] - 0.5 <= y <= c[3] + 0.5 for c in covers)


def _codes(font, s: bytes) -> list[bytes] | None:
    """``s`` cut into the font's character codes, when the code lengths are known."""
    if not font.is_multibyte():
        return [s[i : i + 1] for i in range(len(s))]
    cmap = getattr(font, "cmap", None)
    width = 1 if isinstance(cmap, IdentityCMapByte) else 2 if isinstance(cmap, IdentityCMap) else 0
    if not width or len(s) % width:
        return None
    return [s[i : i + width] for i in range(0, len(s), width)]


def _fmt(number: float) -> bytes:
    text = f"{number:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode("ascii")


def _rewrite_text(event: _Event, covers: list[Box]) -> bytes | None:
    """The replacement bytes for a text operator with glyphs inside the covers; None: keep it."""
    gone = [_inside(box, covers) for box in event.boxes]
    if not any(gone):
        return None
    font = event.font
    if font is None or font.is_vertical() or not event.fontsize:
        return None
    pieces = _pieces(event, gone)
    if pieces is None:
        return None
    shown = _tj(pieces)
    if event.operator == b"'":
        return b"T* " + shown
    if event.operator == b'"':
        aw, ac = event.operands[0], event.operands[1]
        return _fmt(float(aw)) + b" Tw " + _fmt(float(ac)) + b" Tc T* " + shown
    return shown


def _pieces(event: _Event, gone: list[bool]) -> list | None:
    """The operator's TJ elements with the gone glyphs turned into displacements: bytes (codes
    to show) and floats (thousandths of text space); None when that cannot be done exactly."""
    font, size = event.font, event.fontsize
    elements = event.operands[0] if event.operator == b"TJ" else [event.operands[-1]]
    pieces: list = []
    glyph = 0
    for element in elements:
        if not isinstance(element, (bytes, bytearray)):
            pieces.append(float(element))
            continue
        cids = list(font.decode(bytes(element)))
        codes = _codes(font, bytes(element))
        if glyph + len(cids) > len(gone) or (codes is not None and len(codes) != len(cids)):
            return None  # pdfminer drew a different number of glyphs: do not guess
        flags = gone[glyph : glyph + len(cids)]
        glyph += len(cids)
        if codes is None:
            if any(flags) and not all(flags):
                return None  # part of a string whose code boundaries are unknown
            codes = [None] * len(cids)
        for cid, code, drop in zip(cids, codes, flags, strict=True):
            if not drop:
                pieces.append(code)
                continue
            # the glyph's own advance: width, character spacing, and word spacing for the
            # single-byte code 32; as a TJ number: -advance / font size * 1000
            spacing = event.charspace + (event.wordspace if code == b" " else 0.0)
            pieces.append(-1000.0 * (font.char_width(cid) + spacing / size))
    return pieces if glyph == len(gone) else None


def _tj(pieces: list) -> bytes:
    """A TJ operator from codes (bytes, shown as hex strings) and displacements (floats);
    neighbouring codes share a string, neighbouring displacements add up."""
    out: list[bytes] = []
    pending = None  # a displacement not written yet
    for piece in pieces:
        if isinstance(piece, float):
            pending = piece if pending is None else pending + piece
            continue
        if pending is not None:
            out.append(_fmt(pending))
            pending = None
        if out and out[-1][:1] == b"<":
            out[-1] = out[-1][:-1] + piece.hex().encode("ascii") + b">"
        else:
            out.append(b"<" + piece.hex().encode("ascii") + b">")
    if pending is not None:
        out.append(_fmt(pending))
    return b"[" + b" ".join(out) + b"] TJ"


@dataclass
class Edited:
    data: bytes
    new_xobjects: dict[str, generic.IndirectObject]  # names to add to the resources


def _edit(
    data: bytes, context: _Context, xobjects: generic.DictionaryObject | None, covers, writer
) -> Edited | None:
    """``data`` without the covered glyphs; None when nothing changes (or cannot be matched)."""
    if not context.events:
        return None
    try:
        ops = tokenize(data)
    except ValueError as exc:
        log.warning("content stream not tokenized, template text left in place: %s", exc)
        return None
    where = _match(context.events, ops)
    if where is None:
        log.warning("content stream does not match pdfminer's reading; template text left")
        return None
    replacements: dict[int, bytes] = {}
    new_xobjects: dict[str, generic.IndirectObject] = {}
    for event, k in zip(context.events, where, strict=True):
        if event.operator in TEXT_OPERATORS:
            new = _rewrite_text(event, covers)
        else:
            new = _edit_form(event, xobjects, covers, writer, new_xobjects)
        if new is not None:
            replacements[k] = new
    if not replacements:
        return None
    out, pos = bytearray(), 0
    for k in sorted(replacements):
        out += data[pos : ops[k].start] + replacements[k]
        pos = ops[k].end
    out += data[pos:]
    return Edited(bytes(out), new_xobjects)


def _edit_form(event, xobjects, covers, writer, new_xobjects) -> bytes | None:
    """A Do of a form XObject with covered glyphs: a copy of the form without them."""
    if event.child is None or not event.child.events or xobjects is None:
        return None
    name = "/" + str(_as_name(event.operands[0]))
    if name not in xobjects:
        return None
    form = xobjects[name]
    if not isinstance(form, generic.StreamObject):
        return None
    own = form.get("/Resources")
    edited = _edit(
        form.data,
        event.child,
        own.get("/XObject") if isinstance(own, generic.DictionaryObject) else xobjects,
        covers,
        writer,
    )
    if edited is None:
        return None
    entries = {
        key: form.raw_get(key)
        for key in form
        if key not in ("/Length", "/Filter", "/DecodeParms", "/DL")
    }
    if edited.new_xobjects:
        if isinstance(own, generic.DictionaryObject):
            resources = generic.DictionaryObject({k: own.raw_get(k) for k in own})
            sub = own.get("/XObject")
            merged = generic.DictionaryObject({k: sub.raw_get(k) for k in sub} if sub else {})
            merged.update({pdf_name(k): v for k, v in edited.new_xobjects.items()})
            resources[pdf_name("/XObject")] = merged
            entries[pdf_name("/Resources")] = resources
        else:  # the form uses its parent's resources: the new names go there
            new_xobjects.update(edited.new_xobjects)
    copy = generic.StreamObject(generic.DictionaryObject(entries), stream_data=edited.data)
    copy.compress()
    new_name = "/SnnForm" + uuid.uuid4().hex[:12]
    new_xobjects[new_name] = writer.add_object(copy)
    return new_name.encode("ascii") + b" Do"


def _as_name(value) -> str:
    if isinstance(value, PSLiteral):
        return value.name if isinstance(value.name, str) else value.name.decode("latin-1")
    return str(value)


def page_without_text_in(
    pdf: bytes,
    page_ix: int,
    page: generic.DictionaryObject,
    resources,
    *,
    covers: list[Box],
    writer,
    recording: Recording | None = None,
) -> Edited | None:
    """The page's content (all its streams, in order) without the glyphs whose centre lies in
    one of ``covers`` (MediaBox coordinates, as pdfminer reports them), plus the form XObject
    copies it now names; None when no glyph is inside (or nothing could be matched).

    ``recording``: :func:`record_page` of this page of ``pdf``, when the caller already ran
    pdfminer over it (otherwise it runs here); its error, if any, is raised."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    streams = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    data = b"\n".join(s.get_object().data for s in streams)
    xobjects = resources.get("/XObject") if resources is not None else None
    if recording is None:
        context = _record(pdf, page_ix)
    elif recording.error is not None:
        raise recording.error
    else:
        context = recording.context
    return _edit(data, context, xobjects, covers, writer)
