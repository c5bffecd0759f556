import base64

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, new_test_user

# A minimal but well-formed one-page PDF: what the drafter attaches (header and EOF marker).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class DocflowCase(TransactionCase):
    """An organisation as in the seed: units with heads, one user per role, types, registers."""

    def assertRaisesExactly(self, exception):
        """assertRaises that fails on a subclass: an AccessError is a UserError too, and the
        user sees a different dialog for each."""
        test = self

        class _Exact:
            def __enter__(self):
                self.inner = test.assertRaises(exception)
                self.caught = self.inner.__enter__()
                return self.caught

            def __exit__(self, *exc_info):
                handled = self.inner.__exit__(*exc_info)
                test.assertIs(type(self.caught.exception), exception, self.caught.exception)
                return handled

        return _Exact()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write({"snn_org_code": "SNN", "snn_place": "Tuyên Quang"})
        g = "snn_docflow.group_"
        cls.drafter = new_test_user(cls.env, "t_drafter", f"{g}drafter", name="Trần Văn Soạn")
        cls.drafter2 = new_test_user(cls.env, "t_drafter2", f"{g}drafter", name="Other Drafter")
        cls.head = new_test_user(cls.env, "t_head", f"{g}head", name="Lê Thị Trưởng")
        cls.head2 = new_test_user(cls.env, "t_head2", f"{g}head", name="Other Head")
        cls.director = new_test_user(cls.env, "t_director", f"{g}director", name="Nguyễn Công Hàm")
        cls.director2 = new_test_user(cls.env, "t_director2", f"{g}director", name="Other Director")
        cls.clerk = new_test_user(cls.env, "t_clerk", f"{g}clerk", name="Phạm Thị Văn Thư")
        cls.manager = new_test_user(cls.env, "t_manager", f"{g}manager", name="Manager")
        cls.outsider = new_test_user(cls.env, "t_outsider", "base.group_user", name="No Role")
        Department = cls.env["hr.department"]
        cls.unit_vp = Department.create(
            {
                "name": "Văn phòng",
                "snn_code": "VP",
                "manager_id": cls._employee(cls.head).id,
            }
        )
        cls.unit_khtc = Department.create(
            {
                "name": "Kế hoạch - Tài chính",
                "snn_code": "KHTC",
                "manager_id": cls._employee(cls.head2).id,
            }
        )
        Register = cls.env["snn.register"]
        cls.register = Register.create({"name": "Sổ văn bản đi"})
        cls.register_secret = Register.create({"name": "Sổ văn bản mật", "confidential": True})
        Type = cls.env["snn.document.type"]
        cls.type_letter = Type.create({"name": "Công văn", "register_id": cls.register.id})
        cls.type_decision = Type.create(
            {"name": "Quyết định", "code": "QĐ", "register_id": cls.register.id}
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "UBND tỉnh Tuyên Quang", "is_company": True, "email": "ubnd@example.com"}
        )

    @classmethod
    def _employee(cls, user):
        return cls.env["hr.employee"].create({"name": user.name, "user_id": user.id})

    def make_draft(self, drafter=None, **values):
        """A complete draft, created by its drafter as in the UI."""
        drafter = drafter or self.drafter
        vals = {
            "subject": "V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
            "document_type_id": self.type_letter.id,
            "department_id": self.unit_vp.id,
            "signer_id": self.director.id,
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_position": "PHÓ GIÁM ĐỐC",
            "file": base64.b64encode(PDF_BYTES),
            "file_name": "218-SNN-VP.pdf",
            "recipient_ids": [
                Command.create({"department_id": self.unit_khtc.id, "purpose": "action"}),
                Command.create({"partner_id": self.partner.id, "purpose": "information"}),
            ],
        }
        vals.update(values)
        return self.env["snn.document"].with_user(drafter).create(vals)

    def stored_file(self, record, field="file"):
        """The ir.attachment holding ``record``'s binary ``field`` (searched as superuser)."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("res_field", "=", field),
                ]
            )
        )

    def walk(self, document, until):
        """Move ``document`` along the chain as the right people, up to state ``until``."""
        steps = [
            ("head_review", self.drafter, "action_submit"),
            ("director_review", self.head, "action_forward"),
            ("approved", self.director, "action_approve"),
            ("issued", self.clerk, "action_issue"),
        ]
        for state, user, method in steps:
            getattr(document.with_user(user), method)()
            if state == until:
                break
        return document


def thread_env_factory(registry):
    """``make(cr, uid, context)`` -> an Environment on a thread's own cursor, for tests that
    need real concurrent transactions, under pytest-odoo and Odoo's own runner alike.

    A bare ``api.Environment(cr, …)`` on a new cursor asks ``Registry(dbname)`` for its
    transaction; Odoo's runner holds the registry's class lock while it runs post-install
    tests, so a thread asking would wait for ever. The transaction is made here on the
    registry we already have (its class taken from an environment made in this thread).
    """
    with registry.cursor() as cr:
        transaction_class = type(api.Environment(cr, SUPERUSER_ID, {}).transaction)

    def make(cr, uid, context=None):
        cr.transaction = transaction_class(registry)
        return api.Environment(cr, uid, context or {})

    return make


def xmlrpc_as(case, user, model, method, args, context):
    """``method`` of ``model`` called over XML-RPC by ``user`` (a user made by new_test_user,
    in an HttpCase ``case``) with the client's ``context``. Commands go as plain tuples:
    XML-RPC does not marshal the Command enum."""
    password = user.login + "x" * (8 - len(user.login))  # as new_test_user sets it
    return case.xmlrpc_object.execute_kw(
        case.env.cr.dbname, user.id, password, model, method, args, {"context": context}
    )
