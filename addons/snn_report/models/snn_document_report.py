"""Figures of the periodic report to the province: one row per numbered document, read by
Odoo's pivot and graph views and by the printed report (the same numbers both ways).

A model on a SQL query (``_table_query``): the figures are counted by PostgreSQL from the
documents and their deliveries at each read; nothing is copied that could drift.
"""

from odoo import fields, models

from odoo.addons.snn_signing.models.snn_document import PAPER_REASONS

# Measures in the order the printed report shows them, with the report's Vietnamese headings
# (the printed report is a form sent to the province, always in Vietnamese).
MEASURES = [
    ("issued_count", "Văn bản phát hành"),
    ("esigned_count", "Ký số"),
    ("sent_electronic_count", "Gửi điện tử"),
    ("paper_count", "Chỉ bản giấy"),
    ("paper_secret_count", "Giấy: văn bản mật"),
    ("paper_before_trial_count", "Giấy: trước khi ký số"),
    ("paper_choice_count", "Giấy: văn thư chọn"),
    ("deliveries_sent_count", "Lượt gửi điện tử"),
    ("deliveries_received_count", "Lượt đã nhận"),
    ("recalled_count", "Thu hồi"),
    ("cancelled_count", "Hủy"),
]
# Decree 30 Art. 18.3, in a table of their own under the figures (the main table is as wide as
# a portrait page allows).
FOLLOW_UP_MEASURES = [
    ("replacing_count", "Văn bản thay thế văn bản khác"),
    ("replaced_count", "Văn bản bị thay thế"),
    ("correcting_count", "Công văn đính chính"),
]


class SnnDocumentReport(models.Model):
    _name = "snn.document.report"
    _description = "Outgoing Documents Report"
    _auto = False
    _order = "issue_date desc, id desc"
    _rec_name = "code"

    document_id = fields.Many2one("snn.document", readonly=True)
    code = fields.Char(string="Number and Notation", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Drafting Unit", readonly=True)
    document_type_id = fields.Many2one("snn.document.type", string="Type", readonly=True)
    register_id = fields.Many2one("snn.register", readonly=True)
    issue_date = fields.Date(readonly=True)
    state = fields.Selection(
        selection=lambda self: self.env["snn.document"]._fields["state"].selection,
        readonly=True,
    )
    confidentiality = fields.Selection(
        selection=lambda self: self.env["snn.document"]._fields["confidentiality"].selection,
        readonly=True,
    )
    esign = fields.Boolean(string="E-signed", readonly=True)
    paper_reason = fields.Selection(PAPER_REASONS, string="Paper Because", readonly=True)
    issued_count = fields.Integer(string="Issued", readonly=True, aggregator="sum")
    esigned_count = fields.Integer(string="Documents E-signed", readonly=True, aggregator="sum")
    sent_electronic_count = fields.Integer(
        string="Sent Electronically",
        readonly=True,
        aggregator="sum",
        help="E-signed documents of which at least one copy left electronically.",
    )
    paper_count = fields.Integer(string="Paper Only", readonly=True, aggregator="sum")
    paper_secret_count = fields.Integer(string="Paper: Secret", readonly=True, aggregator="sum")
    paper_before_trial_count = fields.Integer(
        string="Paper: Before E-signing", readonly=True, aggregator="sum"
    )
    paper_choice_count = fields.Integer(
        string="Paper: Clerk's Choice", readonly=True, aggregator="sum"
    )
    deliveries_sent_count = fields.Integer(
        string="Deliveries Sent",
        readonly=True,
        aggregator="sum",
        help="Copies that left electronically (internal, document exchange, e-mail).",
    )
    deliveries_received_count = fields.Integer(
        string="Deliveries Received",
        readonly=True,
        aggregator="sum",
        help="Electronic copies whose receipt the recipient confirmed.",
    )
    recalled_count = fields.Integer(string="Recalled", readonly=True, aggregator="sum")
    cancelled_count = fields.Integer(string="Cancelled", readonly=True, aggregator="sum")
    replacing_count = fields.Integer(
        string="Replacing", readonly=True, aggregator="sum", help="Issued to replace another."
    )
    replaced_count = fields.Integer(
        string="Replaced", readonly=True, aggregator="sum", help="Replaced by a later document."
    )
    correcting_count = fields.Integer(
        string="Correcting",
        readonly=True,
        aggregator="sum",
        help="Letters correcting an error of format in another document.",
    )

    @property
    def _table_query(self):
        # A document issued on paper without a reason was issued before snn_signing was
        # installed, so before e-signing started. Counts are cast to int: COUNT is a bigint,
        # whose SUM PostgreSQL returns as numeric (the pivot and the report showed "2.0").
        # "Received": the recipient confirmed receipt (edXML 01) or went further, even when
        # the document was recalled afterwards (received_at stays).
        return """
            SELECT d.id AS id,
                   d.id AS document_id,
                   d.code AS code,
                   d.company_id AS company_id,
                   d.department_id AS department_id,
                   d.document_type_id AS document_type_id,
                   d.register_id AS register_id,
                   d.issue_date AS issue_date,
                   d.state AS state,
                   d.confidentiality AS confidentiality,
                   COALESCE(d.esign, FALSE) AS esign,
                   CASE WHEN COALESCE(d.esign, FALSE) THEN NULL
                        ELSE COALESCE(d.paper_reason, 'before_trial') END AS paper_reason,
                   1 AS issued_count,
                   CASE WHEN d.esign THEN 1 ELSE 0 END AS esigned_count,
                   CASE WHEN d.esign AND l.sent > 0 THEN 1 ELSE 0 END AS sent_electronic_count,
                   CASE WHEN COALESCE(d.esign, FALSE) THEN 0 ELSE 1 END AS paper_count,
                   CASE WHEN d.paper_reason = 'secret' THEN 1 ELSE 0 END AS paper_secret_count,
                   CASE WHEN NOT COALESCE(d.esign, FALSE)
                             AND COALESCE(d.paper_reason, 'before_trial') = 'before_trial'
                        THEN 1 ELSE 0 END AS paper_before_trial_count,
                   CASE WHEN d.paper_reason = 'clerk_choice' THEN 1 ELSE 0 END
                       AS paper_choice_count,
                   COALESCE(l.sent, 0)::int AS deliveries_sent_count,
                   COALESCE(l.received, 0)::int AS deliveries_received_count,
                   CASE WHEN d.state = 'recalled' THEN 1 ELSE 0 END AS recalled_count,
                   CASE WHEN d.state = 'cancelled' THEN 1 ELSE 0 END AS cancelled_count,
                   CASE WHEN d.replaces_id IS NOT NULL THEN 1 ELSE 0 END AS replacing_count,
                   CASE WHEN d.replaced_by_id IS NOT NULL THEN 1 ELSE 0 END AS replaced_count,
                   CASE WHEN d.corrects_id IS NOT NULL THEN 1 ELSE 0 END AS correcting_count
              FROM snn_document d
              LEFT JOIN LATERAL (
                    SELECT COUNT(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
                           COUNT(*) FILTER (
                               WHERE received_at IS NOT NULL
                                  OR state IN ('received', 'accepted', 'processing', 'done')
                           ) AS received
                      FROM snn_delivery
                     WHERE document_id = d.id AND channel != 'paper'
                   ) l ON TRUE
             WHERE d.number IS NOT NULL
        """
