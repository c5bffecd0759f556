"""The signing organisation a bench measures in, made inside the measuring run from the env it
is given (as addons/snn_signing/tests/common.py sets a company up): the token bridge, the
organisation's seal, the demo CA as trusted root, e-signing mandatory since 2019, and users
with their roles, one of them the director who signs with the demo PKI's personal key."""

from __future__ import annotations

import base64
from pathlib import Path


def put_secret(company, name: str, source) -> str:
    """Copy the secret file ``source`` as ``name`` into ``company``'s directory of the server's
    secrets directory (option snn_secrets_dir; when the bench's configuration sets none, a
    directory beside ``source``, set for this process) and return ``name``, the value of the
    bridge's or company's secret file setting."""
    from odoo.tools import config  # noqa: PLC0415 - Odoo is importable where this runs

    if not config.get("snn_secrets_dir"):
        config["snn_secrets_dir"] = str(Path(source).parent / "secrets")
    folder = Path(config["snn_secrets_dir"]) / str(company.id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(Path(source).read_bytes())
    target.chmod(0o600)
    return name


def signing_company(env, running, tag: str):
    """(company, bridge): a new company that signs through the running demo bridge."""
    pki = running.pki
    company = env["res.company"].create(
        {"name": f"Bench {tag}", "snn_org_code": "SNN", "snn_place": "Tuyên Quang"}
    )
    bridge = env["snn.sign.bridge"].create(
        {
            "name": "Token bridge (bench)",
            "url": running.url,
            "client_name": running.client_name,
            "secret_file": put_secret(company, "bridge.secret", running.secret_file),
            "company_id": company.id,
        }
    )
    company.write(
        {
            "snn_org_full_name": pki.org_name,
            "snn_seal_bridge_id": bridge.id,
            "snn_seal_key": pki.seal_label,
            "snn_seal_image": base64.b64encode(pki.seal_png.read_bytes()),
            "snn_trust_roots": pki.ca_cert.read_text(),
            "snn_esign_trial_date": "2019-03-01",
            "snn_esign_mandatory_date": "2019-04-15",
        }
    )
    return company, bridge


def bench_user(env, company, tag: str, *, login: str, name: str, group: str):
    """A user of ``company`` with one snn_docflow role (``group``: drafter, head, clerk…)."""
    return env["res.users"].create(
        {
            "name": name,
            "login": f"{login}_{tag}",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "group_ids": [(6, 0, env.ref(f"snn_docflow.group_{group}").ids)],
        }
    )


def signing_director(env, company, bridge, running, tag: str):
    """The director, signing with the demo PKI's personal key through ``bridge``."""
    pki = running.pki
    director = bench_user(
        env, company, tag, login="director", name=pki.signer_name, group="director"
    )
    director.write(
        {
            "snn_sign_bridge_id": bridge.id,
            "snn_sign_key": pki.signer_label,
            "snn_signature_image": base64.b64encode(pki.signature_png.read_bytes()),
        }
    )
    return director
