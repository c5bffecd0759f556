"""Vietnamese for Odoo's own terms that Odoo 19 leaves in English (i18n_extra/vi.po here).

Odoo reads a module's i18n_extra beside its i18n, but as the module's own terms: a view's terms
would be applied in whatever order the modules are loaded (Odoo's "Email" may come last), and
the web client looks a term up in its own module's translations first, where Odoo's empty or
English entry hides ours. So the view terms are applied after Odoo's, and the web client's terms
are served under the module they belong to.
"""

import functools

from odoo import api, models
from odoo.tools.misc import file_path
from odoo.tools.translate import (
    JAVASCRIPT_TRANSLATION_COMMENT,
    TranslationImporter,
    get_base_langs,
    translation_file_reader,
)

MODULE = "snn_docflow"


def extra_po_paths(lang):
    """Our i18n_extra files for ``lang`` (vi, then vi_VN), those that exist."""
    paths = []
    for name in get_base_langs(lang or ""):
        try:
            paths.append(file_path(f"{MODULE}/i18n_extra/{name}.po"))
        except FileNotFoundError:
            continue
    return paths


@functools.cache
def web_terms(lang):
    """{module: {English: translation}} of the web client's terms in our i18n_extra."""
    terms = {}
    for path in extra_po_paths(lang):
        with open(path, "rb") as po:
            for row in translation_file_reader(po, fileformat="po"):
                if (
                    row.get("type") == "code"
                    and row.get("value")
                    and JAVASCRIPT_TRANSLATION_COMMENT in row["comments"]
                ):
                    terms.setdefault(row["module"], {})[row["src"]] = row["value"]
    return terms


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def _get_translations_for_webclient(self, modules, lang):
        # Also what _get_web_translations_hash hashes: the hash changes with the terms.
        translations, lang_params = super()._get_translations_for_webclient(modules, lang)
        terms = web_terms(lang or self.env.context.get("lang"))
        everywhere = {src: value for ours in terms.values() for src, value in ours.items()}
        for module, served in translations.items():
            # Ours under their module; and wherever another module serves the same English:
            # the client also keeps one map of all modules (the last one served wins).
            merged = {m["id"]: m["string"] for m in served["messages"]}
            mine = {src: v for src, v in everywhere.items() if src in merged}
            mine.update(terms.get(module, {}))
            if mine:
                merged.update(mine)
                translations[module] = {
                    "messages": tuple({"id": k, "string": v} for k, v in merged.items())
                }
        return translations, lang_params


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False):
        super()._load_module_terms(modules, langs, overwrite=overwrite)
        if MODULE not in modules:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            for path in extra_po_paths(lang):
                importer.load_file(path, lang)
        importer.save(overwrite=True)
