"""Points the demo database at the demo's services, and brings in a letter another agency sent
the demo company through the exchange stand-in: fed to `odoo shell` on stdin (superuser).

Not imported by devenv: demo_config.py runs it in `odoo shell -d snn_demo`, with its settings
(demo.json, the services' JSON lines, the secrets directory) as JSON in $SNN_DEMO_SETTINGS.
Demo data is static XML and the bridge's port, secret and CA exist only at run time;
snn_signing's models belong to the module and get no demo-only method, so this writes the
settings itself. Connections (URL, client, secret file) follow the services on every run; the
rest (keys, images, trusted root, e-signing period, agency code) is written only when the token
is new or the value is missing, so a setting changed in the demo by hand stays otherwise. The
agency's letter comes once, into a database that has none from that agency yet.
Each part prints one `SNN-DEMO <part>: <result>` line, which devenv checks and shows.
"""

import base64
import json
import os
import pathlib

env = globals()["env"]  # given by `odoo shell`
SETTINGS = json.loads(os.environ["SNN_DEMO_SETTINGS"])


def put_secret(company, name, source):
    """A copy of a service's secret file in the company's secrets directory, 0600."""
    root = pathlib.Path(SETTINGS["secrets_dir"])
    root.mkdir(mode=0o700, exist_ok=True)
    folder = root / str(company.id)
    folder.mkdir(mode=0o700, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    with os.fdopen(os.open(folder / name, flags, 0o600), "wb") as target:
        target.write(pathlib.Path(source).read_bytes())


def configure_signing(data, info):
    """The demo company's seal and the director's key on the demo bridge."""
    if "snn.sign.bridge" not in env:
        return "snn_signing is not installed; not configured"
    company = env.ref(data["company"])
    director = env.ref(data["director"])
    put_secret(company, "bridge.secret", info["secret_file"])
    ca_pem = pathlib.Path(info["ca_cert"]).read_text()
    bridges = env["snn.sign.bridge"].with_context(active_test=False)
    domain = [("name", "=", data["bridge_name"]), ("company_id", "=", company.id)]
    bridge = bridges.search(domain, limit=1)
    connection = {
        "url": info["url"],
        "client_name": info["client_name"],
        "secret_file": "bridge.secret",
        "active": True,
    }
    # A new token: its CA is not among the company's trusted roots yet.
    new_token = not bridge or ca_pem.strip() not in (company.snn_trust_roots or "")
    changed = {k: v for k, v in connection.items() if not bridge or bridge[k] != v}
    if bridge:
        bridge.write(changed)
    else:
        name = data["bridge_name"]
        bridge = bridges.create({"name": name, "company_id": company.id, **connection})
    # The demo CA's time-stamping authority (the bridge's process serves it): B-LTA files.
    tsa = {"snn_tsa_url": info["tsa_url"]} if info.get("tsa_url") else {}
    if tsa and company.snn_tsa_url != tsa["snn_tsa_url"]:
        company.write(tsa)
        changed["snn_tsa_url"] = tsa["snn_tsa_url"]
    if new_token:
        seal = pathlib.Path(info["seal_png"]).read_bytes()
        signature = pathlib.Path(info["signature_png"]).read_bytes()
        company.write(
            {
                **data["company_values"],
                "snn_seal_bridge_id": bridge.id,
                "snn_seal_image": base64.b64encode(seal),
                "snn_trust_roots": ca_pem,
            }
        )
        director.write(
            {
                **data["director_values"],
                "snn_sign_bridge_id": bridge.id,
                "snn_signature_image": base64.b64encode(signature),
            }
        )
    remote = configure_remote_signing(company, director, info)
    remote += configure_pc_tokens(company, director, info, ca_pem)
    env.cr.commit()
    if new_token:
        return "keys, images, trusted root and e-signing period set" + remote
    return "bridge URL updated" if changed else "already configured"


def configure_remote_signing(company, director, info):
    """The demo's remote-signing service (CSC), the director's credential and the seal's
    there, their access tokens in the secrets directory. The signing modes are left as they
    are: a manager switches them to try remote signing (README, "Demo users")."""
    if not info.get("csc_url"):
        return ""
    put_secret(company, "director.csc-token", info["csc_token_file"])
    services = env["snn.csc.service"].with_context(active_test=False)
    name = "Ký số từ xa (demo)"
    service = services.search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
    values = {"service_url": info["csc_url"], "active": True}
    if service:
        service.write(values)
    else:
        service = services.create({"name": name, "company_id": company.id, **values})
    director.write(
        {
            "snn_csc_service_id": service.id,
            "snn_csc_credential": info["csc_credential"],
            "snn_csc_token_file": "director.csc-token",
        }
    )
    if info.get("csc_seal_credential"):
        put_secret(company, "seal.csc-token", info["csc_seal_token_file"])
        company.write(
            {
                "snn_csc_service_id": service.id,
                "snn_csc_credential": info["csc_seal_credential"],
                "snn_csc_token_file": "seal.csc-token",
            }
        )
    return "; remote signing service ready"


def configure_pc_tokens(company, director, info, ca_pem):
    """The demo token as the token of an official's PC: Odoo's request key in the secrets
    directory, the seal's and the director's key labels and certificates. The signing modes
    are left as they are: a manager switches them to try it (README, "Demo users")."""
    if not info.get("pc_request_key") or "snn_local_request_key_file" not in company:
        return ""
    put_secret(company, "odoo-request-key.pem", info["pc_request_key"])
    read = lambda path: pathlib.Path(path).read_text()  # noqa: E731
    company.write(
        {
            "snn_local_request_key_file": "odoo-request-key.pem",
            "snn_seal_local_key": "seal",
            "snn_seal_local_certificate": read(info["seal_cert"]) + ca_pem,
        }
    )
    director.write(
        {
            "snn_local_key": "signer",
            "snn_local_certificate": read(info["signer_cert"]) + ca_pem,
        }
    )
    return "; tokens on the PCs ready"


def configure_dispatch(data, info):
    """The demo company on the exchange's stand-in, with an agency code when it has none."""
    if "snn.delivery" not in env:
        return "snn_dispatch is not installed; not configured"
    if info is None:
        return "no exchange stand-in; the exchange is not configured"
    company = env.ref(data["company"])
    put_secret(company, "exchange.secret", info["secret_file"])
    values = {
        "snn_exchange_url": info["url"],
        "snn_exchange_system_id": info["system_id"],
        "snn_exchange_secret_file": "exchange.secret",
    }
    values = {k: v for k, v in values.items() if company[k] != v}
    if not company.snn_organ_id:
        values["snn_organ_id"] = data["organ_id"]
    if values:
        company.write(values)
    env.cr.commit()
    done = "exchange settings written" if values else "already configured"
    if company.snn_organ_id != data["organ_id"]:  # the stand-in binds the demo system to it
        done += (
            f"; WARNING: the stand-in lets this system speak for {data['organ_id']} only: "
            "sending and receiving are refused until the agency code is that again"
        )
    return f"{done} (agency code {company.snn_organ_id}, exchange {company.snn_exchange_url})"


def configure_incoming(data, bridge, exchange):
    """A letter of the Department of Finance, signed with certificates of the demo CA (trusted
    by the demo company), put into the demo company's mailbox on the stand-in as the
    Department's system would post it, and brought in by one run of the scheduled action
    snn_incoming runs every 5 minutes: the clerk finds it in Incoming Documents."""
    if "snn.incoming.document" not in env:
        return "snn_incoming is not installed; nothing received"
    if exchange is None:
        return "no exchange stand-in; nothing received"
    from snn_sign_testkit import demo_incoming  # noqa: PLC0415 - the demo's letter

    company = env.ref(data["company"])
    incoming = env["snn.incoming.document"]
    domain = [
        ("company_id", "=", company.id),
        ("source", "=", "exchange"),
        ("sender_organ_id", "=", demo_incoming.AGENCY_ORGAN_ID),
    ]
    done = "already received"
    if not incoming.search_count(domain):
        ca_cert = pathlib.Path(bridge["ca_cert"])  # the demo PKI's CA; its key beside it
        pdf = demo_incoming.signed_agency_letter(
            ca_cert.read_bytes(), ca_cert.with_name("ca_key.pem").read_bytes()
        )
        to = (company.snn_organ_id, company.snn_org_full_name or company.name)
        message = demo_incoming.agency_message(pdf, to=to)
        answer = demo_incoming.deliver(exchange, message, as_system_id=data["sender_system_id"])
        incoming._cron_receive()  # commits, acknowledges, sends status 01 back
        env.cr.commit()
        if not incoming.search_count(domain):
            raise RuntimeError(f"the agency's letter was not received; the stand-in said {answer}")
        done = "a letter of the Department of Finance delivered through the stand-in, received"
    letter = incoming.search(domain, order="id", limit=1)
    return (
        f"{done} ({letter.code}, {letter.state}, signature {letter.signature_state}, "
        f"{len(letter.activity_ids)} to-do(s) for the clerks)"
    )


print("SNN-DEMO signing: " + configure_signing(SETTINGS["signing"], SETTINGS["bridge"]))
print("SNN-DEMO dispatch: " + configure_dispatch(SETTINGS["dispatch"], SETTINGS["exchange"]))
print(
    "SNN-DEMO incoming: "
    + configure_incoming(SETTINGS["incoming"], SETTINGS["bridge"], SETTINGS["exchange"])
)
