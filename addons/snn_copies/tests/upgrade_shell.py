"""Fed to ``odoo shell`` by test_upgrade.py, under the previous release's code and then under
the current one: ``fill`` walks two organisations through the steps, ``state`` writes what a
user checks after an upgrade as JSON. Not imported by the module's tests.

It uses only what both releases have (the steps' public methods, stored fields), so the same
lines read the database before and after ``-u``; a method renamed since the previous release
is a break in this contract, and the test says so. Settings come as JSON in
$SNN_UPGRADE_SETTINGS: the mode, the tag that names the organisations, the token bridge and
the demo PKI's files (the bridge runs in the test's process, as a server's bridge runs beside
Odoo), and where the state goes.
"""

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path

from odoo import Command
from odoo.tests.common import new_test_user

env = globals()["env"]  # given by `odoo shell`: superuser
SETTINGS = json.loads(os.environ["SNN_UPGRADE_SETTINGS"])
TAG = SETTINGS["tag"]
SIGNING = SETTINGS.get("signing", {})


def user(company, login, group, name=None):
    return new_test_user(
        env,
        f"{login}_{TAG}",
        f"snn_docflow.group_{group}",
        name=name or f"{login} {TAG}",
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
    )


def organisation(name, code, organ_id):
    """A company with its people, a unit with its head, registers and a letter type."""
    company = env["res.company"].create(
        {"name": f"{name} {TAG}", "snn_org_code": code, "snn_organ_id": organ_id}
    )
    people = {
        role: user(company, f"{role}_{code}", group)
        for role, group in (
            ("drafter", "drafter"),
            ("head", "head"),
            ("clerk", "clerk"),
            ("manager", "manager"),
        )
    }
    people["director"] = user(
        company, f"director_{code}", "director", SIGNING.get("signer_name")
    )  # as its certificate names him
    head = env["hr.employee"].create(
        {"name": people["head"].name, "user_id": people["head"].id, "company_id": company.id}
    )
    unit = env["hr.department"].create(
        {"name": "Văn phòng", "snn_code": "VP", "company_id": company.id, "manager_id": head.id}
    )
    other_unit = env["hr.department"].create(
        {"name": "Phòng Kế hoạch - Tài chính", "snn_code": "KHTC", "company_id": company.id}
    )
    register = env["snn.register"].create({"name": "Sổ văn bản đi", "company_id": company.id})
    env["snn.register"].create(
        {"name": "Sổ văn bản mật", "company_id": company.id, "confidential": True}
    )
    letter = env["snn.document.type"].create(
        {"name": "Công văn", "company_id": company.id, "register_id": register.id}
    )
    return company, people, unit, other_unit, letter


def sign_with_bridge(company, director):
    """The seal and the director's key on the bridge, the demo CA trusted, e-signing
    mandatory since 15/04/2019 (as the seed)."""
    folder = Path(SIGNING["secrets_dir"]) / str(company.id)
    folder.mkdir(mode=0o700, exist_ok=True)
    secret = folder / "bridge.secret"
    secret.write_bytes(Path(SIGNING["secret_file"]).read_bytes())
    secret.chmod(0o600)
    bridge = env["snn.sign.bridge"].create(
        {
            "name": "Token bridge",
            "url": SIGNING["url"],
            "client_name": SIGNING["client_name"],
            "secret_file": "bridge.secret",
            "company_id": company.id,
        }
    )
    company.write(
        {
            "snn_org_full_name": SIGNING["org_name"],
            "snn_seal_bridge_id": bridge.id,
            "snn_seal_key": SIGNING["seal_label"],
            "snn_seal_image": base64.b64encode(Path(SIGNING["seal_png"]).read_bytes()),
            "snn_trust_roots": Path(SIGNING["ca_cert"]).read_text(),
            "snn_esign_trial_date": "2019-03-01",
            "snn_esign_mandatory_date": "2019-04-15",
        }
    )
    director.write(
        {
            "snn_sign_bridge_id": bridge.id,
            "snn_sign_key": SIGNING["signer_label"],
            "snn_signature_image": base64.b64encode(Path(SIGNING["signature_png"]).read_bytes()),
        }
    )


def fill():
    """Two organisations of one database. The first signs through the bridge and has: letters
    issued and e-signed (one to its own unit, to the second organisation and to an agency by
    e-mail; one recalled), a draft returned by the head, a document approved and waiting for
    its number, a secret one issued on paper with paper copies recorded, paper originals
    printed, an electronic sao y sealed. The second registers what it received."""
    from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

    company, people, unit, other_unit, letter = organisation(
        "Sở Nông nghiệp", "SNN", "000.00.11.H53"
    )
    sign_with_bridge(company, people["director"])
    company_b, people_b, *_ = organisation("Sở Xây dựng", "SXD", "000.00.13.H53")
    company_b.snn_trust_roots = Path(SIGNING["ca_cert"]).read_text()  # the same province's CA
    agency = env["res.partner"].create(
        {"name": f"Báo Tuyên Quang {TAG}", "email": f"toasoan-{TAG}@example.com"}
    )

    def draft(subject, recipients, **values):
        lines = [
            Command.create(
                {"department_id": r.id} if r._name == "hr.department" else {"partner_id": r.id}
            )
            for r in recipients
        ]
        return (
            env["snn.document"]
            .with_user(people["drafter"])
            .with_company(company)
            .create(
                {
                    "subject": subject,
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "signer_id": people["director"].id,
                    "file": base64.b64encode(make_letter_pdf() + uuid.uuid4().hex.encode()),
                    "file_name": "letter.pdf",
                    "recipient_ids": lines,
                    **values,
                }
            )
        )

    def walk(document, until="issued"):
        document.with_user(people["drafter"]).action_submit()
        document.with_user(people["head"]).action_forward()
        document.with_user(people["director"]).action_approve()
        if until == "issued":
            document.with_user(people["clerk"]).action_issue()
        return document

    sent = walk(
        draft(
            "Về việc triển khai chữ ký số chuyên dùng",
            [other_unit, company_b.partner_id, agency],
        )
    )
    recalled = walk(draft("Về việc báo cáo định kỳ quý III", [other_unit]))
    returned = draft("Về việc kiểm tra công tác phòng, chống thiên tai", [other_unit])
    returned.with_user(people["drafter"]).action_submit()
    returned.with_user(people["head"]).action_return("Sửa lại phần căn cứ")
    walk(draft("Về việc đề nghị thẩm định dự toán", [other_unit]), until="approved")
    secret = walk(draft("Về việc bảo vệ bí mật nhà nước", [other_unit], confidentiality="secret"))
    env["snn.delivery"]._cron_dispatch(commit=False)
    recalled.with_user(people["clerk"]).action_recall("Sai thể thức, sẽ ban hành văn bản khác")
    sent.with_user(people["clerk"]).action_print_paper(2, "Văn phòng")
    sent.with_user(people["clerk"]).action_make_copy("sao_y")
    secret.with_user(people["clerk"]).action_make_paper_copy(
        "sao_y", 2, people["director"].id, "Gửi Thanh tra tỉnh"
    )
    received = env["snn.incoming.document"].search([("company_id", "=", company_b.id)])
    received.with_user(people_b["clerk"]).action_register()
    env.cr.commit()


def file_sha(record, field="file"):
    data = record.with_context(bin_size=False)[field]
    return hashlib.sha256(base64.b64decode(data)).hexdigest() if data else None


def state():
    """Per organisation of the fill: documents, incoming documents, copies, as comparable
    values; the signatures and the incoming verdicts checked again first (Verify Again)."""
    companies = env["res.company"].search([("name", "like", f"% {TAG}")], order="id")
    documents = env["snn.document"].search([("company_id", "in", companies.ids)], order="id")
    incoming = env["snn.incoming.document"].search(
        [("company_id", "in", companies.ids)], order="id"
    )
    documents.filtered("signature_ids").action_verify_signatures()
    incoming.action_verify_again()
    return {
        "documents": [
            {
                "subject": d.subject,
                "state": d.state,
                "code": d.code,
                "number": d.number,
                "year": d.number_year,
                "register": d.register_id.name,
                "file": file_sha(d),
                "signed_sha256": d.signed_sha256 or None,
                "signed_file": file_sha(d, "signed_file"),
                "trail": [
                    (row.action, row.user_id.login, row.hash, row.file_sha256 or None)
                    for row in d.approval_ids.sorted("id")
                ],
                "trail_head": d.trail_head_hash or None,
                "trail_problems": d._trail_problems(),
                "signatures": [
                    (s.kind, s.valid, s.reasons or None) for s in d.signature_ids.sorted("sequence")
                ],
                "versions": [(v.sequence, v.sha256) for v in d.version_ids.sorted("sequence")],
                "deliveries": sorted(
                    (x.recipient_name, x.channel, x.state) for x in d.delivery_ids
                ),
                "paper_copies": d.paper_copies,
                "file_copy_holder": d.file_copy_holder or None,
                "copies": [(c.code, c.sha256, file_sha(c)) for c in d.copy_ids.sorted("id")],
                "secret_copies": [
                    (c.number, c.form, c.copies, c.reason) for c in d.secret_copy_ids
                ],
            }
            for d in documents
        ],
        "incoming": [
            {
                "company": i.company_id.snn_org_code,
                "state": i.state,
                "subject": i.subject,
                "code": i.code or None,
                "number": i.incoming_number or None,
                "signature_state": i.signature_state,
                "file": file_sha(i),
            }
            for i in incoming
        ],
    }


if SETTINGS["mode"] == "fill":
    fill()
Path(SETTINGS["state_file"]).write_text(json.dumps(state(), ensure_ascii=False, indent=1))
env.cr.rollback()  # Verify Again wrote its verdicts; the state is read, not kept
