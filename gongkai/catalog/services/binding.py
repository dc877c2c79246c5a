"""Task binding (placeholder until the binding part lands)."""

from __future__ import annotations


def bindings_on_publish(*, item_id: int, actor_id: int | None) -> None:
    pass
