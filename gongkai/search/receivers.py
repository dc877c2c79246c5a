"""What search does when the catalog's signals fire (`gongkai.catalog.signals`, sent on commit
with ids; connected in `signals.connect()`).

item_published      → index the new published version (huey job)
item_unpublished    → remove it from the public index at once (in this process: a
                      withdrawn item must not be found by the next search)
validity_changed    → reindex (validity is a filter)
working_copy_changed → reindex the working copy for staff search (huey job; from signals)
"""

from __future__ import annotations


def item_published(*, item_id: int, **_ignored) -> None:
    from .tasks import index_item_task

    index_item_task(item_id)


def item_unpublished(*, item_id: int, **_ignored) -> None:
    from .services import unindex_item

    unindex_item(item_id=item_id)


def validity_changed(*, item_id: int, **_ignored) -> None:
    from .tasks import index_item_task

    index_item_task(item_id)


def working_copy_changed(*, item_id: int) -> None:
    from .tasks import index_working_copy_task

    index_working_copy_task(item_id)
