"""Background jobs of search (huey; discovered by `run_huey`). They take ids, never objects."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def index_item_task(item_id: int) -> bool:
    return services.index_item(item_id=item_id)


@db_task()
def unindex_item_task(item_id: int) -> int:
    return services.unindex_item(item_id=item_id)


@db_task()
def index_working_copy_task(item_id: int) -> bool:
    return services.index_working_copy(item_id=item_id)


@db_task()
def reindex_task(scope: str | None = None) -> list[int]:
    """Rebuild one scope or both (after a dictionary change), keeping search available."""
    scopes = [scope] if scope else ["public", "staff"]
    return [services.reindex(scope=s, workers=0).items for s in scopes]
