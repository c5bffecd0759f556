"""The engine's refusals reach a user in the user's language only; both languages go to the
server's log (issue 19: " / English" showed after every Vietnamese error)."""

import base64
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.snn_docflow import engine_words
from odoo.addons.snn_docflow.tests.common import DocflowCase

# What snn_sign.pdfinput.check_png says of a signature image that is no PNG, in each language.
VIETNAMESE = "Tệp ảnh (chữ ký/con dấu) không phải PNG."
ENGLISH = "The blue image is not a PNG file."


@tagged("post_install", "-at_install")
class TestEngineWords(DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")

    def refusal(self, lang):
        """The manager sets a GIF as the director's signature image, from a web client in
        ``lang`` (the client sends the user's language in the context)."""
        self.manager.lang = lang
        manager_env = self.director.with_user(self.manager).with_context(lang=lang)
        with (
            patch.object(engine_words, "_logger") as logger,
            self.assertRaises(ValidationError) as caught,
        ):
            manager_env.write({"snn_signature_image": base64.b64encode(b"GIF89a not a png")})
        self.assertFalse(self.director.sudo().snn_signature_image, "nothing was stored")
        logged = [str(call.args[0] % call.args[1:]) for call in logger.info.call_args_list]
        return str(caught.exception), "\n".join(logged)

    def test_a_vietnamese_user_reads_vietnamese_only(self):
        message, log = self.refusal("vi_VN")
        self.assertIn(VIETNAMESE, message)
        self.assertNotIn(ENGLISH, message)
        self.assertNotIn(" / ", message)
        self.assertIn(ENGLISH, log, "the other language is in the log")

    def test_an_english_user_reads_english_only(self):
        message, log = self.refusal("en_US")
        self.assertIn(ENGLISH, message)
        self.assertNotIn(VIETNAMESE, message)
        self.assertIn(VIETNAMESE, log, "the other language is in the log")
