{
    "name": "Electronic Copies (Sao y, sao lục, trích sao)",
    "summary": "The clerk makes an electronic copy of an issued or incoming document: numbered "
    "in the organisation's series of copies of the year, sealed top right of page 1 with the "
    "form of copy, the organisation and the time (Decree 30, Art. 25-27)",
    "version": "19.0.1.2.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    # Not "snn_copy": Odoo's --test-tags reads "/snn_copy" as a file path (its pattern for
    # files, "/….py", takes any character before "py"), and would run none of its tests.
    "depends": ["snn_incoming", "snn_report"],
    # The seal and the pages of an extract are snn-sign's (snn_sign.signing, snn_sign.extract).
    "external_dependencies": {"python": ["snn-sign"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "wizards/snn_copy_wizard_views.xml",
        "wizards/snn_copy_send_wizard_views.xml",
        "views/snn_document_copy_views.xml",
        "views/snn_document_views.xml",
        "views/snn_incoming_document_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "snn_copies/static/tests/tours/snn_copy_tours.js",
        ],
    },
}
