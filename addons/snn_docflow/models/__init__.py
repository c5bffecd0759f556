from . import (
    hr_department,
    res_company,
    snn_approval,
    snn_document,
    snn_document_demo,
    snn_document_recipient,
    snn_document_type,
    snn_register,
)
