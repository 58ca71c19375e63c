"""Territory sits below intel: dispatch may use the grid index and address matcher, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import gridgov.territory

TERRITORY = Path(gridgov.territory.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_territory_does_not_import_intel():
    offenders = {
        str(path.relative_to(TERRITORY)): sorted(
            m for m in _imported_modules(path) if m.startswith("gridgov.intel")
        )
        for path in TERRITORY.rglob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
