"""A real token bridge on a real SoftHSM2 token for the Odoo tests, and a company set up to sign.

One demo PKI per test process; one bridge subprocess per test class.
"""

import atexit
import base64
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.tools import config

from odoo.addons.snn_docflow.tests.common import DocflowCase
from odoo.addons.snn_signing.models.secret_file import OPTION

from snn_sign import verify_pdf
from snn_sign_testkit.demo_bridge import start_bridge
from snn_sign_testkit.pki import create_demo_pki

_PKI = {}


def demo_pki():
    """One demo PKI (CA, director's and seal's keys on a SoftHSM2 token) per test process."""
    if "pki" not in _PKI:
        workdir = Path(tempfile.mkdtemp(prefix="snn-signing-test-"))
        _PKI["pki"] = create_demo_pki(workdir / "pki", pin=f"P-{secrets.token_hex(6)}")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    return _PKI["pki"]


BRIDGE_SECRET = "bridge.secret"


def use_secrets_dir(test_class, workdir=None):
    """The server's secrets directory (option snn_secrets_dir) is ``workdir/secrets`` (by
    default in a temporary directory of the class) while the class runs: set in Odoo's
    runtime options, which come before the config file's."""
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="snn-secrets-"))
        test_class.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
    test_class.secrets_dir = workdir / "secrets"
    test_class.secrets_dir.mkdir(mode=0o700)
    test_class.enterClassContext(
        patch.dict(config.options.maps[0], {OPTION: str(test_class.secrets_dir)})
    )


def put_secret(secrets_dir, company, name, source):
    """Copy the secret file ``source`` to ``name`` in ``company``'s directory (0600)."""
    folder = secrets_dir / str(company.id)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / name
    target.write_bytes(Path(source).read_bytes())
    target.chmod(0o600)
    return target


def start_director_csc(test_class, company, pki, *, pin, otp=False, more=()):
    """The test kit's remote-signing service (CSC) with the director's key ("director-key",
    user "director") and ``more`` credentials, stopped with the class; the director's access
    token in ``company``'s secrets directory as director.csc-token; the service record.
    Returns (running service, snn.csc.service)."""
    from snn_sign_testkit.csc_process import start_csc_service  # noqa: PLC0415

    workdir = Path(tempfile.mkdtemp(prefix="snn-csc-"))
    test_class.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
    director = {
        "id": "director-key",
        "user": "director",
        "key_label": pki.signer_label,
        "certificates": [pki.signer_cert, pki.ca_cert],
        "pin": pin,
    }
    if otp:
        director["otp"] = True
    running = start_csc_service(workdir, pki, [director, *more])
    test_class.addClassCleanup(running.stop)
    token = workdir / "director-token"
    token.write_text(running.tokens["director"])
    put_secret(test_class.secrets_dir, company, "director.csc-token", token)
    service = company.env["snn.csc.service"].create(
        {"name": "Remote signing (test)", "service_url": running.url}
    )
    return running, service


def start_demo_bridge(test_class):
    """A bridge subprocess on the demo token for one test class, stopped with the class
    (Odoo's test runner terminates child processes left at the end of each class); a secrets
    directory for the class, holding the bridge's secret for the class's company when it has
    an environment (a committed test puts it for its own company with put_secret)."""
    workdir = Path(tempfile.mkdtemp(prefix="snn-signing-bridge-"))
    running = start_bridge(workdir, demo_pki())
    test_class.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
    test_class.addClassCleanup(running.stop)
    use_secrets_dir(test_class, workdir)
    if getattr(test_class, "env", None):
        company = test_class.env.company
        put_secret(test_class.secrets_dir, company, BRIDGE_SECRET, running.secret_file)
    return running


def bridge_values(running):
    """snn.sign.bridge values for a running bridge (its secret put by start_demo_bridge)."""
    return {
        "name": "Token bridge (test)",
        "url": running.url,
        "client_name": running.client_name,
        "secret_file": BRIDGE_SECRET,
    }


def company_signing_values(bridge, pki):
    """The seal, the trusted root and e-signing mandatory since 15/04/2019 (as in the seed)."""
    return {
        "snn_org_full_name": pki.org_name,
        "snn_seal_bridge_id": bridge.id,
        "snn_seal_key": pki.seal_label,
        "snn_seal_image": base64.b64encode(pki.seal_png.read_bytes()),
        "snn_trust_roots": pki.ca_cert.read_text(),
        "snn_esign_trial_date": "2019-03-01",
        "snn_esign_mandatory_date": "2019-04-15",
    }


def director_signing_values(bridge, pki):
    return {
        "snn_sign_bridge_id": bridge.id,
        "snn_sign_key": pki.signer_label,
        "snn_signature_image": base64.b64encode(pki.signature_png.read_bytes()),
    }


def approved_letter(env, users, director, subject, tag, file_name="letter.pdf"):
    """A letter approved by ``director``: drafted by ``users["drafter"]`` in a unit of its own
    headed by ``users["head"]`` (who forwards it), numbered in a register of its own (so its
    number is 01), all named after ``tag``; for the browser tests that start from it."""
    from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

    head = env["hr.employee"].create({"name": f"{tag} head", "user_id": users["head"].id})
    unit = env["hr.department"].create(
        {"name": "Văn phòng", "snn_code": "VP", "manager_id": head.id}
    )
    register = env["snn.register"].create({"name": f"Sổ đi ({tag})"})
    letter = env["snn.document.type"].create(
        {"name": f"Công văn ({tag})", "register_id": register.id}
    )
    document = (
        env["snn.document"]
        .with_user(users["drafter"])
        .create(
            {
                "subject": subject,
                "document_type_id": letter.id,
                "department_id": unit.id,
                "signer_id": director.id,
                "file": base64.b64encode(make_letter_pdf() + secrets.token_hex(4).encode()),
                "file_name": file_name,
                "recipient_ids": [Command.create({"partner_id": env.company.partner_id.id})],
            }
        )
    )
    document.with_user(users["drafter"]).action_submit()
    document.with_user(users["head"]).action_forward()
    document.with_user(director).action_approve()
    return document


def appendices(pdf, numbered=((1, "I"), (2, "II"))):
    """Commands creating an attachment "Phụ lục <number>" per (sequence, number), each its own
    copy of ``pdf``."""
    return [
        Command.create(
            {
                "name": f"Phụ lục {number}",
                "file": base64.b64encode(pdf + f"%{number}\n".encode()),
                "file_name": f"phu-luc-{sequence}.pdf",
                "sequence": sequence,
            }
        )
        for sequence, number in numbered
    ]


def pdfsig(pdf):
    """poppler's pdfsig (NSS inside, no code shared with pyHanko): its report and exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signed.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [shutil.which("pdfsig"), "-nocert", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    return result.stdout, result.returncode


class SigningCase(DocflowCase):
    """DocflowCase's organisation, with a token bridge, the director's key, the seal, the
    trusted root and e-signing mandatory since 15/04/2019 (as in the seed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.running = start_demo_bridge(cls)
        pki = cls.running.pki
        cls.bridge = cls.env["snn.sign.bridge"].create(bridge_values(cls.running))
        cls.company.write(company_signing_values(cls.bridge, pki))
        cls.director.write(director_signing_values(cls.bridge, pki))
        cls.letter_pdf = cls._letter()

    @classmethod
    def _letter(cls):
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        return make_letter_pdf()

    def assert_issued_and_valid(self, document):
        """Issued; its file the stamped one with both signatures, valid for pyHanko and for
        poppler's pdfsig; its trail intact. Returns the signed file."""
        self.assertEqual(document.state, "issued")
        signed = base64.b64decode(document.signed_file)
        self.assertTrue(signed.startswith(base64.b64decode(document.stamped_file)))
        report = verify_pdf(signed, [self.running.pki.ca_cert.read_bytes()])
        self.assertTrue(report.ok, report.to_dict())
        output, status = pdfsig(signed)
        self.assertEqual(status, 0, output)
        self.assertEqual(output.count("Signature is Valid."), 2, output)
        self.assertTrue(document.trail_intact, document._trail_problems())
        return signed

    def make_letter(self, **values):
        """A draft carrying the seed's letter (blank number and date lines to stamp)."""
        return self.make_draft(
            file=base64.b64encode(self.letter_pdf + f"%{secrets.token_hex(4)}\n".encode()),
            file_name="218-SNN-VP.pdf",
            **values,
        )
