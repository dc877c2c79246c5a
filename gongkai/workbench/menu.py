"""The workbench navigation: apps register their entries here instead of editing a template.

    register(MenuItem("plans", _("工作台账"), "plans:task_list", Action.VIEW, order=20))

An entry shows when the user holds its action for at least one unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from gongkai.orgs.permissions import Action, has_perm


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    url_name: str
    action: Action | None = None
    order: int = 100


_registry: dict[str, MenuItem] = {}


def register(item: MenuItem) -> None:
    _registry[item.key] = item


def items_for(user) -> list[dict]:
    result = []
    for item in sorted(_registry.values(), key=lambda i: (i.order, i.key)):
        if item.action is not None and not has_perm(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": item.key, "label": item.label, "url": url})
    return result
