"""Exactly once on real transactions: two cron workers at once, and a worker that dies
between sending and committing. Committed data in the throwaway test database (like
snn_docflow's test_refusal_committed); the exchange is the local stand-in."""

import base64
import hashlib
import threading
import traceback
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.snn_docflow.tests.common import thread_env_factory
from odoo.addons.snn_signing.tests.common import use_secrets_dir

from .common import AGENCY_ORGAN_ID, exchange_values, put_exchange_secret, start_stand_in


class Crash(Exception):
    pass


@tagged("post_install", "-at_install")
class TestDispatchCommitted(BaseCase):
    DOCUMENTS = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        use_secrets_dir(cls)

    def setUp(self):
        super().setUp()
        self.exchange = start_stand_in(self, directory=[AGENCY_ORGAN_ID])
        self.tag = uuid.uuid4().hex[:6]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.company_id = self._issued_documents(env)
        self.addCleanup(self._unconfigure)

    def _unconfigure(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.company"].browse(self.company_id).write(
                dict.fromkeys(exchange_values(self.exchange), False)
            )

    def _issued_documents(self, env):
        """Issued, e-signed documents to a unit and an agency, their deliveries queued. The
        signing itself is tested in snn_signing; here the signed file is a stored PDF."""
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        company = env["res.company"].create(
            {
                "name": f"Committed {self.tag}",
                "snn_org_code": "CM",
                **exchange_values(self.exchange),
            }
        )
        company.snn_organ_id = "000.00.21.H53"
        put_exchange_secret(self.secrets_dir, company, self.exchange)
        unit = env["hr.department"].create(
            {"name": "Văn phòng", "snn_code": "VP", "company_id": company.id}
        )
        register = env["snn.register"].create({"name": "Sổ đi", "company_id": company.id})
        letter = env["snn.document.type"].create(
            {"name": "Công văn", "company_id": company.id, "register_id": register.id}
        )
        agency = env["res.partner"].create(
            {"name": "Sở Tài chính", "is_company": True, "snn_organ_id": AGENCY_ORGAN_ID}
        )
        pdf = make_letter_pdf()
        signed, sha256 = base64.b64encode(pdf), hashlib.sha256(pdf).hexdigest()
        for number in range(1, self.DOCUMENTS + 1):
            document = env["snn.document"].create(
                {
                    "subject": f"Văn bản {number}",
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "company_id": company.id,
                    "recipient_ids": [
                        Command.create({"department_id": unit.id}),
                        Command.create({"partner_id": agency.id}),
                    ],
                }
            )
            document.write(
                {
                    "signed_file": signed,
                    "signed_sha256": sha256,
                    "signed_file_name": f"{number}.pdf",
                }
            )
            document.write(
                {
                    "state": "issued",
                    "esign": True,
                    "register_id": register.id,
                    "number": number,
                    "number_year": 2026,
                    "code": f"{number:02d}/CM-VP-{self.tag}"[:30],
                    "issue_date": "2026-12-02",
                    "signer_id": env.ref("base.user_admin").id,
                }
            )
            document._queue_deliveries()
        return company.id

    def _counts(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            deliveries = env["snn.delivery"].search([("company_id", "=", self.company_id)])
            incoming = env["snn.incoming.document"].search_count(
                [("delivery_id", "in", deliveries.ids)]
            )
            self.last_errors = set(deliveries.mapped("last_error"))
            return sorted(set(deliveries.mapped("state"))), incoming, len(deliveries)

    def _accepted(self):
        results = {}
        for message in self.exchange.received():
            if self.tag not in message["document_id"]:
                continue
            for organ, answer in message["results"].items():
                key = (message["document_id"], organ)
                results.setdefault(key, []).append(answer["result"])
        return results

    def test_two_workers_at_once_send_each_delivery_once(self):
        make_env = thread_env_factory(self.registry)
        errors = []
        start = threading.Barrier(2)

        def worker():
            try:
                start.wait()
                with self.registry.cursor() as cr:
                    make_env(cr, SUPERUSER_ID)["snn.delivery"]._cron_dispatch(batch_size=3)
            except Exception:
                errors.append(traceback.format_exc())

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        states, incoming, total = self._counts()
        self.assertEqual(errors, [], (states, self.last_errors))
        self.assertEqual(total, 2 * self.DOCUMENTS)
        self.assertNotIn("queued", states)
        self.assertEqual(incoming, self.DOCUMENTS, (states, self.last_errors))
        accepted = self._accepted()
        self.assertEqual(len(accepted), self.DOCUMENTS, (states, self.last_errors))
        self.assertEqual(set(map(tuple, accepted.values())), {("accepted",)}, "none sent twice")

    def test_a_worker_dying_after_sending_loses_nothing_and_doubles_nothing(self):
        Delivery = self.registry["snn.delivery"]
        with (
            patch.object(Delivery, "_progress", side_effect=Crash),
            self.assertRaises(Crash),
            self.registry.cursor() as cr,
        ):
            api.Environment(cr, SUPERUSER_ID, {})["snn.delivery"]._cron_dispatch(batch_size=6)
        states, incoming, _total = self._counts()
        self.assertEqual(states, ["queued"], "the crashed batch rolled back")
        self.assertEqual(incoming, 0)
        sent_before_crash = {key for key, results in self._accepted().items() if results}
        self.assertTrue(sent_before_crash, "the exchange got part of the batch before the crash")

        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["snn.delivery"]._cron_dispatch(batch_size=6)
        states, incoming, _total = self._counts()
        self.assertNotIn("queued", states)
        self.assertEqual(incoming, self.DOCUMENTS)
        for key, results in self._accepted().items():
            expected = ["accepted", "duplicate"] if key in sent_before_crash else ["accepted"]
            self.assertEqual(results, expected, key)

    def test_a_worker_whose_lock_is_refused_asks_again_in_a_new_transaction(self):
        """Worker B's snapshot predates a delivery that worker A sent and committed: PostgreSQL
        refuses B the row lock (REPEATABLE READ). B's claim says so (None) instead of failing
        its whole run; in a new transaction it sees A's work."""
        with self.registry.cursor() as cr_b, self.registry.cursor() as cr_a:
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            domain = [("company_id", "=", self.company_id), ("state", "=", "queued")]
            env_b["snn.delivery"].search(domain)  # B's snapshot is taken here
            sent = env_a["snn.delivery"].search(domain, order="urgent desc, id", limit=1)
            sent.write({"next_attempt_at": "2000-01-01 00:00:00"})  # A touched it, committed
            cr_a.commit()
            self.assertIsNone(env_b["snn.delivery"]._claim_due(3))
            cr_b.rollback()  # a new transaction
            claimed = env_b["snn.delivery"]._claim_due(3)
            self.assertTrue(claimed)
            cr_b.rollback()
