"""The public selectors: the only reads of the catalog the portal makes, and the place where
"nothing unpublished leaves the building" is decided."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import Column, Validity
from gongkai.catalog.selectors import public
from gongkai.catalog.tests.factories import ColumnFactory

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(coordinator):
    return h.world(coordinator)


def test_lists_hold_live_items_only(w):
    ids = set(public.public_items().values_list("pk", flat=True))
    assert ids == {w.live.pk, w.revision.pk}
    assert set(public.public_items(w.column).values_list("pk", flat=True)) == ids
    titles = {e.title for e in public.public_entries(public.public_items())}
    assert titles == {h.LIVE_TITLE, h.REVISED_OLD_TITLE}


def test_lists_are_newest_first(coordinator):
    column = ColumnFactory()
    first = h.live(actor=coordinator, column=column, title="较早")
    second = h.live(actor=coordinator, column=column, title="较新")
    assert list(public.public_items(column).values_list("pk", flat=True)) == [second.pk, first.pk]


def test_revision_in_progress_shows_the_published_version(w):
    document, state = public.public_item(w.revision.pk)
    assert state == public.State.LIVE
    assert document.title == h.REVISED_OLD_TITLE
    assert "修订中的正文" not in document.body
    assert w.revision.title == h.REVISED_NEW_TITLE  # the working copy did change


@pytest.mark.parametrize("name", ["draft", "submitted", "approved"])
def test_unpublished_items_are_not_found(w, name):
    assert public.public_item(getattr(w, name).pk) == (None, public.State.NOT_FOUND)


def test_a_version_without_a_public_state_is_not_found(w):
    """Defence in depth: only LIVE and WITHDRAWN items with a version have a page."""
    from gongkai.catalog.models import Item, PublicState

    Item.objects.filter(pk=w.live.pk).update(public_state=PublicState.NONE)
    assert public.public_item(w.live.pk) == (None, public.State.NOT_FOUND)


def test_unknown_and_junk_ids_are_not_found(db):
    assert public.public_item(987654) == (None, public.State.NOT_FOUND)
    assert public.public_item("abc") == (None, public.State.NOT_FOUND)


def test_withdrawn_item_keeps_its_page_with_the_notice(w):
    document, state = public.public_item(w.withdrawn.pk)
    assert state == public.State.WITHDRAWN
    assert document.title == h.WITHDRAWN_TITLE
    assert document.withdrawal_explanation == "该通知内容已调整"
    assert document.withdrawn_at is not None


def test_removed_item_gives_only_when_and_why(w):
    gone, state = public.public_item(w.removed.pk)
    assert state == public.State.REMOVED
    assert isinstance(gone, public.PublicGone)
    assert gone.explanation == "含有不应公开的内容"
    assert not hasattr(gone, "title") and not hasattr(gone, "body")


def test_switched_off_column_and_its_children_leave_the_portal(coordinator):
    parent = ColumnFactory(code="parent")
    child = ColumnFactory(code="child", parent=parent)
    item = h.live(actor=coordinator, column=child, title="子栏目信息")
    assert public.public_column("child") == child
    parent.is_active = False
    parent.save()
    assert public.public_column("parent") is None
    assert public.public_column("child") is None
    assert not public.public_items().filter(pk=item.pk).exists()
    # the published page itself stays reachable
    assert public.public_item(item.pk)[1] == public.State.LIVE


def test_column_tree_and_path(db):
    root = ColumnFactory(code="fdzdgk", name="法定主动公开内容")
    mid = ColumnFactory(code="zcwj", name="政策文件", parent=root)
    leaf = ColumnFactory(code="gfxwj", name="规范性文件", parent=mid)
    tree = public.public_column_tree()
    assert [n.column for n in tree] == [root]
    assert tree[0].children[0].column == mid
    assert tree[0].children[0].children[0].column == leaf
    assert public.public_column_path(leaf) == [root, mid, leaf]
    assert public.public_children(root) == [mid]


def test_interpretations_are_linked_both_ways(coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    readings = ColumnFactory(code="zcjd", kind=Column.Kind.INTERPRETATION)
    policy = h.live(actor=coordinator, column=policies, title="关于某事的办法")
    reading = h.live(
        actor=coordinator, column=readings, title="《关于某事的办法》解读", interprets=policy
    )
    h.draft(actor=coordinator, column=readings, title="尚未发布的解读", interprets=policy)
    h.withdrawn(actor=coordinator, column=readings, title="已撤回的解读", interprets=policy)
    assert [e.id for e in public.public_interpretations(policy)] == [reading.pk]
    doc, _ = public.public_item(policy.pk)
    assert [e.title for e in doc.interpretations] == ["《关于某事的办法》解读"]
    doc, _ = public.public_item(reading.pk)
    assert doc.interprets.id == policy.pk and doc.interprets.title == "关于某事的办法"


def test_abolished_list_and_replacing_link(coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    old = h.live(actor=coordinator, column=policies, title="旧办法")
    new = h.live(actor=coordinator, column=policies, title="新办法")
    expired = h.live(actor=coordinator, column=policies, title="过期办法")
    h.live(actor=coordinator, column=policies, title="有效办法")
    h.mark_validity(old, Validity.ABOLISHED, dt.date(2026, 9, 28), replaced_by=new)
    h.mark_validity(expired, Validity.EXPIRED, dt.date(2026, 3, 1))
    assert list(public.public_abolished().values_list("pk", flat=True)) == [old.pk, expired.pk]
    doc, _ = public.public_item(old.pk)
    assert doc.validity == Validity.ABOLISHED and doc.validity_verb == "废止"
    assert doc.replaced_by.id == new.pk
    doc, _ = public.public_item(new.pk)
    assert doc.validity_shown == "有效"  # an unmarked policy is in force


def test_replacing_link_is_dropped_when_the_target_is_not_public(coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    old = h.live(actor=coordinator, column=policies, title="旧办法")
    unpublished = h.draft(actor=coordinator, column=policies, title="未发布的新办法")
    h.mark_validity(old, Validity.ABOLISHED, dt.date(2026, 9, 28), replaced_by=unpublished)
    doc, _ = public.public_item(old.pk)
    assert doc.replaced_by is None


def test_latest_per_column_follows_the_home_order(coordinator):
    news = ColumnFactory(code="gzdt", kind=Column.Kind.NEWS, sort_order=1)
    notices = ColumnFactory(code="tzgg", kind=Column.Kind.NOTICE, sort_order=2)
    ColumnFactory(code="other", kind=Column.Kind.OTHER)
    for n in range(3):
        h.live(actor=coordinator, column=notices, title=f"通知{n}")
    h.draft(actor=coordinator, column=notices, title="草稿通知")
    latest = public.public_latest_per_column(2)
    assert [c.code for c, _ in latest] == ["tzgg", "gzdt"]
    assert [e.title for e in latest[0][1]] == ["通知2", "通知1"]
    assert latest[1][1] == []
    assert news in [c for c, _ in latest]


def test_change_notes_and_attachments_come_from_the_published_versions(
    coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    column = ColumnFactory()
    item = h.draft(actor=coordinator, column=column, title="带附件的信息")
    first = h.attach(actor=coordinator, item=item, name="第一版附件.pdf")
    from gongkai.catalog.services import item_approve, item_submit

    item = item_approve(
        actor=coordinator, item=item_submit(actor=coordinator, item=item), publish=True
    )
    item = h.republish(
        actor=coordinator, item=item, change_note="更正联系电话", title="带附件的信息（修订）"
    )
    # a third revision in progress adds an attachment that must not be served
    from gongkai.catalog.services import item_revise

    item = item_revise(actor=coordinator, item=item)
    pending = h.attach(actor=coordinator, item=item, name="修订中附件.pdf")
    doc, _ = public.public_item(item.pk)
    assert doc.title == "带附件的信息（修订）"
    assert [(c.number, c.note) for c in doc.changes] == [(2, "更正联系电话")]
    assert [a.name for a in doc.attachments] == ["第一版附件.pdf"]
    assert public.public_attachment(item.pk, first.pk)[0] == first
    assert public.public_attachment(item.pk, pending.pk) == (None, public.State.NOT_FOUND)


def test_attachments_of_unpublished_and_removed_items_are_not_served(
    coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    column = ColumnFactory()
    item = h.draft(actor=coordinator, column=column, title="草稿")
    att = h.attach(actor=coordinator, item=item, name="草稿附件.pdf")
    assert public.public_attachment(item.pk, att.pk) == (None, public.State.NOT_FOUND)
    from gongkai.catalog.services import item_approve, item_submit, item_withdraw

    item = item_approve(
        actor=coordinator, item=item_submit(actor=coordinator, item=item), publish=True
    )
    assert public.public_attachment(item.pk, att.pk)[0] == att
    item_withdraw(actor=coordinator, item=item, remove=True, explanation="撤下")
    assert public.public_attachment(item.pk, att.pk) == (None, public.State.REMOVED)
