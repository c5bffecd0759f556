{
    "name": "Outgoing Documents: Office Drafts (Dự thảo Word, ODT)",
    "summary": "The drafter attaches the .docx (.odt, .doc) they wrote, as the draft or an "
    "appendix: LibreOffice headless converts it into the PDF that goes for review; the source "
    "file is kept beside it",
    "version": "19.0.1.0.0",
    "category": "Productivity/Documents",
    "author": "SNN Docflow contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["snn_dispatch"],
    # The conversion is snn-office-convert's (snn_office_convert), run by LibreOffice from Debian's
    # libreoffice-writer-nogui; the module refuses to install without soffice.
    "external_dependencies": {"python": ["snn-office-convert", "snn-sign"], "bin": ["soffice"]},
    "data": [
        "views/snn_document_views.xml",
    ],
}
