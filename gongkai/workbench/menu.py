"""The workbench navigation as one user sees it: the entries apps registered in
`gongkai.core.menu`, filtered by the user's permissions."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from gongkai.core.menu import registered
from gongkai.orgs.permissions import has_perm


def items_for(user) -> list[dict]:
    result = []
    for item in registered():
        if item.action is not None and not has_perm(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": item.key, "label": item.label, "url": url})
    return result
