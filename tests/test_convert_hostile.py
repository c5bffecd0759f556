"""snn_office_convert.convert against hostile uploads, with the real LibreOffice.

A .docx and an .odt pointing LibreOffice at a local HTTP server (linked image, linked OLE
object) or at a local file; ZIP bombs whose parts declare or hide their size; a stand-in
soffice that reports the profile, network namespace and memory limit it was started with.
Every file is built here; nothing binary is committed.
"""

from __future__ import annotations

import http.server
import io
import json
import logging
import os
import struct
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from snn_office_convert import convert
from snn_office_convert.convert import MIB, sniff, to_pdf
from snn_sign.errors import BadInputError, ConversionError

ROOT = Path(__file__).resolve().parent.parent
OOR = "{http://openoffice.org/2001/registry}"

_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">
<office:body><office:text>
<text:p>Trước hình</text:p>
<text:p><draw:frame draw:name="image" text:anchor-type="as-char" svg:width="3cm"
 svg:height="3cm"><draw:image xlink:href="{image}" xlink:type="simple" xlink:show="embed"
 xlink:actuate="onLoad"/></draw:frame></text:p>
<text:p><draw:frame draw:name="object" text:anchor-type="as-char" svg:width="3cm"
 svg:height="3cm"><draw:object xlink:href="{base}/object.odt" xlink:type="simple"
 xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>
<text:section text:name="linked"><text:section-source xlink:href="{base}/section.odt"
 xlink:type="simple"/></text:section>
<text:p>Sau hình</text:p>
</office:text></office:body></office:document-content>
"""
_ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/"
  manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_DOCX_BODY = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>
<w:p><w:r><w:t>Trước hình</w:t></w:r></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:extent cx="1080000" cy="1080000"/>
<wp:docPr id="1" name="image"/><a:graphic>
<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>
<pic:nvPicPr><pic:cNvPr id="1" name="image"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:link="rIdImage"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1080000" cy="1080000"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:object><v:shape id="_x0000_i1025" style="width:100pt;height:50pt">
<v:imagedata r:id="rIdPreview"/></v:shape>
<o:OLEObject Type="Link" ProgID="Word.Document.12" ShapeID="_x0000_i1025" DrawAspect="Content"
 r:id="rIdObject" UpdateMode="Always"><o:LinkType>EnhancedMetaFile</o:LinkType>
<o:LockedField>false</o:LockedField></o:OLEObject></w:object></w:r></w:p>
<w:p><w:r><w:t>Sau hình</w:t></w:r></w:p>
</w:body></w:document>
"""
_DOCX_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdImage" TargetMode="External" Target="{image}"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>
<Relationship Id="rIdPreview" TargetMode="External" Target="{base}/preview.png"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>
<Relationship Id="rIdObject" TargetMode="External" Target="{base}/object.docx"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"/>
</Relationships>
"""
_DOCX_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>
"""
_DOCX_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>
"""


def linked_odt(base: str, image: str | None = None) -> bytes:
    """An .odt whose picture, OLE object and section are links to ``base`` (the picture to
    ``image`` when given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        content = _ODT_CONTENT.format(base=base, image=image or f"{base}/image.png")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST)
    return out.getvalue()


def linked_docx(base: str, image: str | None = None) -> bytes:
    """A .docx whose picture and OLE object (with its preview) are external links."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_ROOT_RELS)
        archive.writestr("word/document.xml", _DOCX_BODY)
        rels = _DOCX_RELS.format(base=base, image=image or f"{base}/image.png")
        archive.writestr("word/_rels/document.xml.rels", rels)
    return out.getvalue()


LINKED = {"odt": linked_odt, "docx": linked_docx}


def png() -> bytes:
    """An 8x8 red PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = b"".join(b"\0" + b"\xff\0\0" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def counting_server():
    """(base URL, list of requests) of an HTTP server on 127.0.0.1 that answers every
    request with a PNG and records it."""
    requests: list[str] = []
    body = png()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_HEAD = do_POST = do_PROPFIND = do_OPTIONS = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def images_in(pdf: bytes) -> int:
    """Image XObjects the pages draw, directly or inside a form XObject."""

    def count(resources) -> int:
        found = 0
        for ref in ((resources or {}).get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                found += 1
            elif xobject.get("/Subtype") == "/Form":
                found += count(xobject.get("/Resources"))
        return found

    return sum(count(page.get("/Resources")) for page in PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    return " ".join(extract_text(io.BytesIO(pdf)).split())


# ----------------------------------------------------------------------------- links


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_linked_image_and_object_fetch_nothing(counting_server, kind):
    base, requests = counting_server
    pdf = to_pdf(LINKED[kind](base))
    assert "Trước hình" in text_of(pdf) and "Sau hình" in text_of(pdf)  # it was converted
    assert requests == []
    assert images_in(pdf) == 0


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_linked_local_file_stays_out_of_the_pdf(tmp_path, kind):
    picture = tmp_path / "secret.png"
    picture.write_bytes(png())
    pdf = to_pdf(LINKED[kind]("http://127.0.0.1:9", image=picture.as_uri()))
    assert "Sau hình" in text_of(pdf)
    assert images_in(pdf) == 0


def _stand_in_soffice(tmp_path: Path) -> Path:
    """A soffice that reports what it was started with (its profile's settings, network
    namespace, address-space limit) and fails, as a damaged file would."""
    script = tmp_path / "soffice"
    report = tmp_path / "report"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do case "$arg" in -env:UserInstallation=file://*)\n'
        f'  cp "${{arg#-env:UserInstallation=file://}}/user/registrymodifications.xcu" '
        f'"{report}.xcu";; esac; done\n'
        f'readlink /proc/self/ns/net > "{report}.net"\n'
        f'ulimit -v > "{report}.ulimit"\n'
        "exit 1\n"
    )
    script.chmod(0o755)
    return report


def _settings(xcu: Path) -> dict[str, str]:
    found = {}
    for item in ET.parse(xcu).getroot():
        for prop in item:
            value = prop.find("value")
            found[f"{item.get(OOR + 'path')}/{prop.get(OOR + 'name')}"] = value.text or ""
    return found


def test_soffice_starts_with_the_profile_no_network_and_a_memory_limit(tmp_path):
    report = _stand_in_soffice(tmp_path)
    with pytest.raises(ConversionError):
        to_pdf(
            linked_odt("http://127.0.0.1:9"),
            soffice=str(tmp_path / "soffice"),
            max_memory=1500 * MIB,
        )
    settings = _settings(Path(f"{report}.xcu"))
    scripting = "/org.openoffice.Office.Common/Security/Scripting/"
    assert settings[scripting + "BlockUntrustedRefererLinks"] == "true"
    assert settings[scripting + "SecureURL"] == ""  # no trusted location
    assert settings[scripting + "DisableMacrosExecution"] == "true"
    assert settings["/org.openoffice.Office.Writer/Content/Update/Link"] == "2"  # never
    assert int(Path(f"{report}.ulimit").read_text()) == 1500 * 1024  # KiB
    # This machine allows a namespace (root, or unprivileged user namespaces): used.
    assert convert.network_jail(), "no network namespace on this machine"
    assert Path(f"{report}.net").read_text().strip() != os.readlink("/proc/self/ns/net")


def test_without_namespaces_a_warning_says_so_once(tmp_path, monkeypatch, caplog):
    report = _stand_in_soffice(tmp_path)
    monkeypatch.setattr(convert, "_jail", None)
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    with caplog.at_level(logging.WARNING, logger=convert.__name__):
        for _ in range(2):
            with pytest.raises(ConversionError):
                to_pdf(linked_odt("http://127.0.0.1:9"), soffice=str(tmp_path / "soffice"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    namespace = [m for m in warnings if "without a network namespace" in m]
    assert len(namespace) == 1, warnings
    assert "only their profile keeps them off the network" in namespace[0]
    assert Path(f"{report}.net").read_text().strip() == os.readlink("/proc/self/ns/net")
    assert Path(f"{report}.xcu").is_file()  # the profile still protects it


# ----------------------------------------------------------------------------- ZIP bombs

GIB = 1024 * MIB


def _zip_bomb(path: Path, kind: str, size: int = GIB) -> Path:
    """A .docx or .odt with a part of ``size`` zero bytes, written a MiB at a time (deflate
    turns 1 GiB of zeros into about 1 MiB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr(
                "mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
            )
            archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST)
            name = "content.xml"
        else:
            archive.writestr("[Content_Types].xml", _DOCX_TYPES)
            archive.writestr("_rels/.rels", _DOCX_ROOT_RELS)
            name = "word/document.xml"
        zeros = bytes(MIB)
        with archive.open(name, "w", force_zip64=False) as part:
            for _ in range(size // MIB):
                part.write(zeros)
    return path


def _understate(data: bytes, name: str, declared: int) -> bytes:
    """``data`` with part ``name``'s uncompressed size set to ``declared`` in both its local
    header and its central directory entry: a bomb that hides its size."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_at = 30 if signature == b"PK\x03\x04" else 46
        at = out.find(signature)
        while at >= 0:
            if out[at + name_at : at + name_at + len(encoded)] == encoded:
                struct.pack_into("<L", out, at + size_at, declared)
            at = out.find(signature, at + 4)
    return bytes(out)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """{kind: 1 GiB bomb bytes} for "odt" and "docx" (about 1 MiB each)."""
    where = tmp_path_factory.mktemp("bombs")
    return {kind: _zip_bomb(where / f"bomb.{kind}", kind).read_bytes() for kind in ("odt", "docx")}


def _refusal_in_a_child(path: Path) -> dict:
    """to_pdf of the file at ``path`` in a fresh Python: the refusal, the seconds it took and
    how much the child's peak resident memory grew during the call (ru_maxrss, KiB: the
    imports before it weigh 150-220 MiB depending on the machine, the bomb inflated 1 GiB)."""
    code = """
import json, resource, sys, time
from snn_office_convert.convert import to_pdf
from snn_sign.errors import SnnSignError
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    to_pdf(data, soffice="/nonexistent/soffice")
    error = None
except SnnSignError as exc:
    error = [type(exc).__name__, exc.vi, exc.en]
print(json.dumps({"error": error, "seconds": time.monotonic() - started,
                  "grown_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_zip_bomb_is_refused_before_inflating(bombs, tmp_path, kind):
    data = bombs[kind]
    assert len(data) < 2 * MIB
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(data)
    result = _refusal_in_a_child(path)
    assert result["error"][0] == "BadInputError"
    assert "giải nén lên tới 1024 MB, vượt giới hạn 256 MB" in result["error"][1]
    english = "Unpacked, the document comes to 1024 MB, over the limit of 256 MB"
    assert english in result["error"][2]
    assert result["seconds"] < 1.0
    assert result["grown_kib"] < 64 * 1024, "the child's memory grew with the bomb"


@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_zip_bomb_that_hides_its_size_is_refused_while_inflating(bombs, tmp_path, kind):
    part = "content.xml" if kind == "odt" else "word/document.xml"
    data = _understate(bombs[kind], part, 1000)
    path = tmp_path / f"liar.{kind}"
    path.write_bytes(data)
    result = _refusal_in_a_child(path)
    assert result["error"][0] == "BadInputError"
    assert f"khai sai kích thước phần “{part}”" in result["error"][1]
    assert f"misstates the size of its part “{part}”" in result["error"][2]
    assert result["seconds"] < 1.0  # stopped after the first MiB, not after 1 GiB
    assert result["grown_kib"] < 64 * 1024


def test_limits_are_parameters(bombs):
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>" * (MIB // 2))  # 2 MiB of XML
        for number in range(30):
            archive.writestr(f"word/media/image{number}.png", "x")
    data = small.getvalue()
    assert sniff(data) == "docx"
    with pytest.raises(BadInputError, match="more than 20 compressed parts") as info:
        sniff(data, max_members=20)
    assert "hơn 20 thành phần nén" in info.value.vi
    with pytest.raises(BadInputError, match="comes to 2 MB, over the limit of 1 MB"):
        to_pdf(data, max_unzipped=MIB, soffice="/nonexistent/soffice")
    # A 1 GiB part is fine under a limit above it (the stream is then really inflated).
    assert sniff(bombs["docx"], max_unzipped=2 * GIB) == "docx"


def test_a_cut_archive_never_reaches_libreoffice(tmp_path):
    report = _stand_in_soffice(tmp_path)
    cut = linked_docx("http://127.0.0.1:9")[:-40]  # the end of the central directory is gone
    assert sniff(cut) == "docx"
    with pytest.raises(ConversionError, match="may be damaged"):
        to_pdf(cut, soffice=str(tmp_path / "soffice"))
    assert not Path(f"{report}.net").exists(), "soffice was started"
