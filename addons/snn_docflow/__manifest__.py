{
    "name": "Outgoing Documents (Văn bản đi)",
    "summary": "Draft, review, approve, number and issue outgoing documents "
    "of a Vietnamese government department (Decree 30/2020/NĐ-CP)",
    "version": "19.0.1.3.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["mail", "hr"],
    # The engine's PDF package (packages/snn-sign): one PDF test and one Vietnam clock.
    "external_dependencies": {"python": ["snn-sign"]},
    "data": [
        "security/snn_docflow_security.xml",
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "wizards/snn_document_reason_wizard_views.xml",
        "views/snn_document_views.xml",
        "views/snn_document_type_views.xml",
        "views/snn_register_views.xml",
        "views/snn_approval_views.xml",
        "views/snn_delegation_views.xml",
        "views/res_company_views.xml",
        "views/hr_department_views.xml",
        "views/menus.xml",
        "views/login_templates.xml",
    ],
    "demo": [
        "demo/snn_docflow_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "snn_docflow/static/src/**/*",
        ],
        "web.assets_tests": [
            "snn_docflow/static/tests/tours/snn_docflow_tours.js",
            "snn_docflow/static/tests/tours/snn_docflow_daily_tours.js",
            "snn_docflow/static/tests/tours/snn_docflow_preview_tours.js",
        ],
    },
    "application": True,
}
