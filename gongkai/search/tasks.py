"""Background jobs of search (huey; discovered by `run_huey`). They take ids, never objects.

Indexing one item is retried: the usual failure is passing — on SQLite, a full rebuild's copy
of a large shard holds the write lock (2–4 s a shard at 200,000 items, 15–16 s at a
million, 2 shards) and a writer waiting longer than the busy timeout fails with "database is
locked". Retrying costs nothing: each job writes the item's current state, whatever came
before."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services

#: Attempts after the first, and the pause before each (seconds).
RETRIES = 3
RETRY_DELAY = 30


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def index_item_task(item_id: int) -> bool:
    return services.index_item(item_id=item_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def unindex_item_task(item_id: int) -> int:
    return services.unindex_item(item_id=item_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def index_working_copy_task(item_id: int) -> bool:
    return services.index_working_copy(item_id=item_id)


@db_task()
def reindex_task(scope: str | None = None) -> list[int]:
    """Rebuild one scope or both (after a dictionary change), keeping search available."""
    scopes = [scope] if scope else ["public", "staff"]
    return [services.reindex(scope=s, workers=0).items for s in scopes]
