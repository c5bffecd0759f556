"""The default trust store: the public certificates of Vietnam's CAs, shipped with the package.

``trust/vn/`` holds one PEM file per certificate and ``index.json``, which says for each file its
name, kind (root or intermediate), issuer, where the bytes came from, its SHA-256 fingerprint (of
the DER) and an independent source that pins that fingerprint. Every certificate is checked
against its fingerprint when read: a damaged or altered install refuses to load instead of
trusting something else. Only the files named in the index are read, so a certificate dropped
into the folder is never trusted by accident.

Roots are the trust anchors; the intermediates only help to build chains (PDFs from VGCA tools
often embed the signer's certificate alone), they are never anchors themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from .errors import SnnSignError

if TYPE_CHECKING:  # importlib.resources.abc is Python 3.11+; a pathlib.Path does as well
    from importlib.resources.abc import Traversable

__all__ = [
    "TrustCertificate",
    "TrustStoreError",
    "default_certificates",
    "default_intermediates",
    "default_roots",
    "read_store",
]

KINDS = ("root", "intermediate")
# What index.json must say of each file besides file, kind, issuer and sha256.
DESCRIBED = ("name", "source", "not_before", "not_after", "use")


class TrustStoreError(SnnSignError):
    """The shipped trust store is damaged: a file is missing, unreadable or not the pinned one."""


@dataclass(frozen=True)
class TrustCertificate:
    """One certificate of the store, with what index.json says of it."""

    file: str
    name: str
    kind: str
    issuer: str | None
    source: str
    sha256: str
    not_before: str
    not_after: str
    use: str
    pem: bytes = field(repr=False)
    pin_source: str = ""


def _damaged(vi: str, en: str) -> TrustStoreError:
    return TrustStoreError(
        f"Kho chứng thư tin cậy bị hỏng, hãy cài lại snn-sign: {vi}",
        f"The trust store is damaged, reinstall snn-sign: {en}",
    )


def _der(name: str, data: bytes) -> bytes:
    """The DER of the one certificate in PEM ``data``."""
    try:
        blocks = pem.unarmor(data, multiple=True)
        found = [der for kind, _headers, der in blocks if kind == "CERTIFICATE"]
        if len(found) != 1:
            raise ValueError(f"{len(found)} certificates")
        asn1_x509.Certificate.load(found[0]).native  # noqa: B018 - parse it all, fail here
    except (ValueError, TypeError) as exc:
        raise _damaged(
            f"{name} không phải một chứng thư PEM ({exc})",
            f"{name} is not one PEM certificate ({exc})",
        ) from exc
    return found[0]


def read_store(folder: Traversable) -> list[TrustCertificate]:
    """The certificates listed in ``folder``/index.json, each checked against its fingerprint.

    Raises TrustStoreError when the index or a listed file is missing, unreadable, or a file's
    SHA-256 is not the one the index pins."""
    try:
        index = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))
        entries = index["certificates"]
        files = {entry["file"] for entry in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _damaged(
            f"không đọc được index.json ({exc})", f"index.json cannot be read ({exc})"
        ) from exc
    certificates = []
    for entry in entries:
        name = entry["file"]
        try:
            data = folder.joinpath(name).read_bytes()
        except OSError as exc:
            raise _damaged(f"thiếu tệp {name}", f"{name} is missing") from exc
        digest = hashlib.sha256(_der(name, data)).hexdigest().upper()
        if digest != str(entry.get("sha256", "")).upper():
            raise _damaged(
                f"dấu vân tay SHA-256 của {name} không khớp ({digest})",
                f"the SHA-256 fingerprint of {name} does not match ({digest})",
            )
        issuer = entry.get("issuer")
        if entry.get("kind") not in KINDS or (entry["kind"] == "intermediate") != (issuer in files):
            raise _damaged(
                f"{name}: loại hoặc CA cấp không hợp lệ trong index.json",
                f"{name}: invalid kind or issuer in index.json",
            )
        try:
            described = {key: entry[key] for key in DESCRIBED}
        except KeyError as exc:
            raise _damaged(
                f"{name}: index.json thiếu {exc}", f"{name}: index.json lacks {exc}"
            ) from exc
        certificates.append(
            TrustCertificate(
                file=name,
                kind=entry["kind"],
                issuer=issuer,
                sha256=digest,
                pem=data,
                pin_source=entry.get("pin_source") or "",
                **described,
            )
        )
    return certificates


def default_certificates() -> list[TrustCertificate]:
    """The shipped store (``snn_sign/trust/vn``): VGCA G1/G2 and the national roots with the
    VGCA intermediates, in index order."""
    return read_store(resources.files("snn_sign").joinpath("trust").joinpath("vn"))


def default_roots() -> list[bytes]:
    """PEM of the shipped roots, for ``verify_pdf(pdf, trust_roots)``."""
    return [c.pem for c in default_certificates() if c.kind == "root"]


def default_intermediates() -> list[bytes]:
    """PEM of the shipped intermediates, for ``verify_pdf(..., intermediates=)``."""
    return [c.pem for c in default_certificates() if c.kind == "intermediate"]
