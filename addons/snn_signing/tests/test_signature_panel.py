"""What the signature panel says, in plain words and the reader's language, for a signature
that is valid, not trusted, altered or changed after signing, and for a record made before the
signer's name was stored. The reports come from the real verifier on a really signed letter."""

import base64
import re

from odoo.tests import tagged

from snn_sign import verify_pdf
from snn_sign.vntime import to_vn

from .common import SigningCase

CA_NAME = "SNN Demo CA (thử nghiệm, không dùng thật)"


@tagged("post_install", "-at_install")
class TestSignaturePanelTexts(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        modules = cls.env["ir.module.module"].search([("name", "=like", "snn_%")])
        modules._load_module_terms(modules.mapped("name"), ["vi_VN"], overwrite=True)

    def setUp(self):
        super().setUp()
        self.document = self.walk(self.make_letter(), "approved")
        self.document.with_user(self.clerk).action_issue()
        self.signed = base64.b64decode(self.document.signed_file)
        self.pki = self.running.pki

    def _records(self, pdf, roots):
        """Signature records of ``pdf`` as the issue step writes them, on a fresh document."""
        document = self.walk(self.make_letter(), "approved")
        report = verify_pdf(pdf, roots)
        commands = document._signature_records(report, document._signed_keys())
        return (
            self.env["snn.signature"]
            .sudo()
            .create([{**values, "document_id": document.id} for _c, _id, values in commands])
        )

    def _vi(self, signature):
        return signature.with_context(lang="vi_VN")

    def test_a_valid_signature_reads_as_adobe_reader_says_it_in_vietnamese(self):
        personal, seal = (self._vi(s) for s in self.document.signature_ids.sorted("sequence"))
        local = to_vn(personal.signed_at)
        when = f"lúc {local:%H:%M} ngày {local:%d/%m/%Y}"
        self.assertEqual(local.isoformat(), personal.signing_time)
        self.assertEqual(
            personal.signed_by,
            f"Ký bởi {self.pki.signer_name} ({self.pki.org_name}), {when}",
        )
        self.assertEqual(seal.signed_by, f"Ký bởi {self.pki.org_name}, {when}")
        self.assertEqual(personal.status, "valid")
        self.assertEqual(
            personal.verdict_text,
            "Chữ ký hợp lệ: văn bản không bị sửa sau khi ký; "
            f"chứng thư do {CA_NAME} cấp, được tin cậy.",
        )
        self.assertIn("Chưa kiểm tra tình trạng thu hồi chứng thư", personal.revocation_text)
        self.assertFalse(personal.reasons_text)
        self.assertRegex(
            personal.verified_text, r"^Đã kiểm tra lúc \d\d:\d\d ngày \d\d/\d\d/20\d\d$"
        )
        # the signer's signature is followed by the seal: a change a signature allows
        self.assertIn("chỉ thêm chữ ký khác", personal.modification_text)
        # and in English for an English-speaking user
        english = personal.with_context(lang="en_US")
        self.assertTrue(english.signed_by.startswith(f"Signed by {self.pki.signer_name} ("))
        self.assertTrue(english.verdict_text.startswith("Valid signature: the document has"))

    def test_an_untrusted_certificate_is_said_plainly(self):
        records = self._vi(self._records(self.signed, []))
        self.assertEqual(records.mapped("status"), ["warning", "warning"])
        self.assertEqual(
            records[0].verdict_text,
            "Chữ ký chưa được tin cậy: văn bản không bị sửa sau khi ký, nhưng chứng thư do "
            f"{CA_NAME} cấp, không thuộc các tổ chức cấp chứng thư được tin cậy.",
        )
        # the verifier's reason in Vietnamese only; both languages kept for the details
        self.assertIn("Chứng thư số không dẫn tới CA tin cậy", records[0].reasons_text)
        self.assertNotIn("The certificate", records[0].reasons_text)
        self.assertIn("The certificate does not chain", records[0].reasons)
        self.assertEqual(
            records[0].with_context(lang="en_US").reasons_text.split(" (")[0],
            "The certificate does not chain to a trusted CA",
        )

    def test_an_altered_document_is_said_plainly(self):
        match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", self.signed)
        start, length = int(match.group(1)), int(match.group(2))
        content = self.signed.index(b"stream", start + 2000) + 40
        self.assertLess(content, start + length)
        altered = bytearray(self.signed)
        altered[content] ^= 0x01
        records = self._vi(self._records(bytes(altered), [self.pki.ca_cert.read_bytes()]))
        self.assertEqual(records.mapped("status"), ["broken", "broken"])
        self.assertEqual(
            records[0].verdict_text,
            "Chữ ký không hợp lệ: văn bản đã bị sửa sau khi ký; "
            "nội dung hiện tại không phải nội dung đã được ký.",
        )
        self.assertFalse(records[0].revocation_text, "nothing else to check on a broken one")
        self.assertIn("Nội dung đã bị thay đổi sau khi ký", records[0].reasons_text)
        self.assertNotIn(" / ", records[0].reasons_text)

    def test_a_stored_file_changed_after_signing_is_said_plainly(self):
        signatures = self.document.signature_ids
        signatures.sudo().write({"valid": False, "reasons": "The stored file was changed."})
        personal = self._vi(signatures.sorted("sequence")[0])
        self.assertEqual(personal.status, "broken")
        self.assertTrue(
            personal.verdict_text.startswith(
                "Chữ ký không hợp lệ: tệp đã bị thay đổi sau khi ký theo cách không được phép"
            ),
            personal.verdict_text,
        )
        self.assertEqual(personal.reasons_text, "The stored file was changed.")

    def test_a_record_made_before_the_names_were_stored_still_reads(self):
        old = self.document.signature_ids.sorted("sequence")[0]
        old.sudo().write(
            {"signer_name": False, "signer_org": False, "issuer_name": False, "signed_at": False}
        )
        old = self._vi(old)
        self.assertIn("Common Name: ", old.subject)
        local = to_vn(self.env["snn.signature"]._utc_from_iso(old.signing_time))
        self.assertEqual(
            old.signed_by,
            f"Ký bởi {self.pki.signer_name} ({self.pki.org_name}), "
            f"lúc {local:%H:%M} ngày {local:%d/%m/%Y}",
        )
        self.assertIn(f"chứng thư do {CA_NAME} cấp", old.verdict_text)
        # a subject that is not in that form is shown as it is
        odd = (
            self.env["snn.signature"]
            .sudo()
            .create(
                {
                    "document_id": self.document.id,
                    "kind": "attachment",
                    "subject": "CN=Trần Văn Soạn",
                    "intact": True,
                    "trusted": True,
                    "valid": True,
                    "modification_level": "NONE",
                }
            )
        )
        self.assertEqual(self._vi(odd).signed_by, "Ký bởi CN=Trần Văn Soạn, không ghi thời gian ký")
