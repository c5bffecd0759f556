"""Is this certificate fit to sign for this person or organisation, now?"""

import datetime as dt

from asn1crypto import pem, x509

from odoo.exceptions import UserError


def normalised(name):
    """Names compared as people read them: case and spacing do not count, diacritics do."""
    return " ".join((name or "").split()).casefold()


def check_certificate_holder(env, certificate, holder_names, *, label=None, when=None):
    """UserError unless ``certificate`` (DER or PEM) is valid ``when`` (default now) and one of
    its subject's names (common name, organisation, …) is one of ``holder_names``; returns
    the parsed certificate. ``label`` names the key in the messages."""
    if pem.detect(certificate):
        certificate = pem.unarmor(certificate)[2]
    cert = x509.Certificate.load(certificate)
    label = label or cert.subject.human_friendly
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    when = when or dt.datetime.now(dt.UTC)
    if not not_before <= when <= not_after:
        raise UserError(
            env._(
                "The certificate of the key “%(key)s” is valid from %(start)s to %(end)s, "
                "not now: renew it with the certificate authority.",
                key=label,
                start=not_before.date(),
                end=not_after.date(),
            )
        )
    wanted = {normalised(name) for name in holder_names if name}
    named = {normalised(str(value)) for value in cert.subject.native.values()}
    if not wanted & named:
        raise UserError(
            env._(
                "The certificate of the key “%(key)s” is issued to “%(subject)s”, not to "
                "%(holder)s.",
                key=label,
                subject=cert.subject.human_friendly,
                holder=" / ".join(n for n in holder_names if n),
            )
        )
    return cert


def check_pc_key(env, label, certificate_pem, holder_names, missing):
    """UserError ``missing`` without the label or the certificate; else the certificate (PEM,
    then its CAs) must be valid now and issued to one of ``holder_names``."""
    if not (label and certificate_pem):
        raise UserError(missing)
    chain = certificate_chain(env, certificate_pem)
    check_certificate_holder(env, chain[0], holder_names, label=label)


def certificate_chain(env, text):
    """DER of each certificate of ``text`` (PEM: the key's certificate first, then its CAs),
    as a manager pastes it for a key the server cannot reach (a token on a PC); UserError
    when there is none or one does not parse."""
    blocks = []
    data = (text or "").encode()
    if pem.detect(data):
        try:
            blocks = [
                der
                for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
            for der in blocks:
                x509.Certificate.load(der).native  # noqa: B018 - parses it all
        except (ValueError, TypeError):
            blocks = []
    if not blocks:
        raise UserError(
            env._(
                "The certificate of the key on the PC is not a PEM certificate: paste the "
                "key's certificate (-----BEGIN CERTIFICATE-----…), then its CA certificates."
            )
        )
    return tuple(blocks)
