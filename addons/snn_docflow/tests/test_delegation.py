"""Ủy quyền: while the director is away his deputy reviews, approves and signs for him, from
the first to the last day of the delegation (Vietnam time), and no longer once it ends."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DocflowCase
from .test_chain_guards import FORGED_CONTEXT

REVIEW = "snn_docflow.mail_activity_type_review"
# 10:00 in Tuyên Quang on Sunday 1 March 2026; the delegation runs from the 3rd to the 5th.
BEFORE = "2026-03-01 03:00:00"
LAST_MINUTE_BEFORE = "2026-03-02 16:59:00"  # 23:59 on the 2nd in Vietnam, still the 2nd
FIRST_DAY = "2026-03-02 17:05:00"  # 00:05 on the 3rd in Vietnam, the 2nd in UTC
LAST_DAY = "2026-03-05 16:00:00"  # 23:00 on the 5th in Vietnam
DAY_AFTER = "2026-03-05 17:05:00"  # 00:05 on the 6th in Vietnam


@tagged("post_install", "-at_install")
class TestDelegation(DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The director who goes away (Giám đốc) and his deputy (Phó Giám đốc).
        cls.env["hr.employee"].create(
            {"name": cls.director.name, "user_id": cls.director.id, "job_title": "Giám đốc"}
        )
        cls.env["hr.employee"].create(
            {"name": cls.director2.name, "user_id": cls.director2.id, "job_title": "Phó Giám đốc"}
        )
        cls.deputy = cls.director2
        cls.Delegation = cls.env["snn.delegation"]

    def delegate(self, user=None, context=None, **values):
        """A delegation of the director to his deputy, from 3 to 5 March 2026 unless told,
        recorded by ``user`` (the director himself unless told)."""
        vals = {
            "company_id": self.company.id,
            "delegator_id": self.director.id,
            "delegate_id": self.deputy.id,
            "date_from": "2026-03-03",
            "date_to": "2026-03-05",
        }
        vals.update(values)
        Delegation = self.Delegation.with_user(user or self.director)
        return Delegation.with_context(**(context or {})).create(vals)

    def review_holders(self, document):
        review = self.env.ref(REVIEW)
        return document.activity_ids.filtered(lambda a: a.activity_type_id == review).user_id

    def waiting_for(self, user):
        """The "Waiting for Me" filter of the queue, as ``user`` sees it."""
        return (
            self.env["snn.document"]
            .with_user(user)
            .search([("activity_ids.user_id", "=", user.id)])
        )

    # ------------------------------------------------------------------ the period

    def test_the_queue_moves_on_the_first_day_and_back_after_the_last(self):
        with freeze_time(BEFORE):
            waiting = self.walk(self.make_draft(), "director_review")
            delegation = self.delegate()
            self.assertEqual(delegation.state, "scheduled")
            self.assertEqual(delegation.authority_line, "KT. GIÁM ĐỐC", "from the job title")
            self.assertEqual(self.review_holders(waiting), self.director)
            self.assertFalse(waiting.with_user(self.deputy).can_approve)
            with self.assertRaisesExactly(AccessError):
                waiting.with_user(self.deputy).action_approve()
        with freeze_time(LAST_MINUTE_BEFORE):
            self.env.invalidate_all()  # what a request computes (can_approve) on a new day
            self.Delegation._cron_start_and_end()
            self.assertEqual(delegation.state, "scheduled", "still the 2nd in Vietnam")
            self.assertFalse(waiting.with_user(self.deputy).can_approve)
        with freeze_time(FIRST_DAY):
            self.env.invalidate_all()
            # The dates decide, not the scheduled action: the deputy may act from midnight.
            self.assertTrue(waiting.with_user(self.deputy).can_approve)
            self.Delegation._cron_start_and_end()
            self.assertEqual(delegation.state, "running")
            self.assertEqual(self.review_holders(waiting), self.deputy)
            self.assertEqual(self.waiting_for(self.deputy), waiting)
            self.assertNotIn(waiting, self.waiting_for(self.director))
            # Forwarded to the director while he is away: it goes to the deputy.
            forwarded = self.walk(self.make_draft(), "director_review")
            self.assertEqual(self.review_holders(forwarded), self.deputy)
        with freeze_time(LAST_DAY):
            self.env.invalidate_all()
            self.assertTrue(forwarded.with_user(self.deputy).can_approve)
        with freeze_time(DAY_AFTER):
            self.env.invalidate_all()
            self.assertFalse(waiting.with_user(self.deputy).can_approve)
            with self.assertRaisesExactly(AccessError):
                waiting.with_user(self.deputy).action_approve()
            self.Delegation._cron_start_and_end()
            self.assertEqual(delegation.state, "done")
            self.assertFalse(delegation.date_ended, "it ran to its end")
            self.assertEqual(self.review_holders(waiting | forwarded), self.director)
            self.assertEqual(self.waiting_for(self.director), waiting | forwarded)
            self.assertFalse(self.waiting_for(self.deputy))
            waiting.with_user(self.director).action_approve()
            self.assertEqual(waiting.signer_id, self.director)
            self.assertFalse(waiting.delegation_id)

    @freeze_time(FIRST_DAY)
    def test_recorded_for_today_it_starts_at_once(self):
        waiting = self.walk(self.make_draft(), "director_review")
        secret = self.walk(self.make_draft(confidentiality="secret"), "director_review")
        delegation = self.delegate(self.manager)
        self.assertEqual(delegation.state, "running")
        self.assertEqual(self.review_holders(waiting), self.deputy)
        # A secret document is read only by the people who handle it: it stays with him.
        self.assertEqual(self.review_holders(secret), self.director)
        self.assertFalse(secret.with_user(self.deputy).has_access("read"))

    # ------------------------------------------------------------------ approving for him

    @freeze_time(FIRST_DAY)
    def test_the_deputy_approves_and_becomes_the_signer(self):
        document = self.walk(self.make_draft(), "director_review")
        delegation = self.delegate(authority_line="TUQ. GIÁM ĐỐC")
        self.assertEqual(self.review_holders(document), self.deputy)
        document.with_user(self.deputy).action_approve()

        self.assertEqual(document.state, "approved")
        self.assertEqual(document.signer_id, self.deputy, "his own key signs")
        self.assertEqual(document.signer_authority, "TUQ. GIÁM ĐỐC")
        self.assertEqual(document.signer_position, "PHÓ GIÁM ĐỐC")
        self.assertEqual(document.delegation_id, delegation)
        self.assertFalse(self.review_holders(document))
        self.assertEqual(document._approver(), self.deputy)

        approval = document.approval_ids[-1]
        self.assertEqual((approval.action, approval.user_id), ("approve", self.deputy))
        expected = (
            f"Approved by {self.deputy.name} for {self.director.name} "
            "(delegation from 03/03/2026 to 05/03/2026, TUQ. GIÁM ĐỐC)."
        )
        self.assertEqual(approval.comment, expected)
        self.assertTrue(document.trail_intact)
        notes = document.message_ids.filtered(lambda m: expected in (m.body or ""))
        self.assertEqual(notes.author_id, self.deputy.partner_id)
        # The clerk issues it as any approved document.
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.delegation_id, delegation)

    @freeze_time(FIRST_DAY)
    def test_the_deputy_may_return_it_and_nobody_else_gains_a_right(self):
        document = self.walk(self.make_draft(), "director_review")
        self.delegate()
        for user in (self.drafter, self.head, self.clerk, self.head2):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    document.with_user(user).action_approve()
        document.with_user(self.deputy).action_return("Sửa trích yếu")
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.signer_id, self.director, "a return changes no signer")
        self.assertEqual(document.approval_ids[-1].user_id, self.deputy)

    @freeze_time(FIRST_DAY)
    def test_the_signer_lines_change_only_through_the_deputys_approval(self):
        document = self.walk(self.make_draft(), "director_review")
        self.delegate()
        for user in (self.deputy, self.director, self.manager):
            for context in ({}, FORGED_CONTEXT, {"snn_signer_switch": True}):
                with self.subTest(user=user.login, context=context):
                    with self.assertRaises(UserError):
                        document.with_user(user).with_context(**context).write(
                            {"signer_id": self.deputy.id, "signer_authority": "TUQ. GIÁM ĐỐC"}
                        )
                    with self.assertRaisesExactly(AccessError):
                        document.with_user(user).with_context(**context).write(
                            {"delegation_id": self.Delegation.search([], limit=1).id}
                        )
        self.assertEqual(document.signer_id, self.director)

    @freeze_time(FIRST_DAY)
    def test_drafting_for_the_director_away_suggests_his_deputy(self):
        delegation = self.delegate(authority_line="Q. GIÁM ĐỐC")
        with Form(self.env["snn.document"].with_user(self.drafter)) as form:
            form.signer_id = self.director
            self.assertEqual(form.signer_id, self.deputy)
            self.assertEqual(form.signer_authority, delegation.authority_line)
            self.assertEqual(form.signer_position, "PHÓ GIÁM ĐỐC")
            form.signer_id = self.deputy  # his own name: his own lines
            self.assertEqual(form.signer_authority, "KT. GIÁM ĐỐC")
            self.assertEqual(form.signer_position, "PHÓ GIÁM ĐỐC")
            form.subject = "V/v ủy quyền"
            form.document_type_id = self.type_letter
            form.department_id = self.unit_vp

    # ------------------------------------------------------------------ ending early

    def test_end_now_gives_the_queue_back(self):
        with freeze_time(FIRST_DAY):
            waiting = self.walk(self.make_draft(), "director_review")
            delegation = self.delegate()
            later = self.delegate(date_from="2026-03-10", date_to="2026-03-12")
            self.assertEqual(self.review_holders(waiting), self.deputy)
            with self.assertRaisesExactly(UserError):
                later.with_user(self.director).action_end()  # not started: change it
            for user in (self.deputy, self.drafter, self.head, self.clerk):
                with self.subTest(user=user.login):
                    with self.assertRaisesExactly(AccessError):
                        delegation.with_user(user).action_end()
                    self.assertFalse(delegation.with_user(user).can_end)
        with freeze_time("2026-03-04 02:00:00"):
            self.env.invalidate_all()
            self.assertTrue(delegation.with_user(self.director).can_end)
            delegation.with_user(self.director).action_end()
            self.assertEqual(delegation.state, "done")
            self.assertEqual(str(delegation.date_ended), "2026-03-04")
            self.assertEqual(self.review_holders(waiting), self.director)
            self.assertFalse(waiting.with_user(self.deputy).can_approve)
            with self.assertRaisesExactly(UserError):
                delegation.with_user(self.manager).action_end()
            # Ended early, it no longer counts against a new one.
            self.delegate(date_from="2026-03-04", date_to="2026-03-05")

    # ------------------------------------------------------------------ what may be recorded

    @freeze_time(BEFORE)
    def test_overlaps_and_bad_periods_are_refused(self):
        self.delegate()
        bad = {
            "overlapping": {"date_from": "2026-03-05", "date_to": "2026-03-07"},
            "inside": {"date_from": "2026-03-04", "date_to": "2026-03-04"},
            "ends before it starts": {"date_from": "2026-03-10", "date_to": "2026-03-09"},
            "starts in the past": {"date_from": "2026-02-28", "date_to": "2026-03-02"},
            "to himself": {
                "date_from": "2026-04-01",
                "date_to": "2026-04-02",
                "delegate_id": self.director.id,
            },
            "to a head": {
                "date_from": "2026-04-01",
                "date_to": "2026-04-02",
                "delegate_id": self.head.id,
            },
        }
        for name, values in bad.items():
            with self.subTest(name):
                with self.assertRaisesExactly(ValidationError):
                    self.delegate(**values)
        with self.assertRaisesExactly(ValidationError) as caught:
            self.delegate(date_from="2026-03-05", date_to="2026-03-07")
        self.assertIn("overlap", str(caught.exception))
        self.delegate(date_from="2026-03-06", date_to="2026-03-07")  # the day after: fine
        # Another director's delegation may share the dates.
        self.delegate(delegator_id=self.deputy.id, delegate_id=self.director.id, user=self.manager)

    @freeze_time(BEFORE)
    def test_only_the_director_or_a_manager_records_and_changes_it(self):
        company_b = self.env["res.company"].create({"name": "Sở Tài chính"})
        manager_b = self.env["res.users"].create(
            {
                "name": "Manager B",
                "login": "t_manager_delegation_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "group_ids": [Command.set(self.env.ref("snn_docflow.group_manager").ids)],
            }
        )
        for user in (self.drafter, self.head, self.clerk, self.outsider, self.deputy, manager_b):
            for context in ({}, FORGED_CONTEXT):
                with self.subTest(user=user.login, forged=bool(context)):
                    with self.assertRaises(AccessError):
                        self.delegate(user, context)
        delegation = self.delegate()
        self.assertEqual(delegation.create_uid, self.director)
        for user in (self.drafter, self.head, self.clerk, self.deputy, manager_b):
            with self.subTest(user=user.login, op="write"):
                with self.assertRaises(AccessError):
                    delegation.with_user(user).write({"date_to": "2026-03-06"})
            with self.subTest(user=user.login, op="unlink"):
                with self.assertRaises(AccessError):
                    delegation.with_user(user).unlink()
        # Nobody writes its state; the director does not hand his delegation to another.
        for user in (self.director, self.manager):
            for vals in ({"state": "done"}, {"date_ended": "2026-03-03"}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesExactly(AccessError):
                        delegation.with_user(user).with_context(**FORGED_CONTEXT).write(vals)
        with self.assertRaisesExactly(AccessError):
            delegation.with_user(self.director).write({"delegator_id": self.manager.id})
        # Before it starts the director changes it; a manager of his organisation too.
        delegation.with_user(self.director).write({"date_to": "2026-03-06"})
        delegation.with_user(self.manager).write({"authority_line": "TUQ. GIÁM ĐỐC"})
        self.assertEqual(str(delegation.date_to), "2026-03-06")
        self.assertTrue(delegation.with_user(self.director).can_edit)
        with freeze_time(FIRST_DAY):
            self.env.invalidate_all()
            self.assertFalse(delegation.with_user(self.director).can_edit)
            for user in (self.director, self.manager):
                with self.subTest(user=user.login, op="write started"):
                    with self.assertRaisesExactly(UserError):
                        delegation.with_user(user).write({"date_to": "2026-03-04"})
                with self.subTest(user=user.login, op="unlink started"):
                    with self.assertRaisesExactly(UserError):
                        delegation.with_user(user).unlink()
            self.assertTrue(delegation.exists())
        scheduled = self.delegate(date_from="2026-04-01", date_to="2026-04-02")
        scheduled.with_user(self.director).unlink()
        self.assertFalse(scheduled.exists())
