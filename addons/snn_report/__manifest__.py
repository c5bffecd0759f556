{
    "name": "Outgoing Documents: Registers and Reports (Sổ đăng ký, báo cáo)",
    "summary": "The outgoing register of Decree 30 (PDF and spreadsheet), paper originals with "
    "their copies counted, the periodic report to the province, and search in the PDFs' text",
    "version": "19.0.1.3.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    # attachment_indexation: Odoo indexes the text of PDF attachments (the signed file's).
    "depends": ["snn_dispatch", "attachment_indexation"],
    # Page numbers are written by the engine (wkhtmltopdf from Debian has no patched Qt);
    # the spreadsheet by XlsxWriter, which Odoo itself requires.
    "external_dependencies": {
        "python": ["snn-sign", "xlsxwriter"],
        "bin": ["wkhtmltopdf"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "report/paperformat_data.xml",
        "report/register_report.xml",
        "report/period_report.xml",
        "report/period_outgoing.xml",
        "wizards/snn_paper_print_views.xml",
        "wizards/snn_register_print_views.xml",
        "wizards/snn_metadata_export_views.xml",
        "wizards/snn_period_report_views.xml",
        "views/snn_document_views.xml",
        "views/snn_register_views.xml",
        "views/snn_document_search_views.xml",
        "views/snn_incoming_document_views.xml",
        "views/snn_document_report_views.xml",
        "views/menus.xml",
    ],
    "post_init_hook": "_index_existing_pdfs",
    "assets": {
        "web.assets_tests": [
            "snn_report/static/tests/tours/snn_report_tours.js",
            "snn_report/static/tests/tours/snn_period_document_tour.js",
        ],
    },
}
