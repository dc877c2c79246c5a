"""Signals the catalog sends on commit when public content changes, with ids only.

Apps above the catalog subscribe in their `AppConfig.ready()` (the portal drops its page cache,
search reindexes), so the catalog never imports them. Senders are `gongkai.catalog.events`.

item_published      item_id, actor_id, first (True for the item's first publication)
item_unpublished    item_id (withdrawn or removed)
validity_changed    item_id (its 有效性 changed: the public page and search filters change)
columns_changed     (no arguments: a column was created or changed)
"""

from __future__ import annotations

from django.dispatch import Signal

item_published = Signal()
item_unpublished = Signal()
validity_changed = Signal()
columns_changed = Signal()
