"""Each organisation's signing settings are its own (issue 18).

Two organisations in one database: A (the test company: its director signs with the demo key,
its seal is set) and B, with a manager, clerk and director of its own. B's manager tries what
an attacker would: A's director's key, image and bridge, A's seal, A's bridges, and A's secret
file through a bridge of B; each refusal leaves A as it was, re-read as superuser.
"""

import base64
import os
import shutil
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from odoo.addons.snn_signing.models.secret_file import OPTION

from .common import BRIDGE_SECRET, SigningCase, director_signing_values, put_secret
from .test_signing_config import png


@tagged("post_install", "-at_install")
class TestOrganisationSettings(HttpCase, SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pki = cls.running.pki
        # B's names are those of A's certificates: only the company check stops B's director
        # and seal from signing with A's keys.
        cls.company_b = cls.env["res.company"].create(
            {"name": "Sở Tài chính", "snn_org_code": "STC", "snn_org_full_name": pki.org_name}
        )
        g = "snn_docflow.group_"
        only_b = {"company_id": cls.company_b.id, "company_ids": [Command.set(cls.company_b.ids)]}
        cls.manager_b = new_test_user(cls.env, "t_manager_b", f"{g}manager", **only_b)
        cls.clerk_b = new_test_user(cls.env, "t_clerk_b", f"{g}clerk", **only_b)
        cls.director_b = new_test_user(
            cls.env, "t_director_b", f"{g}director", name=pki.signer_name, **only_b
        )
        cls.bridge_b = (
            cls.env["snn.sign.bridge"]
            .with_user(cls.manager_b)
            .create({"name": "B's bridge", "url": "http://127.0.0.1:9", "secret_file": "b.secret"})
        )

    def setUp(self):
        super().setUp()
        self.folder_b = self.secrets_dir / str(self.company_b.id)
        self.addCleanup(self._remove_folder_b)

    def _remove_folder_b(self):
        """Files are not rolled back with the test: B's directory goes after each test."""
        if self.folder_b.is_symlink():
            self.folder_b.unlink()
        else:
            shutil.rmtree(self.folder_b, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def xmlrpc(self, user, model, method, *args):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user sets it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), {}
        )

    def director_setup(self, user):
        self.env.invalidate_all()
        user = user.sudo().with_context(bin_size=False)
        return (user.snn_sign_bridge_id, user.snn_sign_key, user.snn_signature_image)

    def seal_setup(self, company):
        self.env.invalidate_all()
        company = company.sudo().with_context(bin_size=False)
        return (company.snn_seal_bridge_id, company.snn_seal_key, company.snn_seal_image)

    # ------------------------------------------------------------------ users

    def test_another_organisations_manager_cannot_set_up_our_director(self):
        before = self.director_setup(self.director)
        attacks = {
            "key": {"snn_sign_key": "seal"},
            "image": {"snn_signature_image": png((0, 0, 200))},
            "bridge": {"snn_sign_bridge_id": self.bridge_b.id},
        }
        for name, vals in attacks.items():
            with self.subTest(attack=name), self.assertRaises(AccessError):
                self.director.with_user(self.manager_b).write(vals)
        self.assertEqual(self.director_setup(self.director), before)

    def test_over_xmlrpc_too(self):
        before = self.director_setup(self.director)
        with self.assertRaises(Fault) as caught:
            self.xmlrpc(
                self.manager_b, "res.users", "write", [self.director.id], {"snn_sign_key": "x"}
            )
        self.assertIn("you manage Sở Tài chính only", caught.exception.faultString)
        with self.assertRaises(Fault):
            self.xmlrpc(
                self.manager_b, "res.company", "write", [self.company.id], {"snn_seal_key": "x"}
            )
        self.assertEqual(self.director_setup(self.director), before)
        self.assertEqual(self.seal_setup(self.company)[1], "seal")

    def test_a_user_shared_with_a_company_not_managed_is_refused(self):
        """The rule: every company of the user must be one the manager has."""
        self.director_b.sudo().company_ids = [Command.link(self.company.id)]
        for manager in (self.manager, self.manager_b):
            with self.subTest(manager=manager.login), self.assertRaises(AccessError):
                self.director_b.with_user(manager).write({"snn_sign_key": "signer"})
        self.assertFalse(self.director_setup(self.director_b)[1])

    def test_our_manager_still_sets_up_our_director_and_seal(self):
        pki = self.running.pki
        self.director.with_user(self.manager).write(
            {"snn_sign_bridge_id": False, "snn_sign_key": False, "snn_signature_image": False}
        )
        self.director.with_user(self.manager).write(director_signing_values(self.bridge, pki))
        self.assertEqual(self.director_setup(self.director)[:2], (self.bridge, pki.signer_label))
        image = base64.b64encode(pki.seal_png.read_bytes())
        self.company.with_user(self.manager).write(
            {"snn_seal_key": "seal", "snn_seal_image": image}
        )
        self.assertEqual(self.seal_setup(self.company)[1], "seal")

    def test_a_bridge_is_given_by_its_id_only(self):
        """The reverse door: values or a command for the bridge in a user's/company's write
        would make or change a bridge past its own rules."""
        doors = {
            "create command": [
                Command.create({"name": "x", "url": "http://e", "secret_file": "s"})
            ],
            "values": {"name": "x", "url": "http://e", "secret_file": "s"},
            "update command": [Command.update(self.bridge.id, {"url": "http://evil.example"})],
        }
        bridges = self.env["snn.sign.bridge"].with_context(active_test=False).search([])
        for name, value in doors.items():
            with self.subTest(door=name):
                with self.assertRaises(AccessError):
                    self.director_b.with_user(self.manager_b).write({"snn_sign_bridge_id": value})
                with self.assertRaises(AccessError):
                    self.company_b.with_user(self.manager_b).write({"snn_seal_bridge_id": value})
        self.assertEqual(
            self.env["snn.sign.bridge"].with_context(active_test=False).search([]), bridges
        )
        self.assertEqual(self.bridge.url, self.running.url)

    def test_a_bridge_of_another_company_is_refused(self):
        """check_company: a user's bridge is of the user's company, a seal's of the company."""
        with self.assertRaises(UserError) as caught:
            self.director_b.with_user(self.manager_b).write(
                {"snn_sign_bridge_id": self.bridge.id, "snn_sign_key": "signer"}
            )
        self.assertIn("belongs to another company", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            self.company_b.with_user(self.manager_b).write(
                {"snn_seal_bridge_id": self.bridge.id, "snn_seal_key": "seal"}
            )
        self.assertIn("belongs to another company", str(caught.exception))
        self.assertFalse(self.director_setup(self.director_b)[0])
        self.assertFalse(self.seal_setup(self.company_b)[0])

    # ------------------------------------------------------------------ companies

    def test_another_organisations_manager_cannot_touch_our_seal(self):
        before = self.seal_setup(self.company)
        attacks = {
            "key": {"snn_seal_key": "signer"},
            "image": {"snn_seal_image": png((200, 0, 0))},
            "bridge": {"snn_seal_bridge_id": self.bridge_b.id},
            "trusted roots": {"snn_trust_roots": False},
            "e-signing period": {"snn_esign_mandatory_date": "2030-01-01"},
        }
        for name, vals in attacks.items():
            with self.subTest(attack=name), self.assertRaises(AccessError):
                self.company.with_user(self.manager_b).write(vals)
        self.assertEqual(self.seal_setup(self.company), before)
        self.assertTrue(self.company.sudo().snn_trust_roots)
        self.assertEqual(str(self.company.snn_esign_mandatory_date), "2019-04-15")

    # ------------------------------------------------------------------ bridges

    def test_our_bridges_are_not_theirs(self):
        bridge = self.bridge.with_user(self.manager_b)
        with self.assertRaises(AccessError):
            bridge.read(["url", "secret_file"])
        with self.assertRaises(AccessError):
            bridge.write({"url": "http://evil.example"})
        with self.assertRaises(AccessError):
            bridge.unlink()
        with self.assertRaises(AccessError):
            self.env["snn.sign.bridge"].with_user(self.manager_b).create(
                {"name": "x", "url": "http://e", "secret_file": "s", "company_id": self.company.id}
            )
        with self.assertRaises(AccessError):  # a bridge of B moved into A, with A's files
            self.bridge_b.with_user(self.manager_b).write(
                {"company_id": self.company.id, "secret_file": BRIDGE_SECRET}
            )
        self.env.invalidate_all()
        self.assertEqual((self.bridge.url, self.bridge.active), (self.running.url, True))
        self.assertEqual(self.bridge_b.company_id, self.company_b)
        self.assertEqual(self.bridge_b.secret_file, "b.secret")

    # ------------------------------------------------------------------ secret files

    def test_a_secret_file_is_a_name_not_a_path(self):
        paths = ("/etc/passwd", "../1/bridge.secret", "..", ".", "sub/bridge.secret", " x")
        for path in paths:
            with self.subTest(path=path), self.assertRaises(ValidationError) as caught:
                self.bridge_b.with_user(self.manager_b).write({"secret_file": path})
            self.assertIn("not a secret file name", str(caught.exception))
        self.assertEqual(self.bridge_b.secret_file, "b.secret")

    def test_another_companys_secret_file_is_not_readable(self):
        """B points its bridge at A's bridge and names A's secret file: the name is looked up in
        B's directory, where it is not; a symbolic link there to A's file is not followed."""
        self.bridge_b.with_user(self.manager_b).write(
            {"url": self.running.url, "secret_file": BRIDGE_SECRET}
        )
        ours = self.secrets_dir / str(self.company.id) / BRIDGE_SECRET
        theirs = self.folder_b
        for plant in ("none", "file link", "directory link"):
            with self.subTest(plant=plant):
                if plant == "file link":
                    theirs.mkdir(mode=0o700)
                    (theirs / BRIDGE_SECRET).symlink_to(ours)
                elif plant == "directory link":
                    (theirs / BRIDGE_SECRET).unlink()
                    theirs.rmdir()
                    theirs.symlink_to(ours.parent, target_is_directory=True)
                with self.assertRaises(UserError) as caught:
                    self.bridge_b.with_user(self.manager_b).action_test_connection()
                self.assertIn("cannot be read", str(caught.exception))
                self.assertNotIn("signer", str(caught.exception))

    def test_a_secret_file_others_may_read_or_not_regular_is_refused(self):
        folder = self.folder_b
        put_secret(self.secrets_dir, self.company_b, "b.secret", self.running.secret_file)
        os.chmod(folder / "b.secret", 0o640)
        with self.assertRaises(UserError) as caught:
            self.bridge_b.sudo()._secret()
        self.assertIn("readable by others", str(caught.exception))
        (folder / "dir.secret").mkdir()
        self.bridge_b.sudo().secret_file = "dir.secret"
        with self.assertRaises(UserError) as caught:
            self.bridge_b.sudo()._secret()
        self.assertIn("cannot be read", str(caught.exception))

    def test_without_a_secrets_directory_the_error_says_what_to_configure(self):
        with patch.dict(config.options.maps[0], {OPTION: False}):
            with self.assertRaises(UserError) as caught:
                self.bridge.sudo()._secret()
        self.assertIn("secrets_dir = /etc/odoo/snn-secrets", str(caught.exception))
        self.assertEqual(self.bridge.sudo()._secret(), self.running.secret)

    def test_the_secrets_directory_is_read_from_the_configuration_files_snn_section(self):
        conf = self.secrets_dir.parent / "odoo.conf"
        conf.write_text(f"[options]\n\n[snn]\nsecrets_dir = {self.secrets_dir}\n")
        with patch.dict(config.options.maps[0], {OPTION: False, "config": str(conf)}):
            self.bridge.invalidate_recordset()
            self.assertEqual(self.bridge.sudo()._secret(), self.running.secret)
            conf.write_text("[options]\n")
            with self.assertRaises(UserError):
                self.bridge.sudo()._secret()
