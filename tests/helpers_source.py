"""Reading the project's Python source without importing it."""

from __future__ import annotations

import ast


def imported_names(code: str) -> list[str]:
    """The module of each absolute import in the Python source ``code``, at any nesting
    (function bodies, try/except): ``import a.b`` and ``from a.b import c`` both give "a.b"."""
    names = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names
