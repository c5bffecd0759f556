"""pytest plugin loaded by tools/devenv.py: records each test's Python module in the JUnit XML.

Why: pytest names JUnit test cases after file paths, but whether a test under addons/ is a
real Odoo test depends on the name it was imported under (odoo.addons.<module>.tests...).
devenv counts Odoo tests from this property, so a mis-imported test cannot pass as one.
"""


def pytest_collection_modifyitems(items):
    """Attach the import name of each test's module as the `python_module` property."""
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            item.user_properties.append(("python_module", module.__name__))
