"""What happens after an item is published or taken down (called on commit, with ids).

Each receiver is a small function owned by its concept; failures are logged, never raised, so a
published item stays published even if, say, the cache cannot be reached. Jobs that may take
time (search indexing) are queued on huey from here.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _run(name, func, **kwargs) -> None:
    try:
        func(**kwargs)
    except Exception:
        logger.exception("catalog event receiver %s failed for %s", name, kwargs)


def item_published(*, item_id: int, actor_id: int | None, first: bool) -> None:
    from gongkai.portal.cache import invalidate_portal_cache
    from gongkai.search import receivers as search

    from .services.binding import bindings_on_publish

    _run("portal cache", invalidate_portal_cache)
    _run("search index", search.item_published, item_id=item_id)
    _run("task binding", bindings_on_publish, item_id=item_id, actor_id=actor_id, first=first)


def item_unpublished(*, item_id: int) -> None:
    from gongkai.portal.cache import invalidate_portal_cache
    from gongkai.search import receivers as search

    _run("search index", search.item_unpublished, item_id=item_id)
    _run("portal cache", invalidate_portal_cache)


def validity_changed(*, item_id: int) -> None:
    """An item's validity (有效性) changed: its public page shows the new status."""
    from gongkai.portal.cache import invalidate_portal_cache
    from gongkai.search import receivers as search

    _run("search index", search.validity_changed, item_id=item_id)
    _run("portal cache", invalidate_portal_cache)


def columns_changed() -> None:
    """A column was created or changed: navigation and column pages change."""
    from gongkai.portal.cache import invalidate_portal_cache

    _run("portal cache", invalidate_portal_cache)
