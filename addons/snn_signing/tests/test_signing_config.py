import base64
import io

from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SigningCase


def png(colour, alpha=True):
    image = Image.new("RGBA" if alpha else "RGB", (40, 20), (0, 0, 0, 0) if alpha else "white")
    for x in range(5, 35):
        image.putpixel((x, 10), colour + ((255,) if alpha else ()))
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue())


@tagged("post_install", "-at_install")
class TestSigningConfiguration(SigningCase):
    def test_test_connection_lists_the_keys_with_their_certificates(self):
        action = self.bridge.with_user(self.manager).action_test_connection()
        message = action["params"]["message"]
        self.assertIn("signer", message)
        self.assertIn("seal", message)
        self.assertIn("Nguyễn Công Hàm", message)
        self.assertIn("serial", message)

    def test_bad_images_are_refused_with_a_clear_message(self):
        cases = {
            "red signature": (self.director, "snn_signature_image", png((200, 0, 0)), "blue"),
            "opaque signature": (
                self.director,
                "snn_signature_image",
                png((0, 0, 200), alpha=False),
                "transparent",
            ),
            "not a png": (
                self.director,
                "snn_signature_image",
                base64.b64encode(b"GIF89a..."),
                "PNG",
            ),
            "blue seal": (self.company, "snn_seal_image", png((0, 0, 200)), "red"),
        }
        for name, (record, field, value, says) in cases.items():
            with self.subTest(case=name), self.assertRaises(ValidationError) as caught:
                record.with_user(self.manager).write({field: value})
            self.assertIn(says, str(caught.exception))

    def test_a_key_that_does_not_fit_is_refused(self):
        cases = {
            "unknown key": ({"snn_sign_key": "nobody"}, "no key"),
            "someone else's certificate": ({"snn_sign_key": "seal"}, "not to"),
        }
        for name, (vals, says) in cases.items():
            with self.subTest(case=name), self.assertRaises(UserError) as caught:
                self.director.with_user(self.manager).write(vals)
            self.assertIn(says, str(caught.exception))
        bridge = self.bridge.copy({"url": "http://127.0.0.1:9"})
        with self.assertRaises(UserError) as caught:
            self.director.with_user(self.manager).write({"snn_sign_bridge_id": bridge.id})
        self.assertIn("Cannot reach", str(caught.exception))

    def test_the_manager_configures_signing_without_administering_users(self):
        self.director.with_user(self.manager).write({"snn_sign_key": "signer"})
        with self.assertRaises(AccessError):
            self.director.with_user(self.manager).write({"login": "taken_over"})
        with self.assertRaises(AccessError):
            self.director.with_user(self.clerk).write({"snn_sign_key": "signer"})

    def test_signing_setup_is_hidden_from_other_roles(self):
        for user in (self.drafter, self.director, self.clerk):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.director.with_user(user).read(["snn_signature_image"])
                with self.assertRaises(AccessError):
                    self.company.with_user(user).read(["snn_seal_key"])
        with self.assertRaises(AccessError):
            self.bridge.with_user(self.drafter).read(["url"])
        for user in (self.clerk, self.director):  # least privilege: the issue reads it as sudo
            with self.assertRaises(AccessError):
                self.bridge.with_user(user).read(["url", "secret_file"])
            with self.assertRaises(AccessError):
                self.bridge.with_user(user).action_test_connection()
        with self.assertRaises(AccessError):
            self.bridge.with_user(self.clerk).write({"url": "http://evil.example"})

    def test_the_secret_never_enters_the_database(self):
        secret = self.running.secret_file.read_text().strip()
        self.env.flush_all()
        self.env.cr.execute("SELECT to_jsonb(b)::text FROM snn_sign_bridge b")
        self.assertNotIn(secret, " ".join(row[0] for row in self.env.cr.fetchall()))

    def test_signatures_are_seen_as_their_document(self):
        document = self.walk(self.make_letter(), "issued")
        self.assertEqual(len(document.signature_ids), 2)
        Signature = self.env["snn.signature"]
        self.assertEqual(
            len(Signature.with_user(self.drafter2).search([("document_id", "=", document.id)])), 2
        )
        other = self.env["res.company"].create({"name": "Sở Tài chính"})
        stranger = self.env["res.users"].create(
            {
                "name": "Drafter elsewhere",
                "login": "t_elsewhere",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "group_ids": [Command.set(self.env.ref("snn_docflow.group_drafter").ids)],
            }
        )
        self.assertFalse(Signature.with_user(stranger).search([]))
        self.assertFalse(self.env["snn.trail.anchor"].with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            Signature.with_user(self.outsider).search([])
