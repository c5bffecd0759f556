"""Two organisations in one database: registers, types and numbers stay in their own."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestTwoCompanies(DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Sở Tài chính", "snn_org_code": "STC"}
        )
        cls.register_b = cls.env["snn.register"].create(
            {"name": "Sổ đi STC", "company_id": cls.company_b.id}
        )
        cls.unit_b = cls.env["hr.department"].create(
            {"name": "Văn phòng STC", "snn_code": "VP", "company_id": cls.company_b.id}
        )
        cls.type_b = cls.env["snn.document.type"].create(
            {
                "name": "Công văn STC",
                "company_id": cls.company_b.id,
                "register_id": cls.register_b.id,
            }
        )

    def test_a_type_never_points_to_another_companys_register(self):
        with self.assertRaises(UserError):
            self.type_letter.write({"register_id": self.register_b.id})

    def test_a_document_never_takes_another_companys_type(self):
        with self.assertRaises(UserError):
            self.make_draft(document_type_id=self.type_b.id)

    def test_registers_and_types_of_another_company_are_not_visible(self):
        self.assertFalse(
            self.env["snn.register"].with_user(self.clerk).search([("id", "=", self.register_b.id)])
        )
        self.assertFalse(
            self.env["snn.document.type"]
            .with_user(self.drafter)
            .search([("id", "=", self.type_b.id)])
        )

    def test_numbers_stay_in_their_company(self):
        clerk_b = self.env["res.users"].create(
            {
                "name": "Clerk B",
                "login": "t_clerk_b",
                "company_id": self.company_b.id,
                "company_ids": [Command.set(self.company_b.ids)],
                "group_ids": [Command.set(self.env.ref("snn_docflow.group_clerk").ids)],
            }
        )
        ours = self.walk(self.make_draft(), "issued")
        theirs = self.their_document(state="approved")
        theirs.with_user(clerk_b).with_company(self.company_b).action_issue()
        self.assertEqual(ours.register_id, self.register)
        self.assertEqual(theirs.register_id, self.register_b)
        self.assertEqual((ours.number, theirs.number), (1, 1))
        self.assertEqual(theirs.code, "01/STC-VP")
        with self.assertRaises(AccessError):
            theirs.with_user(self.clerk).read(["code"])

    def test_a_misconfigured_register_of_another_company_is_refused(self):
        document = self.walk(self.make_draft(), "approved")
        # Someone forces the type's register past the checks (SQL): issuing still refuses it.
        self.env.cr.execute(
            "UPDATE snn_document_type SET register_id = %s WHERE id = %s",
            (self.register_b.id, self.type_letter.id),
        )
        self.env.invalidate_all()
        with self.assertRaisesExactly(UserError):
            document.with_user(self.clerk).action_issue()
        self.assertFalse(document.number)

    def their_document(self, **values):
        """A document of the other organisation (made as superuser: its people are not set up)."""
        return (
            self.env["snn.document"]
            .sudo()
            .create(
                {
                    "subject": "STC",
                    "document_type_id": self.type_b.id,
                    "department_id": self.unit_b.id,
                    "company_id": self.company_b.id,
                    "drafter_id": self.env.uid,
                    **values,
                }
            )
        )

    def test_the_search_by_recipient_finds_the_lines_of_the_users_organisations(self):
        """The search bar's "Recipient": by the agency's or the unit's name, among the lines of
        the organisations the user works in now (the agency receives from both)."""
        ours = self.make_draft()
        theirs = self.their_document(
            recipient_ids=[Command.create({"partner_id": self.partner.id})]
        )
        self.assertEqual(theirs.recipient_ids.company_id, self.company_b)
        self.assertEqual(ours.recipient_ids.company_id, self.company)
        self.manager.write({"company_ids": [Command.link(self.company_b.id)]})
        Document = self.env["snn.document"].with_user(self.manager)
        both = self.company | self.company_b

        def found(value, companies=self.company, operator="ilike"):
            domain = [("recipient_search", operator, value), ("id", "in", (ours | theirs).ids)]
            return Document.with_context(allowed_company_ids=companies.ids).search(domain)

        self.assertEqual(found("tỉnh Tuyên Quang"), ours)
        self.assertEqual(found("tỉnh Tuyên Quang", both), ours | theirs)
        self.assertEqual(found("Kế hoạch"), ours, "an internal unit by its name")
        self.assertFalse(found("Kế hoạch", self.company_b))
        self.assertEqual(found("Kế hoạch", both, "not ilike"), theirs)
        # A company the user does not work in is not searched (Odoo refuses it).
        with self.assertRaises(AccessError):
            Document.with_user(self.clerk).with_context(allowed_company_ids=both.ids).search(
                [("recipient_search", "ilike", "Tuyên Quang")]
            )
