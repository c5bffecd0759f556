{
    "name": "Outgoing Documents: Digital Signatures (Ký số)",
    "summary": "The clerk's issue numbers, stamps and signs the document with the signer's and "
    "the organisation's keys on a PKCS#11 token, through the token bridge",
    "version": "19.0.1.1.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["snn_docflow"],
    # The distribution that brings the snn_sign engine (setup.cfg at the repository root).
    "external_dependencies": {"python": ["snn-sign"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/snn_sign_bridge_views.xml",
        "views/snn_csc_service_views.xml",
        "views/snn_signature_request_views.xml",
        "wizards/snn_document_reason_wizard_views.xml",
        "views/snn_signature_views.xml",
        "views/snn_document_views.xml",
        "views/snn_document_attachment_views.xml",
        "views/res_users_views.xml",
        "views/res_company_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "snn_signing/static/src/scss/signature_panel.scss",
            "snn_signing/static/src/authorize/authorize_signature.js",
            "snn_signing/static/src/authorize/authorize_signature.xml",
            "snn_signing/static/src/pc_token/pc_token_sign.js",
            "snn_signing/static/src/pc_token/pc_token_sign.xml",
        ],
        "web.assets_tests": [
            "snn_signing/static/tests/tours/snn_signing_tours.js",
            "snn_signing/static/tests/tours/snn_signature_panel_tours.js",
            "snn_signing/static/tests/tours/snn_pc_token_tours.js",
        ],
    },
}
