"""The workbench navigation registry: apps register their entries here (from
`AppConfig.ready()`) instead of editing a template.

    register(MenuItem("plans", _("工作台账"), "plans:task_list", Action.VIEW, order=20))

The registry lives in core, below every domain app, so that a domain app can add its pages to
the navigation without importing the workbench shell. It knows nothing about permissions:
`action` is carried as given, and the workbench (`gongkai.workbench.menu.items_for`) shows an
entry when the user holds that action for at least one unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    url_name: str
    action: Any = None  # a gongkai.orgs.permissions.Action, or None for everyone
    order: int = 100


_registry: dict[str, MenuItem] = {}


def register(item: MenuItem) -> None:
    _registry[item.key] = item


def registered() -> list[MenuItem]:
    """Every entry, in menu order."""
    return sorted(_registry.values(), key=lambda i: (i.order, i.key))
