"""The confirmation page of the local profile: what the official reads before the token signs.

Served by the bridge itself (http://127.0.0.1:PORT), in a window the Odoo web client opens.
Vietnamese first, English second, as every message of the bridge. No script at all (the CSP
forbids any), every shown value HTML-escaped: a script here could read the form's CSRF token
and confirm on its own. The headers keep the page out of frames (clickjacking) and out of other
pages' reach (no CORS, no caching, no referrer).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from html import escape

from cryptography import x509
from cryptography.x509.oid import NameOID

from snn_token_bridge.local_store import DECLINED, EXPIRED, FAILED, SIGNED, LocalRequest

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em;"
    "color:#222}h1{font-size:1.4em}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;vertical-align:top;padding:.4em;border-bottom:1px solid #ddd}"
    "th{width:14em;font-weight:600}.en{color:#666;font-weight:400}"
    ".digest{font-family:monospace;word-break:break-all}"
    ".msg{padding:.8em;border-radius:4px;background:#fdecea;color:#611a15;margin:1em 0}"
    ".ok{background:#e8f5e9;color:#1b5e20}"
    "button{font-size:1.1em;padding:.5em 1.5em;margin:1em 1em 0 0}"
    "button[value=confirm]{background:#1565c0;color:#fff;border:1px solid #0d47a1}"
    "button[value=confirm] .en{color:#e3f2fd}"
    "input[type=password]{font-size:1.1em;padding:.3em}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": browsers then send "Origin: null" with the page's own form, which the
    # bridge must refuse (it checks the form came from this page). same-origin still tells no
    # other site where the official was.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

_PURPOSES = {
    "personal": ("Chữ ký cá nhân", "personal signature"),
    "organization": ("Con dấu của cơ quan", "organisation seal"),
}


def _both(vi: str, en: str) -> str:
    return f'{escape(vi)} <span class="en">/ {escape(en)}</span>'


def _page(title_vi: str, title_en: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title_vi)} / {escape(title_en)}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{_both(title_vi, title_en)}</h1>{body}</body></html>"
    )


def _local_time(unix: int) -> str:
    # The PC's own time zone: the official compares it with the clock on the screen.
    return dt.datetime.fromtimestamp(unix).strftime("%H:%M:%S %d/%m/%Y")


def _name(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return ", ".join(str(attribute.value) for attribute in name.get_attributes_for_oid(oid))


def _certificate_rows(request: LocalRequest) -> list[tuple[str, str, str]]:
    """The certificate as an official recognises it: holder, organisation, issuer, serial (as
    printed on the CA's paperwork), end of validity."""
    cert = x509.load_pem_x509_certificate(request.key.info["certificate"].encode())
    purpose_vi, purpose_en = _PURPOSES.get(request.key.purpose, (request.key.purpose,) * 2)
    until = cert.not_valid_after_utc.astimezone().strftime("%d/%m/%Y")
    return [
        ("Ký bằng", "Signing as", f"{purpose_vi} / {purpose_en}"),
        ("Chủ chứng thư số", "Certificate holder", _name(cert.subject, NameOID.COMMON_NAME)),
        (
            "Đơn vị (trong chứng thư)",
            "Organisation (certificate)",
            _name(cert.subject, NameOID.ORGANIZATION_NAME),
        ),
        ("Nơi cấp", "Issued by", _name(cert.issuer, NameOID.COMMON_NAME)),
        ("Số hiệu chứng thư", "Certificate serial", format(cert.serial_number, "X")),
        ("Hiệu lực đến", "Valid until", until),
    ]


_MORE_KINDS = {
    "attachment": ("Phụ lục kèm theo (đóng dấu)", "Attachment (sealed)"),
    "trail": ("Nhật ký xử lý văn bản (ký xác nhận)", "The document's trail (signed head)"),
}


def _digest(digest: bytes) -> str:
    hexa = digest.hex()
    return " ".join(hexa[i : i + 8] for i in range(0, len(hexa), 8))


def _more_rows(request: LocalRequest) -> str:
    """Each further signature the same confirmation makes: what it is and its digest."""
    rows = []
    for index, part in enumerate(request.more, 1):
        vi, en = _MORE_KINDS[part.kind]
        rows.append(
            f"<tr><th>{_both(f'{index + 1}. {vi}', en)}</th><td>{escape(part.name)}"
            f'<br><span class="digest">{escape(_digest(part.attributes.message_digest))}'
            "</span></td></tr>"
        )
    if not rows:
        return ""
    total = len(request.more) + 1
    head = _both(
        f"Cùng lần xác nhận này ký {total} chữ ký: 1. văn bản, và",
        f"This one confirmation makes {total} signatures: 1. the document, and",
    )
    return f'<tr><th colspan="2">{head}</th></tr>' + "".join(rows)


def _details(request: LocalRequest) -> str:
    document = request.document
    rows = [
        ("Cơ quan", "Organisation", document.get("organisation", "")),
        ("Số, ký hiệu", "Document number", document.get("code", "")),
        ("Trích yếu", "Subject", document.get("subject", "")),
        *_certificate_rows(request),
        ("Yêu cầu từ", "Requested by", request.origin),
        ("Hết hạn lúc", "Expires at", _local_time(request.expires_at)),
    ]
    cells = "".join(f"<tr><th>{_both(vi, en)}</th><td>{escape(v)}</td></tr>" for vi, en, v in rows)
    digest_row = (
        f"<tr><th>{_both(f'Mã băm văn bản ({request.digest_algorithm})', 'Document digest')}"
        f'</th><td class="digest">{escape(_digest(request.attributes.message_digest))}</td></tr>'
    )
    return f"<table>{cells}{digest_row}{_more_rows(request)}</table>"


def confirm_page(request: LocalRequest, *, pin_needed: bool, message: tuple | None = None) -> str:
    """The page with the request's details and the Confirm / Decline form."""
    notice = f'<p class="msg">{_both(*message)}</p>' if message else ""
    pin = (
        f'<p><label for="pin">{_both("Mã PIN của token", "Token PIN")}</label><br>'
        '<input type="password" id="pin" name="pin" autocomplete="off" autofocus '
        'inputmode="text" maxlength="64"></p>'
        if pin_needed
        else ""
    )
    form = (
        f'<form method="post" action="/v1/local/confirm/{escape(request.id)}">'
        f'<input type="hidden" name="csrf" value="{escape(request.csrf)}">{pin}'
        f'<button type="submit" name="decision" value="confirm">{_both("Ký", "Sign")}</button>'
        f'<button type="submit" name="decision" value="decline">'
        f"{_both('Từ chối', 'Decline')}</button></form>"
    )
    intro = (
        f"<p>{_both('Hãy kiểm tra văn bản trước khi ký.', 'Check the document before signing.')}"
        "</p>"
    )
    return _page(
        "Xác nhận ký số", "Confirm the digital signature", intro + notice + _details(request) + form
    )


_ENDED = {
    SIGNED: (
        ("Đã ký", "Signed"),
        (
            "Văn bản đã được ký. Bạn có thể đóng cửa sổ này và quay lại Odoo.",
            "The document is signed. You may close this window and return to Odoo.",
        ),
    ),
    DECLINED: (
        ("Đã từ chối", "Declined"),
        ("Bạn đã từ chối ký; không có gì được ký.", "You declined; nothing was signed."),
    ),
    EXPIRED: (
        ("Đã hết hạn", "Expired"),
        (
            "Yêu cầu ký đã hết hạn; không có gì được ký. Hãy bấm ký lại trong Odoo.",
            "The signing request expired; nothing was signed. Click sign again in Odoo.",
        ),
    ),
    FAILED: (
        ("Không ký được", "Not signed"),
        ("Không ký được văn bản.", "The document could not be signed."),
    ),
}


def ended_page(request: LocalRequest) -> str:
    (title_vi, title_en), (vi, en) = _ENDED[request.status]
    css = "msg ok" if request.status == SIGNED else "msg"
    error = f'<p class="msg">{_both(*request.error)}</p>' if request.error else ""
    return _page(
        title_vi, title_en, f'<p class="{css}">{_both(vi, en)}</p>{error}' + _details(request)
    )


def message_page(title: tuple[str, str], message: tuple[str, str]) -> str:
    """A page with one message (unknown request, refused form)."""
    return _page(*title, f'<p class="msg">{_both(*message)}</p>')
