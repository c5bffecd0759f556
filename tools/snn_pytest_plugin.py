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


# Figures a test measured (throughput, counts) are for people, not assertions: a test prints
# them on a line starting with FIGURE_PREFIX and they are repeated at the end of the run.
FIGURE_PREFIX = "figure: "
_figures = []


def pytest_runtest_logreport(report):
    """Keep the figure lines of passed tests' captured output."""
    if report.when == "call" and report.passed:
        for line in report.capstdout.splitlines():
            if line.startswith(FIGURE_PREFIX):
                _figures.append(line[len(FIGURE_PREFIX) :])


def pytest_terminal_summary(terminalreporter):
    if _figures:
        terminalreporter.section("measured figures")
        for figure in _figures:
            terminalreporter.write_line(figure)
