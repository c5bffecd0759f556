{
    "name": "Outgoing Documents: Dispatch (Gửi, nhận văn bản điện tử)",
    "summary": "Issued documents reach their recipients: internal units as incoming documents, "
    "other agencies by edXML through the provincial exchange and by e-mail; tracked, recallable",
    "version": "19.0.1.0.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["snn_signing"],
    # edXML and the exchange client are the snn-edxml distribution (no Odoo import there).
    "external_dependencies": {"python": ["snn-edxml"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "wizards/snn_document_reason_wizard_views.xml",
        "views/snn_delivery_views.xml",
        "views/snn_incoming_document_views.xml",
        "views/snn_document_views.xml",
        "views/res_partner_views.xml",
        "views/res_company_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/snn_dispatch_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "snn_dispatch/static/tests/tours/snn_dispatch_tours.js",
        ],
    },
}
