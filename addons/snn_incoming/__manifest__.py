{
    "name": "Incoming Documents (Tiếp nhận, xử lý văn bản đến)",
    "summary": "Documents other agencies send: received from the exchange, e-mail or paper, "
    "signatures verified, registered (số đến), assigned with deadlines, answered",
    "version": "19.0.1.0.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["snn_dispatch"],
    # PDF verification and the trust store (snn-sign), edXML and the exchange (snn-edxml).
    # wkhtmltopdf: the printed registers and the overdue report (QWeb PDF).
    "external_dependencies": {"python": ["snn-edxml", "snn-sign"], "bin": ["wkhtmltopdf"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/snn_trust_certificate_data.xml",
        "wizards/snn_incoming_assign_wizard_views.xml",
        "views/snn_incoming_document_views.xml",
        "views/snn_incoming_assignment_views.xml",
        "views/snn_incoming_register_views.xml",
        "views/snn_incoming_route_views.xml",
        "views/snn_trust_certificate_views.xml",
        "views/res_company_views.xml",
        "views/menus.xml",
        "report/paperformat_data.xml",
        "report/incoming_register_report.xml",
        "report/incoming_overdue_report.xml",
        "wizards/snn_incoming_register_print_views.xml",
        "views/report_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "snn_incoming/static/tests/tours/snn_incoming_tours.js",
        ],
    },
}
