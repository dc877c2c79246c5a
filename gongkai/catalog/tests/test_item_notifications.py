"""Each hand-off of an item notifies exactly the people who act next, once, inside the service's
transaction: never the actor, never another unit's staff."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from gongkai.catalog import notifications as kinds
from gongkai.catalog.models import Column
from gongkai.catalog.services.items import (
    item_approve,
    item_create,
    item_publish,
    item_return,
    item_submit,
    item_update,
    item_withdraw,
)
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import Notification
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def news():
    return ColumnFactory(kind=Column.Kind.NEWS, name="工作动态")


def draft(actor, unit, column, title="关于开展安全生产检查的通知"):
    return item_create(actor=actor, unit=unit, column=column, title=title, body="<p>正文。</p>")


def received(kind) -> dict:
    """{user: [notification, …]} for one kind."""
    out: dict = {}
    for n in Notification.objects.filter(kind=kind).select_related("user"):
        out.setdefault(n.user, []).append(n)
    return out


def assert_sent_once(kind, users) -> list[Notification]:
    got = received(kind)
    assert set(got) == set(users)
    assert Notification.objects.filter(kind=kind).count() == len(set(users))
    return [n for ns in got.values() for n in ns]


def test_submit_notifies_the_units_reviewers(staff, unit_a, news):
    item = draft(staff["liaison"], unit_a, news)
    assert not Notification.objects.exists()  # drafting is no hand-off
    item_submit(actor=staff["liaison"], item=item)
    notes = assert_sent_once(kinds.ITEM_SUBMITTED, {staff["reviewer"], staff["reviewer2"]})
    for n in notes:
        assert n.title == "信息待审核：关于开展安全生产检查的通知"
        assert n.url == reverse("catalog:item_detail", args=[item.pk])
        assert item.index_number in n.body
    assert Notification.objects.count() == 2  # nothing else: no other kind, no other user


def test_submit_in_a_unit_without_reviewers_goes_to_the_coordinators(staff, news):
    unit = UnitFactory(name="没有审核人的局")
    liaison = user_with_role(Role.LIAISON, unit=unit)
    other_coordinator = user_with_role(Role.COORDINATOR)
    item_submit(actor=liaison, item=draft(liaison, unit, news))
    assert_sent_once(kinds.ITEM_SUBMITTED, {staff["coordinator"], other_coordinator})


def test_submit_by_a_coordinator_skips_the_actor(staff, news):
    unit = UnitFactory(name="没有审核人的局")
    other_coordinator = user_with_role(Role.COORDINATOR)
    item_submit(actor=staff["coordinator"], item=draft(staff["coordinator"], unit, news))
    assert_sent_once(kinds.ITEM_SUBMITTED, {other_coordinator})


def test_return_notifies_the_authors_and_liaisons(staff, unit_a, news):
    # created by a 联络员, last edited by a 审核人, submitted by the other 联络员
    item = draft(staff["liaison"], unit_a, news)
    item = item_update(actor=staff["reviewer2"], item=item, summary="摘要")
    item = item_submit(actor=staff["liaison2"], item=item)
    item_return(actor=staff["reviewer"], item=item, reason="请补充附件")
    notes = assert_sent_once(
        kinds.ITEM_RETURNED, {staff["liaison"], staff["liaison2"], staff["reviewer2"]}
    )
    assert all(n.title.startswith("信息被退回：") and "请补充附件" in n.body for n in notes)


def test_an_author_who_left_the_unit_is_not_told(staff, unit_a, news):
    creator = user_with_role(Role.LIAISON, unit=unit_a)
    item = item_submit(actor=creator, item=draft(creator, unit_a, news))
    Membership.objects.filter(user=creator).update(unit=UnitFactory())  # moved to another unit
    item_return(actor=staff["reviewer"], item=item, reason="请修改")
    assert_sent_once(kinds.ITEM_RETURNED, {staff["liaison"], staff["liaison2"]})


def test_a_coordinator_author_is_told_of_the_return(staff, unit_a, news):
    item = draft(staff["coordinator"], unit_a, news)
    item = item_submit(actor=staff["coordinator"], item=item)
    item_return(actor=staff["reviewer"], item=item, reason="请修改")
    assert_sent_once(
        kinds.ITEM_RETURNED, {staff["coordinator"], staff["liaison"], staff["liaison2"]}
    )


def test_approve_notifies_authors_liaisons_and_who_publishes(staff, unit_a, news):
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    item_approve(actor=staff["reviewer"], item=item)
    notes = assert_sent_once(
        kinds.ITEM_APPROVED, {staff["liaison"], staff["liaison2"], staff["reviewer2"]}
    )
    assert all(n.title.startswith("信息已审核通过，待发布：") for n in notes)
    assert not Notification.objects.filter(kind=kinds.ITEM_PUBLISHED).exists()


def test_approve_and_publish_sends_published_only(staff, unit_a, news):
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    item_approve(actor=staff["reviewer"], item=item, publish=True)
    notes = assert_sent_once(kinds.ITEM_PUBLISHED, {staff["liaison"], staff["liaison2"]})
    assert all(n.title == "信息已发布：关于开展安全生产检查的通知" for n in notes)
    assert all("第1版" in n.body for n in notes)
    assert not Notification.objects.filter(kind=kinds.ITEM_APPROVED).exists()


def test_publish_notifies_authors_and_liaisons(staff, unit_a, news):
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    item = item_approve(actor=staff["reviewer"], item=item)
    Notification.objects.all().delete()
    item_publish(actor=staff["reviewer2"], item=item)
    assert_sent_once(kinds.ITEM_PUBLISHED, {staff["liaison"], staff["liaison2"]})
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(("remove", "title"), [(False, "信息已撤回"), (True, "信息已撤下")])
def test_withdraw_notifies_the_units_staff(staff, unit_a, news, remove, title):
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    item = item_approve(actor=staff["reviewer"], item=item, publish=True)
    Notification.objects.all().delete()
    item_withdraw(actor=staff["reviewer"], item=item, remove=remove, explanation="内容已过时")
    notes = assert_sent_once(
        kinds.ITEM_WITHDRAWN, {staff["liaison"], staff["liaison2"], staff["reviewer2"]}
    )
    assert all(n.title.startswith(f"{title}：") and "内容已过时" in n.body for n in notes)


def test_other_units_leaders_and_inactive_users_are_never_told(staff, unit_a, news):
    staff["liaison2"].is_active = False
    staff["liaison2"].save(update_fields=["is_active"])
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    item = item_approve(actor=staff["reviewer"], item=item, publish=True)
    item_withdraw(actor=staff["reviewer"], item=item, remove=False, explanation="过时")
    told = set(Notification.objects.values_list("user", flat=True))
    for outsider in ("liaison_b", "reviewer_b", "leader", "liaison2"):
        assert staff[outsider].pk not in told, outsider


def test_a_refused_step_notifies_nobody(staff, unit_a, news):
    item = item_submit(actor=staff["liaison"], item=draft(staff["liaison"], unit_a, news))
    Notification.objects.all().delete()
    with pytest.raises(ValidationFailed):
        item_return(actor=staff["reviewer"], item=item, reason=" ")
    with pytest.raises(ValidationFailed):
        item_approve(actor=staff["reviewer"], item=item, expected_version=item.version - 1)
    assert not Notification.objects.exists()


def test_a_rolled_back_step_leaves_no_notification(staff, unit_a, news):
    item = draft(staff["liaison"], unit_a, news)
    with pytest.raises(RuntimeError), transaction.atomic():
        item_submit(actor=staff["liaison"], item=item)
        assert Notification.objects.filter(kind=kinds.ITEM_SUBMITTED).count() == 2
        raise RuntimeError("the caller's transaction fails after the service call")
    assert not Notification.objects.exists()
    item.refresh_from_db()
    assert item.status == "draft"
