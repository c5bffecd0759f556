from . import (
    ir_attachment,
    res_company,
    snn_document,
    snn_incoming_assignment,
    snn_incoming_document,
    snn_incoming_mail,
    snn_incoming_receive,
    snn_incoming_register,
    snn_incoming_route,
    snn_incoming_status,
    snn_incoming_steps,
    snn_trust_certificate,
)
