from odoo import fields, models

from .snn_delivery import STATES

# What the receiver's edXML status code says, in words (the code itself is a detail).
STATUSES = [
    ("01", "Arrived"),
    ("02", "Refused on arrival"),
    ("03", "Accepted for handling"),
    ("04", "Assigned to a handler"),
    ("05", "Being handled"),
    ("06", "Handling done"),
    ("13", "Recall request sent"),
    ("15", "Recall agreed by the receiver"),
    ("16", "Recall refused by the receiver"),
]


class SnnDeliveryEvent(models.Model):
    """A change of a delivery, at the system's time (the seed: send and receive times are the
    system's), with the edXML status code when it came from the receiver."""

    _name = "snn.delivery.event"
    _inherit = ["snn.document.child"]
    _snn_parent_fields = ("delivery_id",)
    _snn_rules_from = "delivery_id"
    _description = "Delivery Status Change"
    _order = "at, id"

    delivery_id = fields.Many2one("snn.delivery", required=True, ondelete="cascade", index=True)
    state = fields.Selection(STATES, required=True)
    status_code = fields.Char(help="edXML StatusCode, e.g. 01 arrived, 03 accepted.")
    status = fields.Selection(STATUSES, string="Receiver's Status", compute="_compute_status")
    note = fields.Text()
    at = fields.Datetime(required=True)

    def _compute_status(self):
        known = dict(STATUSES)
        for event in self:
            event.status = event.status_code if event.status_code in known else False
