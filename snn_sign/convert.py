"""Office drafts (.docx, .doc, .odt) to the PDF that goes for review, with LibreOffice headless.

Why it is done this way:

- LibreOffice runs as a separate process (``soffice --headless --convert-to pdf``), never
  inside the Odoo worker: a broken or huge file costs that process's memory and time, not the
  worker's, and the worker only waits for it up to a time limit.
- Each conversion gets its own temporary directory holding the input, the output and a private
  LibreOffice user profile (``-env:UserInstallation``). Two soffice processes on one profile
  collide: the second one hands its work to the first (or finds the profile locked) and exits
  without producing anything. A private profile lets two conversions run at once. ``TMPDIR``
  points into the same directory, so LibreOffice's own scratch files go when it goes.
- soffice is a script that starts ``oosplash``, which forks ``soffice.bin``: killing the
  process we started would leave ``soffice.bin`` running. The command runs in its own process
  group (a new session), and on a time-out the whole group is killed with SIGKILL; the group is
  also swept after a normal exit, so no LibreOffice process outlives a conversion.

Which kind a file is comes from its content, not its name. Every failure is a bilingual
``BadInputError`` (the file is not acceptable) or ``ConversionError`` (LibreOffice is absent,
failed, or ran out of time), which the Odoo module shows as is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

from .errors import BadInputError, ConversionError, ConversionTimeoutError
from .pdfinput import open_pdf

log = logging.getLogger(__name__)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# The stream every Word 97-2003 file has, as the OLE2 directory spells it (UTF-16LE); an .xls or
# .ppt has the same container header but not this stream.
WORD_STREAM = "WordDocument".encode("utf-16-le")
# An encrypted .docx is an OLE2 container with this stream instead of a ZIP.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

SOFFICE_ENV = "SNN_SOFFICE"
SOFFICE_WELL_KNOWN = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
DEBIAN_PACKAGE = "libreoffice-writer-nogui"
TEMP_PREFIX = "snn-convert-"

_ACCEPTED_VI = "Chỉ nhận tệp PDF, Word (.docx, .doc) hoặc OpenDocument (.odt)."
_ACCEPTED_EN = "Accepted: PDF, Word (.docx, .doc) or OpenDocument (.odt)."


def _refuse(vi: str, en: str) -> BadInputError:
    return BadInputError(f"{vi} {_ACCEPTED_VI}", f"{en} {_ACCEPTED_EN}")


def _zip_names_by_scan(data: bytes) -> list[tuple[str, int, int]]:
    """(name, data offset, stored size) of each local file header, read front to back: what is
    left of a ZIP whose central directory (at its end) was cut off."""
    found = []
    for match in re.finditer(re.escape(ZIP_MAGIC), data):
        at = match.start()
        if at + 30 > len(data):
            break
        size = int.from_bytes(data[at + 18 : at + 22], "little")
        name_len = int.from_bytes(data[at + 26 : at + 28], "little")
        extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
        name = data[at + 30 : at + 30 + name_len].decode("utf-8", "replace")
        found.append((name, at + 30 + name_len + extra_len, size))
    return found


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            return None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        pass
    # A damaged archive (cut short, say) still shows what it was meant to be in its local
    # headers; LibreOffice then gets the chance to fail on it with the "damaged" message.
    entries = _zip_names_by_scan(data)
    if any(name.startswith("word/") for name, _, _ in entries):
        return "docx"
    if entries and entries[0][0] == "mimetype":  # ODF stores it first and uncompressed
        _, start, size = entries[0]
        if data[start : start + size].strip() == ODT_MIMETYPE:
            return "odt"
    return None


def sniff(data: bytes) -> str:
    """The kind of ``data``, judged by its content: "pdf", "docx", "odt" or "doc";
    BadInputError naming what is accepted for anything else (empty, an image, text, another
    kind of archive, …)."""
    if not data:
        raise _refuse("Tệp rỗng.", "The file is empty.")
    # As open_pdf: the header may follow a few junk bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        kind = _sniff_zip(data)
        if kind:
            return kind
        raise _refuse(
            "Tệp nén (ZIP) này không phải văn bản Word .docx hay OpenDocument .odt.",
            "This ZIP archive is not a Word .docx or OpenDocument .odt document.",
        )
    if data.startswith(OLE2_MAGIC):
        if WORD_STREAM in data:
            return "doc"
        if ENCRYPTED_STREAM in data:
            raise BadInputError(
                "Văn bản được đặt mật khẩu; hãy gửi bản không có mật khẩu.",
                "The document is password protected; send a copy without a password.",
            )
        raise _refuse(
            "Tệp Office này không phải văn bản Word (có thể là Excel hoặc PowerPoint).",
            "This Office file is not a Word document (it may be Excel or PowerPoint).",
        )
    raise _refuse("Định dạng tệp không được hỗ trợ.", "The file type is not supported.")


def find_soffice(soffice: str | None = None) -> str:
    """The soffice to run: ``soffice`` if given, else $SNN_SOFFICE, else the one on PATH or in
    Debian's places; ConversionError saying what to install when there is none."""
    explicit = soffice or os.environ.get(SOFFICE_ENV)
    if explicit:
        candidates = [explicit]
    else:
        candidates = [c for c in (shutil.which("soffice"), *SOFFICE_WELL_KNOWN) if c]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    where = explicit or "soffice"
    raise ConversionError(
        f"Không tìm thấy LibreOffice ({where}) để chuyển văn bản sang PDF; quản trị viên cần "
        f"cài gói Debian {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}).",
        f"LibreOffice ({where}) was not found to convert the document to PDF; the administrator "
        f"needs to install the Debian package {DEBIAN_PACKAGE} "
        f"(apt-get install {DEBIAN_PACKAGE}).",
    )


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL every process of the group ``process`` leads (oosplash, soffice.bin, …)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _damaged() -> ConversionError:
    return ConversionError(
        "Không chuyển được văn bản sang PDF (tệp có thể bị hỏng); hãy mở lại bằng Word hoặc "
        "LibreOffice, lưu lại rồi gửi lại, hoặc gửi bản PDF.",
        "The document could not be converted to PDF (the file may be damaged); open it in Word "
        "or LibreOffice, save it again and resend it, or send a PDF.",
    )


def to_pdf(data: bytes, *, timeout: float = 60.0, soffice: str | None = None) -> bytes:
    """A PDF of ``data``: a PDF comes back unchanged (once it is known to open); a .docx,
    .doc or .odt is converted by LibreOffice headless in its own process group, killed after
    ``timeout`` seconds. BadInputError for a file of another kind or a broken PDF,
    ConversionError (ConversionTimeoutError on time-out) when LibreOffice is absent or fails."""
    kind = sniff(data)
    if kind == "pdf":
        open_pdf(data)
        return data
    program = find_soffice(soffice)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        work = Path(tmp)
        source = work / f"draft.{kind}"
        source.write_bytes(data)
        outdir = work / "out"
        command = [
            program,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = {**os.environ, "TMPDIR": str(work)}  # LibreOffice's scratch files go with it
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - soffice, our arguments, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            env=env,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=5)
            raise ConversionTimeoutError(
                f"Không chuyển được văn bản sang PDF trong {timeout:g} giây (tệp quá lớn hoặc "
                "bị hỏng); hãy gửi bản PDF hoặc tách văn bản nhỏ hơn.",
                f"The document could not be converted to PDF within {timeout:g} seconds (the "
                "file is too large or damaged); send a PDF or split the document.",
            ) from None
        finally:
            # oosplash waits for soffice.bin, but a crash may leave a child behind: sweep the
            # group (empty after a clean exit) before the directory goes.
            _kill_group(process)
        output = outdir / "draft.pdf"
        seconds = time.monotonic() - started
        if process.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
            log.warning(
                "soffice failed on a .%s (%d bytes) after %.1f s, exit %s: %s",
                kind,
                len(data),
                seconds,
                process.returncode,
                stderr.decode("utf-8", "replace").strip()[-2000:],
            )
            raise _damaged()
        pdf = output.read_bytes()
    try:
        open_pdf(pdf)
    except BadInputError:
        log.warning("soffice made an unreadable PDF from a .%s (%d bytes)", kind, len(data))
        raise _damaged() from None
    log.info("converted a .%s (%d bytes) to PDF in %.1f s", kind, len(data), seconds)
    return pdf
