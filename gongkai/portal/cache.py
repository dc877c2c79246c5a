"""The portal's anonymous page cache: a version number in the shared cache that every cached
page key includes; publishing or withdrawing bumps it (placeholder until the portal part lands)."""

from __future__ import annotations


def invalidate_portal_cache() -> None:
    pass
