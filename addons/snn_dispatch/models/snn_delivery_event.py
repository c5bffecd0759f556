from odoo import fields, models

from .snn_delivery import STATES


class SnnDeliveryEvent(models.Model):
    """A change of a delivery, at the system's time (the seed: send and receive times are the
    system's), with the edXML status code when it came from the receiver."""

    _name = "snn.delivery.event"
    _inherit = ["snn.document.child"]
    _snn_parent_fields = ("delivery_id",)
    _description = "Delivery Status Change"
    _order = "at, id"

    delivery_id = fields.Many2one("snn.delivery", required=True, ondelete="cascade", index=True)
    state = fields.Selection(STATES, required=True)
    status_code = fields.Char(help="edXML StatusCode, e.g. 01 arrived, 03 accepted.")
    note = fields.Text()
    at = fields.Datetime(required=True)
