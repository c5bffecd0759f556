"""``snn-sign``: stamp number and date, sign through the token bridge, verify, make a demo PKI.

Errors go to stderr in Vietnamese and English with a non-zero exit, and no output file is left
behind: results are written to a temporary file next to OUT and renamed only on success.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
import tempfile
from pathlib import Path

from snn_sign.errors import BadInputError, SnnSignError
from snn_sign.vntime import parse_date

EXIT_VERIFY_FAILED = 1
EXIT_UNEXPECTED = 3


def _point(text: str) -> tuple[int, float, float]:
    try:
        page, x, y = (part.strip() for part in text.split(","))
        return int(page), float(x), float(y)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cần TRANG,X,Y / expected PAGE,X,Y, got {text!r}"
        ) from None


def _read(path: str, what: str = "input") -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BadInputError(
            f"Không đọc được tệp {path}: {exc.strerror}",
            f"Cannot read the {what} file {path}: {exc.strerror}",
        ) from None


def _write_atomic(path: str, data: bytes) -> None:
    """Write next to ``path`` and rename: a failure never leaves a partial OUT behind.

    mkstemp makes the file 0600; OUT gets the mode a plain open() would give (0666 less the
    umask), so a signed letter put in a shared folder stays readable there."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; a command is single-threaded here
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- commands


def cmd_stamp(args) -> int:
    from snn_sign.stamp import stamp_pdf  # noqa: PLC0415 - keep `--help` fast

    out = stamp_pdf(
        _read(args.input),
        args.code,
        parse_date(args.date),
        place=args.place,
        number_at=args.number_at,
        date_at=args.date_at,
    )
    _write_atomic(args.output, out)
    print(f"Đã đóng số và ngày / stamped: {args.output}")
    return 0


def cmd_sign(args) -> int:
    from snn_sign.bridge.auth import read_secret_file  # noqa: PLC0415
    from snn_sign.bridge.client import BridgeClient  # noqa: PLC0415
    from snn_sign.bridge.signer import BridgeSigner  # noqa: PLC0415
    from snn_sign.pdfinput import check_png, open_pdf  # noqa: PLC0415
    from snn_sign.signing import sign_pdf  # noqa: PLC0415

    pdf = _read(args.input)
    image = _read(args.image, "image") if args.image else None
    # Check the inputs before asking the token for anything.
    open_pdf(pdf)
    check_png(image)
    secret = read_secret_file(args.secret_file)
    long_term = _long_term_policy(args) if args.long_term else None
    with BridgeClient(args.bridge, args.client, secret) as client:
        signer = BridgeSigner(client, args.key)
        out = sign_pdf(
            pdf,
            signer,
            appearance=args.appearance,
            image_png=image,
            code=args.code,
            org_name=args.org,
            copy_form=args.copy_form,
            at=args.at,
            seal_size_mm=args.seal_size_mm,
            tsa_url=args.tsa,
            field_name=args.field,
            long_term=long_term,
        )
    _write_atomic(args.output, out)
    print(f"Đã ký / signed ({args.appearance}): {args.output}")
    return 0


def _long_term_policy(args):
    """--trust/--intermediate/--tsa/--revocation/--proxy as a snn_sign.longterm.LongTermPolicy."""
    from snn_sign.longterm import LongTermPolicy  # noqa: PLC0415

    if not args.trust:
        raise BadInputError(
            "Cần chỉ CA gốc tin cậy (--trust ROOT.pem) để kiểm tra thu hồi chứng thư.",
            "A trusted root (--trust ROOT.pem) is needed to check revocation.",
        )
    return LongTermPolicy(
        trust_roots=tuple(_read(path, "trust root") for path in args.trust),
        intermediates=tuple(_read(path, "intermediate CA") for path in args.intermediate or ()),
        tsa_url=args.tsa,
        unreachable=args.revocation,
        proxy=args.proxy,
    )


def cmd_timestamp(args) -> int:
    from snn_sign.longterm import add_document_timestamp, renew_archive_timestamp  # noqa: PLC0415

    policy = _long_term_policy(args)
    pdf = _read(args.input)
    out = (
        renew_archive_timestamp(pdf, policy) if args.renew else add_document_timestamp(pdf, policy)
    )
    _write_atomic(args.output, out)
    print(f"Đã đóng dấu thời gian tài liệu / document timestamp added: {args.output}")
    return 0


def cmd_verify(args) -> int:
    from snn_sign.verify import verify_pdf  # noqa: PLC0415

    roots = [_read(path, "trust root") for path in args.trust or ()]
    intermediates = [_read(path, "intermediate CA") for path in args.intermediate or ()]
    if args.default_trust:
        from snn_sign.trust import default_intermediates, default_roots  # noqa: PLC0415

        roots += default_roots()
        intermediates += default_intermediates()
    report = verify_pdf(_read(args.file), roots, intermediates=intermediates)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
        if not roots and report.signatures:
            print(
                "Gợi ý / hint: chỉ CA gốc tin cậy bằng --trust ROOT.pem hoặc --default-trust "
                "(no trusted root was given: use --trust ROOT.pem or --default-trust)"
            )
    return 0 if report.ok else EXIT_VERIFY_FAILED


def _print_report(report) -> None:
    for problem in report.problems:
        print(f"LỖI / ERROR: {problem}")
    for i, sig in enumerate(report.signatures, 1):
        verdict = "HỢP LỆ / VALID" if sig.ok else "KHÔNG HỢP LỆ / INVALID"
        print(f"Chữ ký / Signature #{i} [{sig.field}]: {verdict}")
        print(f"  người ký / signer: {sig.signer_subject}")
        print(f"  số hiệu / serial: {sig.serial}")
        print(f"  cấp bởi / issuer: {sig.issuer}")
        print(f"  thời gian ký / signing time: {sig.signing_time}")
        print(
            f"  toàn vẹn / intact: {sig.intact}; hợp lệ / valid: {sig.valid}; "
            f"tin cậy / trusted: {sig.trusted}; sửa đổi / modifications: "
            f"{sig.modification_level}; bottom line: {sig.bottom_line}"
        )
        print(f"  mức / level: {LEVELS[sig.level]}")
        print(f"  thu hồi / revocation: {sig.revocation} {sig.revocation_detail}".rstrip())
        if sig.timestamp_time:
            print(f"  dấu thời gian / timestamp: {sig.timestamp_time} ({sig.timestamp_authority})")
        if sig.as_of_timestamp:
            print(
                "  kiểm tra theo thời điểm dấu thời gian, với dữ liệu lưu trong tệp / checked as "
                "of the timestamp, with the validation data kept in the file"
            )
        for reason in sig.reasons:
            print(f"  lý do / reason: {reason}")
    print("KẾT QUẢ / RESULT:", "OK" if report.ok else "THẤT BẠI / FAILED")


# What each PAdES level proves, as `snn-sign verify` says it.
LEVELS = {
    "b_b": "B-B (chữ ký cơ bản / basic signature)",
    "b_t": "B-T (có dấu thời gian / with a signature timestamp)",
    "b_lt": "B-LT (có dữ liệu kiểm tra lâu dài / with long-term validation data)",
    "b_lta": "B-LTA (có dấu thời gian lưu trữ / with an archive timestamp)",
}


def cmd_demo_pki(args) -> int:
    try:
        from snn_sign_testkit.pki import create_demo_pki  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "snn_sign_testkit":
            raise
        # The demo PKI is a test fixture: it ships in the test kit, not in this runtime package.
        raise SnnSignError(
            "demo-pki cần bộ kiểm thử: pip install snn-sign-testkit",
            "demo-pki needs the test kit: pip install snn-sign-testkit",
        ) from None

    generated = args.pin is None
    pin = args.pin or secrets.token_hex(4)
    kwargs = {"token_label": args.token_label, "pin": pin}
    if args.org:
        kwargs["org_name"] = args.org
    if args.signer:
        kwargs["signer_name"] = args.signer
    demo = create_demo_pki(args.directory, **kwargs)
    print(f"Thư mục / directory:        {demo.directory}")
    print(f"SOFTHSM2_CONF:              {demo.softhsm2_conf}")
    print(f"Token:                      {demo.token_label} ({demo.module})")
    print(f"CA (tin cậy / trust root):  {demo.ca_cert}")
    print(f"Người ký / signer:          {demo.signer_cert} (khóa / key '{demo.signer_label}')")
    print(f"Con dấu / seal:             {demo.seal_cert} (khóa / key '{demo.seal_label}')")
    print(f"Ảnh chữ ký / signature PNG: {demo.signature_png}")
    print(f"Ảnh con dấu / seal PNG:     {demo.seal_png}")
    print(f"Tệp PIN / PIN file:         {demo.pin_file}")
    if generated:
        # The user chose no PIN, so this is the only way to learn it.
        print(f"PIN (được tạo / generated): {pin}")
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="snn-sign",
        description="Đóng số/ngày, ký số PAdES qua cầu nối token, kiểm tra chữ ký / "
        "Stamp number and date, PAdES-sign through the token bridge, verify.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show library log messages")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("stamp", help="write number and date on page 1 (incremental update)")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--code", required=True, help="number and notation, e.g. 05/SNN-VP")
    s.add_argument("--date", required=True, help="issue date YYYY-MM-DD (Vietnam time)")
    s.add_argument("--place", help='place before the date, e.g. "Tuyên Quang"')
    s.add_argument("--number-at", type=_point, metavar="PAGE,X,Y")
    s.add_argument("--date-at", type=_point, metavar="PAGE,X,Y")
    s.set_defaults(func=cmd_stamp)

    g = sub.add_parser("sign", help="PAdES signature through the token bridge")
    g.add_argument("input")
    g.add_argument("output")
    g.add_argument("--bridge", required=True, metavar="URL")
    g.add_argument("--client", required=True, metavar="NAME")
    g.add_argument("--secret-file", required=True, metavar="FILE")
    g.add_argument("--key", required=True, metavar="LABEL")
    g.add_argument("--appearance", required=True, choices=("signer", "seal", "attachment", "copy"))
    g.add_argument("--image", metavar="PNG", help="signature (blue) or seal (red) image")
    g.add_argument("--code", help="main document's number and notation (attachment)")
    g.add_argument(
        "--copy-form", choices=("sao_y", "sao_luc", "trich_sao"), help="form of copy (copy)"
    )
    g.add_argument(
        "--org",
        help="organisation name on the seal or the copy (default: from the certificate)",
    )
    g.add_argument("--at", type=_point, metavar="PAGE,X,Y", help="lower left corner of the field")
    g.add_argument("--seal-size-mm", type=float, default=36.0)
    g.add_argument("--field", help="signature field name")
    g.add_argument("--tsa", metavar="URL", help="RFC 3161 timestamp authority")
    g.add_argument(
        "--long-term",
        action="store_true",
        help="check the certificate with its CA (OCSP/CRL) first and embed the answers (B-LT); "
        "needs --trust",
    )
    _long_term_arguments(g)
    g.set_defaults(func=cmd_sign)

    v = sub.add_parser("verify", help="verify every signature (exit 0 only when all are fine)")
    v.add_argument("file")
    v.add_argument("--trust", action="append", metavar="ROOT.pem", help="trusted root (repeat)")
    v.add_argument(
        "--intermediate",
        action="append",
        metavar="FILE",
        help="intermediate CA certificate, PEM or DER, to build chains; never trusted (repeat)",
    )
    v.add_argument(
        "--default-trust",
        action="store_true",
        help="also trust the shipped Vietnamese roots (VGCA G1/G2, national root CA), "
        "with their intermediates",
    )
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_verify)

    _add_timestamp_parser(sub)

    d = sub.add_parser("demo-pki", help="test CA, signer and seal certificates, SoftHSM2 token")
    d.add_argument("directory")
    d.add_argument("--pin", help="user PIN of the new token (generated and shown if omitted)")
    d.add_argument("--token-label", default="snn-demo")
    d.add_argument("--org", help="organisation name")
    d.add_argument("--signer", help="signer's full name")
    d.set_defaults(func=cmd_demo_pki)
    return p


def _add_timestamp_parser(sub) -> None:
    t = sub.add_parser(
        "timestamp", help="document timestamp with validation data (B-LTA), or --renew it"
    )
    t.add_argument("input")
    t.add_argument("output")
    t.add_argument("--tsa", metavar="URL", required=True, help="RFC 3161 timestamp authority")
    t.add_argument("--renew", action="store_true", help="renew the last archive timestamp")
    _long_term_arguments(t)
    t.set_defaults(func=cmd_timestamp)


def _long_term_arguments(parser) -> None:
    parser.add_argument(
        "--trust", action="append", metavar="ROOT.pem", help="trusted root (repeat)"
    )
    parser.add_argument(
        "--intermediate", action="append", metavar="FILE", help="intermediate CA (repeat)"
    )
    parser.add_argument(
        "--revocation",
        choices=("refuse", "record"),
        default="refuse",
        help="when the CA's OCSP/CRL cannot be reached: refuse (default) or sign anyway",
    )
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help="HTTP proxy for the OCSP, CRL and TSA requests (http://host:port, no credentials)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # pyHanko logs tracebacks for every untrusted chain; the report already says why.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL)
    try:
        return args.func(args)
    except SnnSignError as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        if args.verbose:
            raise
        print(
            f"Lỗi không mong đợi / Unexpected error: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
