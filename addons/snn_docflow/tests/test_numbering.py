import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestNumbering(DocflowCase):
    def _issue(self, **values):
        return self.walk(self.make_draft(**values), "issued")

    @freeze_time("2019-02-18 03:00:00")
    def test_letter_and_named_type_notations_with_leading_zero(self):
        letters = [self._issue() for _i in range(9)]
        self.assertEqual(letters[0].code, "01/SNN-VP")
        self.assertEqual(letters[8].code, "09/SNN-VP")
        decision = self._issue(document_type_id=self.type_decision.id)
        self.assertEqual(decision.code, "10/QĐ-SNN", "no leading zero from 10 on")
        letter_khtc = self.make_draft(department_id=self.unit_khtc.id)
        letter_khtc.with_user(self.drafter).action_submit()
        letter_khtc.with_user(self.head2).action_forward()
        letter_khtc.with_user(self.director).action_approve()
        letter_khtc.with_user(self.clerk).action_issue()
        self.assertEqual(letter_khtc.code, "11/SNN-KHTC")
        self.assertEqual([d.number for d in letters], list(range(1, 10)))

    def test_numbers_restart_at_midnight_vietnam_time(self):
        with freeze_time("2019-12-31 16:59:00"):  # 23:59 on 31/12 in Vietnam
            first = self._issue()
            last_of_year = self._issue()
        with freeze_time("2019-12-31 17:01:00"):  # 00:01 on 1/1 in Vietnam, still 2019 in UTC
            new_year = self._issue()
        self.assertEqual((last_of_year.number_year, last_of_year.number), (2019, first.number + 1))
        self.assertEqual(str(last_of_year.issue_date), "2019-12-31")
        self.assertEqual((new_year.number_year, new_year.number), (2020, 1))
        self.assertEqual(str(new_year.issue_date), "2020-01-01")
        self.assertEqual(new_year.code, "01/SNN-VP")

    def test_secret_documents_use_the_confidential_register(self):
        normal = self._issue()
        secret = self._issue(confidentiality="secret")
        top_secret = self._issue(confidentiality="top_secret")
        self.assertEqual(normal.register_id, self.register)
        self.assertEqual(secret.register_id, self.register_secret)
        self.assertEqual((secret.number, top_secret.number), (1, 2))
        self.assertEqual(normal.number, 1)

    def test_same_code_in_two_registers_is_flagged(self):
        normal = self._issue()
        secret = self._issue(confidentiality="confidential")
        self.assertEqual(normal.code, secret.code)
        self.assertTrue(normal.code_conflict)
        self.assertTrue(secret.code_conflict)
        other = self._issue()
        self.assertFalse(other.code_conflict)

    def test_the_database_refuses_a_number_twice(self):
        first = self._issue()
        second = self._issue()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE snn_document SET number = %s WHERE id = %s", (first.number, second.id)
                )

    def test_several_documents_issued_at_once(self):
        documents = self.env["snn.document"]
        for _i in range(3):
            documents |= self.walk(self.make_draft(), "approved")
        documents.with_user(self.clerk).action_issue()
        self.assertEqual(sorted(documents.mapped("number")), [1, 2, 3])
        self.assertEqual(set(documents.mapped("state")), {"issued"})

    def test_issuing_again_keeps_the_number(self):
        document = self._issue()
        values = document._numbering_values()
        self.assertEqual(values, {}, "a document that holds a number never takes another")
