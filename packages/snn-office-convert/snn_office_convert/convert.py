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

An upload is hostile until proven otherwise:

- A ZIP-based file (.docx, .odt) is checked from its central directory before anything is
  inflated: at most ``max_members`` parts and ``max_unzipped`` bytes declared in all. Then every
  part is inflated as a stream into nothing, a MiB at a time, and must give exactly the size it
  declares: a part that lies about its size (a ZIP bomb that declares a few bytes) is refused
  after its declared size plus one chunk, never held in memory. Only then does anything read
  a part (the ODF "mimetype") or hand the file to LibreOffice. A ZIP without a readable
  central directory (cut short) is refused before LibreOffice: its sizes cannot be checked.
- LibreOffice's private profile is written before it starts (``PROFILE_SETTINGS``): links to
  other files or URLs are never updated, linked images and objects of an untrusted document
  (every document: no trusted location) are never loaded, from the network or from a local
  ``file://``, and macros never run.
- soffice runs in a network namespace of its own (``unshare --net``, or an unprivileged user
  namespace), with no interface but a loopback that is down, when the system allows it; when
  not, a warning is logged once and the profile alone keeps it off the network.
- Its address space is limited (``max_memory``), so a file that LibreOffice inflates into
  gigabytes (an image, a .doc) kills that process, not the machine.

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
import struct
import subprocess
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import NamedTuple

from snn_sign.errors import BadInputError, ConversionError, ConversionTimeoutError
from snn_sign.pdfinput import looks_like_pdf, open_pdf

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

MIB = 1024 * 1024
# Limits an office draft is held to (the Odoo module reads its own from system parameters).
# A letter's .docx has a dozen parts and unpacks to a few MiB; pictures add a part each.
MAX_MEMBERS = 2000
MAX_UNZIPPED = 256 * MIB
# LibreOffice converts a letter in well under 1 GiB of address space; 2 GiB leaves room for
# large pictures while a bomb it inflates itself is stopped there.
MAX_MEMORY = 2048 * MIB
INFLATE_CHUNK = MIB

# The private profile's user/registrymodifications.xcu (officecfg keys of LibreOffice's
# Common.xcs, Writer.xcs and Calc.xcs). BlockUntrustedRefererLinks with no trusted location
# (SecureURL empty) is what keeps linked images and OLE objects, http:// and file:// alike, out
# of the PDF (checked with LibreOffice 7.4); Writer's Update/Link 2 = never update links
# (linked sections, DDE), Calc's 1 = never (its own numbering); macros never run.
# DisableActiveContent is a key of later versions (7.4 has none and ignores it).
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="SecureURL" oor:op="fuse"><value/></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableActiveContent" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop
 oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop
 oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""

# ZIP records (APPNOTE.TXT): end of central directory, its ZIP64 locator and record, a
# central directory entry, a local file header.
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_U32_MAX = 0xFFFFFFFF
STORED, DEFLATED = 0, 8

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


class _Member(NamedTuple):
    """One part of a ZIP as its central directory declares it."""

    name: str
    flags: int
    method: int
    compressed: int
    size: int
    offset: int


def _zip64_sizes(extra: bytes, compressed: int, size: int, offset: int) -> tuple[int, int, int]:
    """The sizes and offset a ZIP64 extra field gives for those stored as 0xFFFFFFFF."""
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, at)
        if tag == 1:
            count = min(length, len(extra) - at - 4) // 8
            values = list(struct.unpack_from(f"<{count}Q", extra, at + 4))
            if size == _U32_MAX and values:
                size = values.pop(0)
            if compressed == _U32_MAX and values:
                compressed = values.pop(0)
            if offset == _U32_MAX and values:
                offset = values.pop(0)
            break
        at += 4 + length
    return compressed, size, offset


def _central_directory(data: bytes) -> tuple[int, int, int] | None:
    """(entries, size, offset) of the central directory, or None when there is none."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 0xFFFF))
    if at < 0 or at + _EOCD.size > len(data):
        return None
    _, _, _, _, entries, size, offset, _ = _EOCD.unpack_from(data, at)
    locator = at - _EOCD64_LOCATOR.size
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        where = _EOCD64_LOCATOR.unpack_from(data, locator)[2]
        if where + _EOCD64.size > len(data) or data[where : where + 4] != b"PK\x06\x06":
            return None
        entries, size, offset = _EOCD64.unpack_from(data, where)[7:10]
    return entries, size, offset


def _too_many(max_members: int) -> BadInputError:
    return BadInputError(
        f"Tệp có hơn {max_members} thành phần nén, nhiều hơn hẳn một văn bản; không mở tệp này.",
        f"The file holds more than {max_members} compressed parts, far more than a document "
        "has; it is not opened.",
    )


def _zip_members(data: bytes, max_members: int) -> list[_Member] | None:
    """The parts the central directory declares, read without inflating anything; None when
    the directory is missing or unreadable (the file was cut short). BadInputError when
    there are more than ``max_members``: counted before any part is looked at."""
    directory = _central_directory(data)
    if directory is None:
        return None
    entries, size, at = directory
    if entries > max_members:
        raise _too_many(max_members)
    end = at + size
    if end > len(data):
        return None
    members = []
    while at + _CENTRAL.size <= end:
        fields = _CENTRAL.unpack_from(data, at)
        if fields[0] != b"PK\x01\x02":
            return None
        flags, method, compressed, size = fields[5], fields[6], fields[10], fields[11]
        name_len, extra_len, comment_len, offset = fields[12], fields[13], fields[14], fields[18]
        name_at = at + _CENTRAL.size
        extra = data[name_at + name_len : name_at + name_len + extra_len]
        compressed, size, offset = _zip64_sizes(extra, compressed, size, offset)
        name = data[name_at : name_at + name_len].decode("utf-8", "replace")
        members.append(_Member(name, flags, method, compressed, size, offset))
        if len(members) > max_members:  # the end record's count may lie
            raise _too_many(max_members)
        at = name_at + name_len + extra_len + comment_len
    return members


def _inflated_size(raw: memoryview, cap: int) -> int:
    """Bytes a raw deflate stream inflates to, counted a chunk at a time and never kept;
    stops as soon as it passes ``cap``. -1 when the stream is broken or unfinished."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    try:
        for start in range(0, len(raw), INFLATE_CHUNK):
            pending = raw[start : start + INFLATE_CHUNK]
            while pending:
                total += len(inflater.decompress(pending, INFLATE_CHUNK))
                if total > cap:
                    return total
                pending = inflater.unconsumed_tail
        total += len(inflater.flush())
    except zlib.error:
        return -1
    return total if inflater.eof else -1


def _check_zip(data: bytes, members: list[_Member], max_unzipped: int) -> None:
    """BadInputError unless the parts declare at most ``max_unzipped`` bytes in all and each
    one inflates to exactly what it declares."""
    declared = sum(member.size for member in members)
    if declared > max_unzipped:
        raise BadInputError(
            f"Văn bản khi giải nén lên tới {declared / MIB:.0f} MB, vượt giới hạn "
            f"{max_unzipped / MIB:.0f} MB; hãy gửi bản PDF hoặc giảm dung lượng hình ảnh.",
            f"Unpacked, the document comes to {declared / MIB:.0f} MB, over the limit of "
            f"{max_unzipped / MIB:.0f} MB; send a PDF or make its pictures smaller.",
        )
    view = memoryview(data)
    for member in members:
        start = _data_start(data, member)
        stored = view[start : start + member.compressed] if start >= 0 else view[:0]
        if start < 0 or len(stored) != member.compressed or member.flags & 1:
            actual = -1  # outside the file, or encrypted ZIP entries (no document uses them)
        elif member.method == STORED:
            actual = member.compressed
        elif member.method == DEFLATED:
            actual = _inflated_size(stored, member.size)
        else:
            actual = -1  # no office suite writes another method
        if actual != member.size:
            raise BadInputError(
                f"Tệp nén bị hỏng hoặc khai sai kích thước phần “{member.name}”; không mở "
                "tệp này. Hãy lưu lại văn bản bằng Word hoặc LibreOffice rồi gửi lại.",
                f"The archive is damaged or misstates the size of its part “{member.name}”; "
                "it is not opened. Save the document again in Word or LibreOffice and resend "
                "it.",
            )


def _data_start(data: bytes, member: _Member) -> int:
    """Where a part's stored bytes begin (after its local header), or -1."""
    at = member.offset
    if at + _LOCAL.size > len(data) or data[at : at + 4] != ZIP_MAGIC:
        return -1
    fields = _LOCAL.unpack_from(data, at)
    return at + _LOCAL.size + fields[10] + fields[11]


def _zip_kind(names: list[str], mimetype: bytes) -> str | None:
    if "word/document.xml" in names:
        return "docx"
    if mimetype.strip() == ODT_MIMETYPE:
        return "odt"
    return None


def _sniff_zip(data: bytes, max_members: int, max_unzipped: int) -> tuple[str | None, bool]:
    """(kind, whether the archive is whole). A whole archive is checked (_check_zip) before
    its "mimetype" part, stored uncompressed by ODF and by now known to be small, is read."""
    members = _zip_members(data, max_members)
    if members is not None:
        _check_zip(data, members, max_unzipped)
        mimetype = b""
        for member in members:
            if member.name == "mimetype" and member.method == STORED and member.size < 256:
                start = _data_start(data, member)
                mimetype = data[start : start + member.size]
        return _zip_kind([member.name for member in members], mimetype), True
    # A damaged archive (cut short, say) still shows what it was meant to be in its local
    # headers, so that it is refused as a damaged document rather than as an unknown file.
    entries = _zip_names_by_scan(data)
    mimetype = b""
    if entries and entries[0][0] == "mimetype":  # ODF stores it first and uncompressed
        _, start, size = entries[0]
        mimetype = data[start : start + min(size, 256)]
    names = [name for name, _, _ in entries]
    if any(name.startswith("word/") for name in names):
        names.append("word/document.xml")
    return _zip_kind(names, mimetype), False


def _inspect(data: bytes, max_members: int, max_unzipped: int) -> tuple[str, bool]:
    """(kind, whether a ZIP-based file is whole): see sniff."""
    if not data:
        raise _refuse("Tệp rỗng.", "The file is empty.")
    if looks_like_pdf(data):
        return "pdf", True
    if data.startswith(ZIP_MAGIC):
        kind, whole = _sniff_zip(data, max_members, max_unzipped)
        if kind:
            return kind, whole
        raise _refuse(
            "Tệp nén (ZIP) này không phải văn bản Word .docx hay OpenDocument .odt.",
            "This ZIP archive is not a Word .docx or OpenDocument .odt document.",
        )
    if data.startswith(OLE2_MAGIC):
        if WORD_STREAM in data:
            return "doc", True
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


def sniff(data: bytes, *, max_members: int = MAX_MEMBERS, max_unzipped: int = MAX_UNZIPPED) -> str:
    """The kind of ``data``, judged by its content: "pdf", "docx", "odt" or "doc";
    BadInputError naming what is accepted for anything else (empty, an image, text, another
    kind of archive, …), and for a .docx/.odt of more than ``max_members`` parts, declaring
    more than ``max_unzipped`` bytes unpacked, or whose parts misstate their size (checked
    from the central directory, then inflated as a stream without keeping anything)."""
    return _inspect(data, max_members, max_unzipped)[0]


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


_jail: list[str] | None = None
_jail_lock = threading.Lock()


def network_jail() -> list[str]:
    """The command prefix that runs a program in a network namespace of its own (no
    interface but a loopback that is down): ``unshare --net`` (root), else an unprivileged
    user namespace; [] when the system allows neither (logged once as a warning). Probed once
    per process."""
    global _jail  # noqa: PLW0603 - one probe per process, as documented
    with _jail_lock:
        if _jail is None:
            _jail = _probe_jail()
        return _jail


def _probe_jail() -> list[str]:
    unshare = shutil.which("unshare")
    why = "unshare (util-linux) is not installed"
    for prefix in (["--net"], ["--user", "--map-root-user", "--net"]):
        if not unshare:
            break
        command = [unshare, *prefix, "--"]
        try:
            probe = subprocess.run(  # noqa: S603 - unshare, our arguments, no shell
                [*command, "true"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            why = str(error)
            continue
        if probe.returncode == 0:
            return command
        why = probe.stderr.decode("utf-8", "replace").strip()
    log.warning(
        "LibreOffice conversions run without a network namespace (%s): only their profile "
        "keeps them off the network",
        why,
    )
    return []


def memory_cap(max_memory: int) -> list[str]:
    """The command prefix that caps the address space of what it runs (inherited by
    soffice.bin): util-linux's ``prlimit``, not a preexec_fn, which Python documents as unsafe
    in a threaded program such as Odoo's server. [] (logged once) when prlimit is missing."""
    prlimit = shutil.which("prlimit")
    if prlimit:
        return [prlimit, f"--as={max_memory}", "--"]
    global _warned_no_prlimit  # noqa: PLW0603 - one warning per process
    if not _warned_no_prlimit:
        _warned_no_prlimit = True
        log.warning("prlimit (util-linux) is not installed: LibreOffice runs without a memory cap")
    return []


_warned_no_prlimit = False


def _write_profile(profile: Path) -> None:
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, "utf-8")


def to_pdf(
    data: bytes,
    *,
    timeout: float = 60.0,
    soffice: str | None = None,
    max_members: int = MAX_MEMBERS,
    max_unzipped: int = MAX_UNZIPPED,
    max_memory: int = MAX_MEMORY,
) -> bytes:
    """A PDF of ``data``: a PDF comes back unchanged (once it is known to open); a .docx,
    .doc or .odt is converted by LibreOffice headless in its own process group, killed after
    ``timeout`` seconds, with at most ``max_memory`` bytes of address space, without a
    network where the system allows it and with a profile that loads nothing linked.
    BadInputError for a file of another kind, a broken PDF, or a ZIP over the limits of
    sniff; ConversionError (ConversionTimeoutError on time-out) when LibreOffice is absent
    or fails, or the ZIP is cut short (its sizes cannot be checked)."""
    kind, whole = _inspect(data, max_members, max_unzipped)
    if kind == "pdf":
        open_pdf(data)
        return data
    if not whole:
        raise _damaged()
    program = find_soffice(soffice)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        work = Path(tmp)
        source = work / f"draft.{kind}"
        source.write_bytes(data)
        outdir = work / "out"
        _write_profile(work / "profile")
        command = [
            *network_jail(),
            *memory_cap(max_memory),
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
