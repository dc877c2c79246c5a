"""Keeping the STAFF scope (working copies) current: every saved item or attachment is
reindexed after commit, through a huey job. The PUBLIC scope follows publishing and withdrawing
through the catalog's signals (`gongkai.catalog.signals`, handled in `receivers`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_delete


def _item_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    item_id = instance.pk
    transaction.on_commit(lambda: _enqueue(item_id))


def _attachment_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    item_id = instance.item_id
    transaction.on_commit(lambda: _enqueue(item_id))


def _item_deleting(sender, instance, **kwargs):
    """Rows of a deleted item go with it (on SQLite the FTS5 rows are not reached by the
    foreign key's cascade)."""
    from .backends import get_backend
    from .models import Scope

    backend = get_backend()
    for scope in Scope.values:
        backend.delete(scope, [instance.pk])


def _enqueue(item_id: int) -> None:
    from .receivers import working_copy_changed

    working_copy_changed(item_id=item_id)


def connect() -> None:
    from gongkai.catalog import signals as catalog
    from gongkai.catalog.models import Item, ItemAttachment

    from . import receivers

    catalog.item_published.connect(receivers.item_published, dispatch_uid="search_published")
    catalog.item_unpublished.connect(receivers.item_unpublished, dispatch_uid="search_unpublished")
    catalog.validity_changed.connect(receivers.validity_changed, dispatch_uid="search_validity")

    post_save.connect(_item_saved, sender=Item, dispatch_uid="search_item_saved")
    post_save.connect(_attachment_saved, sender=ItemAttachment, dispatch_uid="search_att_saved")
    pre_delete.connect(_item_deleting, sender=Item, dispatch_uid="search_item_deleting")
