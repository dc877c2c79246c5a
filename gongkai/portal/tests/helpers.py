"""Items in every workflow state, made through the catalog services (as in production).

`world(actor)` builds one column with one item per state, each with a distinct title, so a
test can assert that exactly the LIVE title appears in a list and that no other title does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from gongkai.catalog.models import Column, Item, Validity
from gongkai.catalog.services import (
    item_approve,
    item_attach,
    item_create,
    item_revise,
    item_submit,
    item_update,
    item_withdraw,
)
from gongkai.catalog.tests.factories import ColumnFactory, published_item
from gongkai.core.uploads import CheckedUpload
from gongkai.orgs.tests.factories import UnitFactory

LIVE_TITLE = "公开中的通知"
REVISED_OLD_TITLE = "修订前已发布的标题"
REVISED_NEW_TITLE = "修订中尚未发布的新标题"
WITHDRAWN_TITLE = "已撤回的通知"
REMOVED_TITLE = "已撤下的通知"
HIDDEN_TITLES = {
    "draft": "草稿中的通知",
    "submitted": "待审核的通知",
    "approved": "已审核未发布的通知",
    "revision": REVISED_NEW_TITLE,
    "withdrawn": WITHDRAWN_TITLE,
    "removed": REMOVED_TITLE,
}


def draft(*, actor, column, title, unit=None, body="<p>正文。</p>", **fields) -> Item:
    return item_create(
        actor=actor, unit=unit or UnitFactory(), column=column, title=title, body=body, **fields
    )


def submitted(*, actor, column, title, **fields) -> Item:
    return item_submit(actor=actor, item=draft(actor=actor, column=column, title=title, **fields))


def approved(*, actor, column, title, **fields) -> Item:
    return item_approve(
        actor=actor, item=submitted(actor=actor, column=column, title=title, **fields)
    )


def live(*, actor, column, title, **fields) -> Item:
    return published_item(actor=actor, column=column, title=title, **fields)


def withdrawn(*, actor, column, title, explanation="内容已过时", remove=False, **fields) -> Item:
    item = live(actor=actor, column=column, title=title, **fields)
    item = item_withdraw(actor=actor, item=item, remove=remove, explanation=explanation)
    item.refresh_from_db()
    return item


def revising(*, actor, column, old_title, new_title, **fields) -> Item:
    """A published item whose revision (with a new title and body) is not yet published."""
    item = live(actor=actor, column=column, title=old_title, **fields)
    item = item_revise(actor=actor, item=item)
    item = item_update(actor=actor, item=item, title=new_title, body="<p>修订中的正文。</p>")
    item.refresh_from_db()
    return item


def republish(*, actor, item: Item, change_note: str, **fields) -> Item:
    """Revise a live item and publish the revision with a public change note."""
    item = item_revise(actor=actor, item=item)
    if fields:
        item = item_update(actor=actor, item=item, **fields)
    item = item_submit(actor=actor, item=item)
    item = item_approve(actor=actor, item=item, publish=True, change_note=change_note)
    item.refresh_from_db()
    return item


def mark_validity(
    item: Item, validity: str, day: dt.date, replaced_by: Item | None = None, note=""
):
    """Mark validity directly (the validity service belongs to another part of the catalog)."""
    Item.objects.filter(pk=item.pk).update(
        validity=validity, validity_date=day, replaced_by=replaced_by, validity_note=note
    )
    item.refresh_from_db()
    return item


def pdf(name: str = "附件.pdf", text: str = "hello") -> CheckedUpload:
    data = b"%PDF-1.4\n" + text.encode() + b"\n%%EOF\n"
    return CheckedUpload(
        name=name,
        data=data,
        kind="pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def attach(*, actor, item: Item, name: str, text: str = "hello"):
    return item_attach(actor=actor, item=item, upload=pdf(name, text))


@dataclass
class World:
    column: Column
    live: Item
    draft: Item
    submitted: Item
    approved: Item
    revision: Item
    withdrawn: Item
    removed: Item

    @property
    def hidden(self) -> list[Item]:
        return [self.draft, self.submitted, self.approved, self.withdrawn, self.removed]


def world(actor, *, code: str = "tzgg", kind=Column.Kind.NOTICE) -> World:
    column = ColumnFactory(code=code, name="通知公告", kind=kind)
    return World(
        column=column,
        live=live(actor=actor, column=column, title=LIVE_TITLE),
        draft=draft(actor=actor, column=column, title=HIDDEN_TITLES["draft"]),
        submitted=submitted(actor=actor, column=column, title=HIDDEN_TITLES["submitted"]),
        approved=approved(actor=actor, column=column, title=HIDDEN_TITLES["approved"]),
        revision=revising(
            actor=actor, column=column, old_title=REVISED_OLD_TITLE, new_title=REVISED_NEW_TITLE
        ),
        withdrawn=withdrawn(
            actor=actor, column=column, title=WITHDRAWN_TITLE, explanation="该通知内容已调整"
        ),
        removed=withdrawn(
            actor=actor,
            column=column,
            title=REMOVED_TITLE,
            remove=True,
            explanation="含有不应公开的内容",
        ),
    )


__all__ = [
    "HIDDEN_TITLES",
    "LIVE_TITLE",
    "REMOVED_TITLE",
    "REVISED_NEW_TITLE",
    "REVISED_OLD_TITLE",
    "WITHDRAWN_TITLE",
    "Validity",
    "World",
    "approved",
    "attach",
    "draft",
    "live",
    "mark_validity",
    "republish",
    "revising",
    "submitted",
    "withdrawn",
    "world",
]
