"""The Vietnamese translation of every Odoo module is complete and keeps every placeholder.

Officials work in Vietnamese: an untranslated button or a broken "%(doc)s" in an error is a bug
they see. An entry left empty because it reads the same in Vietnamese carries the translator
comment "same in Vietnamese". (The .pot itself is exported from a database with
`odoo-bin i18n export`.)
"""

import re
from pathlib import Path

import polib
import pytest

ADDONS = Path(__file__).resolve().parent.parent / "addons"
POT_FILES = sorted(ADDONS.glob("*/i18n/*.pot"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%d|</?[a-z]+[^>]*>")
# OCA's po-pretty-format (make lint) empties a msgstr equal to its msgid ("ID", "URL", a sample
# value); such an entry says so in a translator comment, so a forgotten one still fails here.
SAME = "same in Vietnamese"


@pytest.mark.parametrize("pot_path", POT_FILES, ids=lambda p: p.parent.parent.name)
def test_vietnamese_translation_complete(pot_path):
    po_path = pot_path.with_name("vi.po")
    assert po_path.exists(), f"{po_path} is missing"
    translations = {entry.msgid: entry for entry in polib.pofile(str(po_path))}
    problems = []
    for entry in polib.pofile(str(pot_path)):
        translated = translations.get(entry.msgid)
        if translated is not None and not translated.msgstr and SAME in translated.tcomment:
            continue  # Odoo shows the msgid, which is the Vietnamese too
        if translated is None or not translated.msgstr or translated.fuzzy:
            problems.append(f"untranslated: {entry.msgid!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(
            PLACEHOLDER.findall(translated.msgstr)
        ):
            problems.append(f"placeholders differ: {entry.msgid!r} -> {translated.msgstr!r}")
    assert not problems, "\n".join(problems)


def test_every_module_has_a_translation_template():
    modules = [p.parent for p in ADDONS.glob("*/__manifest__.py")]
    assert modules
    assert {p.parent.parent for p in POT_FILES} == set(modules)
