"""The import graph of gongkai/ keeps its layers (docs/architecture.md, "Layers").

The contracts live in pyproject.toml ([tool.importlinter]) and are checked with import-linter,
whose graph (grimp) parses every module, imports inside functions included:

* `layers`: shells (portal, workbench, api, demo) > foi | search > catalog > plans > orgs > core.
  A layer imports only from layers below it, so there is no cycle between apps (core <-> orgs
  included), and foi and search do not import each other.
* `shells`: the domain apps, orgs and core import nothing from the shells.

Tests are left out: a test may reach across layers.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter import cli

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"


def _contract(contract_id: str) -> dict:
    contracts = tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


@pytest.fixture(scope="module")
def layers() -> list[set[str]]:
    return [
        {name.strip() for name in layer.replace(":", "|").split("|")}
        for layer in _contract("layers")["layers"]
    ]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The graph the `layers` contract sees: without tests and the imports it ignores."""
    graph = grimp.build_graph("gongkai", cache_dir=None)
    for module in list(graph.modules):
        if ".tests" in module:
            graph.remove_module(module)
    for ignored in _contract("layers")["ignore_imports"]:
        if "*" not in ignored:
            importer, imported = (part.strip() for part in ignored.split("->"))
            graph.remove_import(importer=importer, imported=imported)
    return graph


def test_the_contracts_are_kept(capsys):
    status = cli.lint_imports(config_filename=str(CONFIG), no_cache=True, no_logo=True)
    assert status == cli.EXIT_STATUS_SUCCESS, capsys.readouterr().out


def test_the_graph_sees_imports_inside_functions(graph):
    # gongkai.search.signals.connect() imports the catalog's signals inside the function.
    assert graph.direct_import_exists(
        importer="gongkai.search.signals", imported="gongkai.catalog.signals"
    )


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("gongkai.core.audit", "gongkai.orgs.permissions"),  # core -> orgs: a cycle
        ("gongkai.catalog.events", "gongkai.portal.cache"),  # domain -> shell
        ("gongkai.plans.apps", "gongkai.workbench.menu"),  # domain -> shell
        ("gongkai.catalog.services.items", "gongkai.search.receivers"),  # catalog <-> search
        ("gongkai.foi.selectors", "gongkai.search.selectors"),  # siblings stay independent
    ],
)
def test_a_wrong_way_import_would_be_caught(graph, layers, importer, imported):
    assert not graph.find_illegal_dependencies_for_layers(layers=layers)
    graph.add_import(importer=importer, imported=imported)
    try:
        assert graph.find_illegal_dependencies_for_layers(layers=layers)
    finally:
        graph.remove_import(importer=importer, imported=imported)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import each other in a circle (strongly connected components
    of more than one module, Tarjan's algorithm, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work += [(node, j + 1), (nxt, 0)]
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return cycles


def test_no_module_imports_in_a_circle(graph):
    """Not only apps: no two modules under gongkai/ import each other, directly or through
    others (imports inside functions count)."""
    assert import_cycles(graph) == []


def test_a_module_cycle_would_be_caught(graph):
    graph.add_import(importer="gongkai.core.workdays", imported="gongkai.core.audit")
    graph.add_import(importer="gongkai.core.audit", imported="gongkai.core.workdays")
    try:
        assert ["gongkai.core.audit", "gongkai.core.workdays"] in import_cycles(graph)
    finally:
        graph.remove_import(importer="gongkai.core.workdays", imported="gongkai.core.audit")
        graph.remove_import(importer="gongkai.core.audit", imported="gongkai.core.workdays")
