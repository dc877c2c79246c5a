"""The workbench is a shell: it composes the domain apps; they never import it."""

from __future__ import annotations

import ast
from pathlib import Path

import gongkai

ROOT = Path(gongkai.__file__).parent
DOMAIN_APPS = ("core", "orgs", "plans", "catalog", "foi", "search", "portal", "api")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_apps_do_not_import_the_workbench():
    offenders = []
    for app in DOMAIN_APPS:
        for path in (ROOT / app).rglob("*.py"):
            # apps.py registers menu entries (the menu registry is moving out of the workbench);
            # tests may drive workbench pages.
            if path.name == "apps.py" or "tests" in path.parts:
                continue
            if any(name.startswith("gongkai.workbench") for name in _imports(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_plans_does_not_read_catalog_figures():
    """The dashboard mixing ledger and catalog figures is composed in the workbench."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "plans").rglob("*.py")
        if "tests" not in path.parts
        and any(name.startswith("gongkai.catalog") for name in _imports(path))
    ]
    assert offenders == []
