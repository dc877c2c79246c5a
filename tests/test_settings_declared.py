"""Every setting the code reads is declared in config/settings/base.py (so it is documented in
one place and read from the environment there), and read as plain `settings.NAME`, never with
a `getattr(settings, "NAME", default)` that hides a second default."""

from __future__ import annotations

import ast
from pathlib import Path

import config.settings.base as base

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "gongkai", ROOT / "config"]


def _modules():
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
                continue
            yield path


def _settings_aliases(tree: ast.AST) -> set[str]:
    """Names bound to django.conf.settings in a module (`from django.conf import settings`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.conf":
            names |= {a.asname or a.name for a in node.names if a.name == "settings"}
    return names


def _reads(path: Path) -> tuple[set[str], list[str]]:
    """(setting names read, `getattr(settings, ...)` calls found) in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases = _settings_aliases(tree)
    names, getattrs = set(), []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.isupper()
        ):
            names.add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in aliases
        ):
            getattrs.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return names, getattrs


def _scan():
    names: dict[str, list[str]] = {}
    getattrs: list[str] = []
    for path in _modules():
        found, calls = _reads(path)
        for name in found:
            names.setdefault(name, []).append(str(path.relative_to(ROOT)))
        getattrs += calls
    return names, getattrs


def test_the_scan_finds_settings():
    names, _ = _scan()
    # A scan that silently found nothing would pass the tests below.
    assert {"SITE_OWNER", "GONGKAI_BASE_URL", "PLANS_DUE_SOON_WORKDAYS"} <= set(names)


def test_every_setting_read_is_declared_in_base():
    names, _ = _scan()
    missing = {name: where for name, where in names.items() if not hasattr(base, name)}
    assert missing == {}, f"declare these in config/settings/base.py: {missing}"


def test_settings_are_read_without_a_hidden_default():
    _, getattrs = _scan()
    assert getattrs == [], (
        f"read settings.NAME (declared in base.py) instead of getattr: {getattrs}"
    )


def test_the_scan_sees_getattr_and_undeclared_names(tmp_path, monkeypatch):
    module = tmp_path / "sample.py"
    module.write_text(
        "from django.conf import settings as s\n"
        "a = s.NOT_DECLARED_ANYWHERE\n"
        "b = getattr(s, 'SITE_OWNER', '')\n"
    )
    monkeypatch.setattr("tests.test_settings_declared.ROOT", tmp_path)
    names, getattrs = _reads(module)
    assert names == {"NOT_DECLARED_ANYWHERE"} and not hasattr(base, "NOT_DECLARED_ANYWHERE")
    assert getattrs == ["sample.py:3"]
