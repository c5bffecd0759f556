import base64
import hashlib

from odoo.exceptions import UserError
from odoo.tests import tagged

from snn_sign import verify_pdf

from .common import SigningCase, pdfsig


@tagged("post_install", "-at_install")
class TestIssueAndSign(SigningCase):
    def test_the_clerk_issues_a_signed_verified_document(self):
        document = self.walk(self.make_letter(), "approved")
        approved = base64.b64decode(document.file)
        document.with_user(self.clerk).action_issue()

        self.assertEqual(document.state, "issued")
        self.assertTrue(document.esign)
        self.assertEqual(document.code, "01/SNN-VP")
        self.assertEqual(document.signed_file_name, "01-SNN-VP.pdf")
        signed = base64.b64decode(document.signed_file)
        stamped = base64.b64decode(document.stamped_file)
        self.assertTrue(signed.startswith(stamped) and stamped.startswith(approved))
        self.assertEqual(document.signed_sha256, hashlib.sha256(signed).hexdigest())
        self.assertEqual(document.stamped_sha256, hashlib.sha256(stamped).hexdigest())

        report = verify_pdf(signed, [self.running.pki.ca_cert.read_bytes()])
        self.assertTrue(report.ok, report.to_dict())
        output, code = pdfsig(signed)
        self.assertEqual(code, 0, output)
        self.assertEqual(output.count("Signature is Valid."), 2, output)

        personal, seal = document.signature_ids.sorted("sequence")
        self.assertEqual((personal.kind, seal.kind), ("personal", "organization"))
        self.assertIn("Nguyễn Công Hàm", personal.subject)
        self.assertEqual(personal.key_label, "signer")
        self.assertTrue(all(document.signature_ids.mapped("valid")))
        self.assertFalse(any(document.signature_ids.mapped("revocation_checked")))
        self.assertIn("not checked", personal.verdict)
        # The digital signing date is the issue date printed on the document (Vietnam time).
        self.assertTrue(personal.signing_time.startswith(document.issue_date.isoformat()))
        self.assertTrue(personal.signing_time.endswith("+07:00"))

        issue_row = document.approval_ids.filtered(lambda r: r.action == "issue")
        self.assertEqual(issue_row.file_sha256, document.signed_sha256)
        self.assertEqual(  # the trail says where each key was
            issue_row.comment,
            "Signer's signature: token bridge of the server (key “signer”); "
            "Seal: token bridge of the server (key “seal”)",
        )
        self.assertEqual(len(document.anchor_ids), 1)
        self.assertEqual(document.anchor_ids.head_hash, issue_row.hash)
        self.assertTrue(document.trail_intact, document._trail_problems())
        # As the web client reads the form (binary fields as sizes): still checked on bytes.
        self.env.invalidate_all()
        self.assertTrue(document.with_context(bin_size=True).trail_intact)
        document.with_context(bin_size=True).action_verify_signatures()
        self.assertTrue(all(document.signature_ids.mapped("valid")))

    def test_verify_again_reports_a_changed_stored_file(self):
        document = self.walk(self.make_letter(), "issued")
        document.with_user(self.drafter).action_verify_signatures()
        self.assertTrue(all(document.signature_ids.mapped("valid")))
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "snn.document"),
                ("res_id", "=", document.id),
                ("res_field", "=", "signed_file"),
            ]
        )
        signed = base64.b64decode(document.signed_file)
        with open(attachment._full_path(attachment.store_fname), "wb") as stored:
            at = signed.index(b"stream") + 40  # a byte of page content both signatures cover
            stored.write(signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :])
        self.env.invalidate_all()
        document.with_user(self.drafter).action_verify_signatures()
        self.assertFalse(any(document.signature_ids.mapped("valid")))

    def test_signed_files_are_frozen(self):
        document = self.walk(self.make_letter(), "issued")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "snn.document"),
                ("res_id", "=", document.id),
                ("res_field", "=", "signed_file"),
            ]
        )
        with self.assertRaises(UserError):
            attachment.write({"datas": base64.b64encode(b"%PDF-1.4 forged")})
        for user in (self.clerk, self.manager):
            with self.assertRaises(UserError):
                document.with_user(user).write({"signed_file": base64.b64encode(b"forged")})
            with self.assertRaises(UserError):
                document.with_user(user).write({"esign": False})

    def test_a_rewritten_trail_is_caught_by_the_signed_head(self):
        document = self.walk(self.make_letter(), "issued")
        # A database owner rewrites every row consistently (hashes recomputed) and the head.
        rows = document.approval_ids.sorted("id")
        self.env.cr.execute("ALTER TABLE snn_approval DISABLE TRIGGER snn_approval_append_only")
        previous = False
        Approval = self.env["snn.approval"]
        for row in rows:
            content = row._content()
            if row.action == "approve":
                content = content.replace(str(self.director.id), str(self.manager.id), 1)
                self.env.cr.execute(
                    "UPDATE snn_approval SET user_id = %s WHERE id = %s", (self.manager.id, row.id)
                )
            new_hash = Approval._chain(previous, content)
            self.env.cr.execute(
                "UPDATE snn_approval SET previous_hash = %s, hash = %s WHERE id = %s",
                (previous or None, new_hash, row.id),
            )
            previous = new_hash
        self.env.cr.execute(
            "UPDATE snn_document SET trail_head_hash = %s WHERE id = %s", (previous, document.id)
        )
        self.env.invalidate_all()
        self.assertFalse(document.check_trail(), "the chain itself is consistent again")
        self.assertFalse(document.trail_intact)
        self.assertIn("rewritten", " ".join(document._trail_problems()))
