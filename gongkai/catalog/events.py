"""What happens after an item is published or taken down (called on commit, with ids).

Each function sends one of the catalog's signals (`gongkai.catalog.signals`) to the apps that
subscribed (the portal's page cache, the search index) and runs the catalog's own follow-up
(task binding). Failures are logged, never raised, so a published item stays published even if,
say, the cache cannot be reached. Receivers that may take time (search indexing) queue huey jobs.
"""

from __future__ import annotations

import logging

from . import signals

logger = logging.getLogger(__name__)


def _run(name, func, **kwargs) -> None:
    try:
        func(**kwargs)
    except Exception:
        logger.exception("catalog event receiver %s failed for %s", name, kwargs)


def _send(signal, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "catalog event receiver %s failed for %s",
                getattr(receiver, "__qualname__", receiver),
                kwargs,
                exc_info=result,
            )


def item_published(*, item_id: int, actor_id: int | None, first: bool) -> None:
    from .services.binding import bindings_on_publish

    _send(signals.item_published, item_id=item_id, actor_id=actor_id, first=first)
    _run("task binding", bindings_on_publish, item_id=item_id, actor_id=actor_id, first=first)


def item_unpublished(*, item_id: int) -> None:
    _send(signals.item_unpublished, item_id=item_id)


def validity_changed(*, item_id: int) -> None:
    """An item's validity (有效性) changed: its public page shows the new status."""
    _send(signals.validity_changed, item_id=item_id)


def columns_changed() -> None:
    """A column was created or changed: navigation and column pages change."""
    _send(signals.columns_changed)
