from . import (
    mail_mail,
    snn_copy_delivery,
    snn_copy_record,
    snn_copy_source,
    snn_document,
    snn_document_copy,
    snn_document_copy_send,
    snn_document_register,
    snn_incoming_document,
    snn_secret_copy,
)
