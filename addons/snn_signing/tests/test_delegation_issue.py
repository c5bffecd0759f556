"""A document the deputy approved while the director was away (ủy quyền) is signed with the
deputy's own key, and its signature block reads the delegation's authority line, the deputy's
position and his name, as a reader sees them (poppler's pdftotext)."""

import base64
import secrets
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from snn_sign_testkit import sample_letter
from snn_sign_testkit.demo_bridge import start_bridge
from snn_sign_testkit.demo_images import make_signature_png
from snn_sign_testkit.pdf_reading import field_box
from snn_sign_testkit.pki import issue_cert

from .common import SigningCase, demo_pki, put_secret

DEPUTY = "Đỗ Thị Phó"
AUTHORITY = "TUQ. GIÁM ĐỐC"
POSITION = "PHÓ GIÁM ĐỐC"


def text_around_field(pdf, field, *, above=45, below=25, half_width=110):
    """What pdftotext reads in the signature block around ``field``: its column, from the
    title lines above the field to the name line under it (PDF points)."""
    page, (x1, y1, x2, y2) = field_box(pdf, field)
    height = 841.89  # the sample letter is A4
    centre = (x1 + x2) / 2
    top = height - (y2 + above)  # pdftotext measures from the top of the page
    return subprocess.run(  # poppler's tool on a PDF the test made
        [
            shutil.which("pdftotext"),
            *("-f", str(page + 1), "-l", str(page + 1)),
            *("-x", str(int(centre - half_width)), "-y", str(int(top))),
            *("-W", str(2 * half_width), "-H", str(int(y2 - y1 + above + below))),
            "-",
            "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestIssueSignedByTheDeputy(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.deputy = new_test_user(env, "t_deputy", "snn_docflow.group_director", name=DEPUTY)
        env["hr.employee"].create(
            {"name": DEPUTY, "user_id": cls.deputy.id, "job_title": "Phó Giám đốc"}
        )
        # The deputy's own key on the token, beside the director's and the seal.
        pki = demo_pki()
        ca_cert, ca_key = pki.load_ca()
        certificate, key = issue_cert(ca_cert, ca_key, common_name=DEPUTY, org=pki.org_name)
        label = f"deputy-{secrets.token_hex(3)}"
        pki.import_key(label, secrets.token_bytes(4), certificate, key)
        workdir = Path(tempfile.mkdtemp(prefix="snn-deputy-"))
        keys = (("signer", "personal"), ("seal", "organization"), (label, "personal"))
        running = start_bridge(workdir, pki, keys=keys)
        cls.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
        cls.addClassCleanup(running.stop)
        put_secret(cls.secrets_dir, cls.company, "deputy.secret", running.secret_file)
        cls.bridge.write({"url": running.url, "secret_file": "deputy.secret"})
        cls.deputy_key = label
        cls.deputy.write(
            {
                "snn_sign_bridge_id": cls.bridge.id,
                "snn_sign_key": label,
                "snn_signature_image": base64.b64encode(make_signature_png(DEPUTY)),
            }
        )

    def test_the_deputy_signs_under_the_delegations_authority_line(self):
        # The drafter wrote the block for the deputy, as the delegation says he signs.
        with (
            patch.object(sample_letter, "SIGNER_TITLE", [AUTHORITY, POSITION]),
            patch.object(sample_letter, "SIGNER_NAME", DEPUTY),
        ):
            letter = sample_letter.make_letter_pdf()
        document = self.walk(
            self.make_draft(
                file=base64.b64encode(letter + f"%{secrets.token_hex(4)}\n".encode()),
                file_name="uy-quyen.pdf",
            ),
            "director_review",
        )
        today = vietnam_today()
        delegation = (
            self.env["snn.delegation"]
            .with_user(self.manager)
            .create(
                {
                    "delegator_id": self.director.id,
                    "delegate_id": self.deputy.id,
                    "date_from": today,
                    "date_to": today + timedelta(days=2),
                    "authority_line": AUTHORITY,
                }
            )
        )
        document.with_user(self.deputy).action_approve()
        self.assertEqual(
            (document.signer_id, document.signer_authority, document.signer_position),
            (self.deputy, AUTHORITY, POSITION),
        )
        self.assertEqual(document.delegation_id, delegation)

        document.with_user(self.clerk).action_issue()
        signed = self.assert_issued_and_valid(document)
        personal = document.signature_ids.filtered(lambda s: s.kind == "personal")
        self.assertIn(DEPUTY, personal.subject, "the deputy's own certificate signed")
        self.assertEqual(personal.key_label, self.deputy_key)
        block = " ".join(text_around_field(signed, "SignerSignature").split())
        self.assertIn(f"{AUTHORITY} {POSITION}", block)
        self.assertIn(DEPUTY, block)
        self.assertNotIn(self.director.name, block)
