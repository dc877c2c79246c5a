"""The home page's "查看全部" links open a list filtered to exactly the group's rows: the FOI
queue's 待我办理 / 答复待我审核 and the item list's 被退回修改, scoped to the role's units."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gongkai.catalog.services import items as item_services
from gongkai.catalog.tests.factories import ItemFactory
from gongkai.foi.models import Application, Status
from gongkai.foi.tests.factories import application
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import MembershipFactory, UnitFactory, user_with_role
from gongkai.workbench import todo

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")


def _group(response, section: str, key: str) -> todo.Group:
    sec = next(s for s in response.context["sections"] if s.key == section)
    return next(g for g in sec.groups if g.key == key)


def _ids(group: todo.Group) -> set[int]:
    return {int(re.search(r"/(\d+)/", r.url).group(1)) for r in group.rows}


def _listed(client, url: str) -> tuple[set[int], int, str]:
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    return {o.pk for o in page.object_list}, page.paginator.count, response.content.decode()


def _returned_item(unit, reviewer, liaison, title):
    item = ItemFactory(unit=unit, title=title)
    item_services.item_submit(actor=liaison, item=item)
    item_services.item_return(actor=reviewer, item=item, reason="请补充附件")
    return item


@pytest.fixture
def units(unit_a, unit_b):
    return unit_a, unit_b, UnitFactory(name="高新区丙局", short_name="丙局")


@pytest.fixture
def mixed(units):
    """Liaison of 甲局 and reviewer of 乙局: each card and each link covers only its own unit."""
    unit_a, unit_b, _ = units
    user = user_with_role(Role.LIAISON, unit=unit_a, username="mixed")
    MembershipFactory(user=user, role=Role.REVIEWER, unit=unit_b)
    return user


def _applications(units, user):
    unit_a, unit_b, unit_c = units
    waiting = [application(unit=unit_a), application(unit=unit_a)]
    pending_a = application(unit=unit_a)
    open_b = application(unit=unit_b)  # the user edits 乙局 as its reviewer: not a liaison's task
    pending_b = application(unit=unit_b)
    application(unit=unit_c)
    application()  # unassigned
    Application.objects.filter(pk__in=[pending_a.pk, pending_b.pk]).update(
        status=Status.REPLY_PENDING
    )
    Application.objects.filter(pk=waiting[1].pk).update(handler=user)
    return {"waiting": {a.pk for a in waiting}, "pending_b": pending_b.pk, "open_b": open_b.pk}


def test_liaison_applications_link_lists_the_groups_rows(login, units, mixed):
    made = _applications(units, mixed)
    client = login(mixed)
    group = _group(client.get(HOME), "liaison", "applications")
    assert group.count == 2 and _ids(group) == made["waiting"]
    assert group.url == reverse("foi:queue") + f"?filter=mine&unit={units[0].pk}"

    listed, count, body = _listed(client, group.url)
    assert listed == made["waiting"] and count == group.count
    assert "待我办理" in body and "办理单位：高新区甲局" in body
    # without the unit scope, "mine" also covers 乙局 where the user edits as reviewer
    listed, _, _ = _listed(client, reverse("foi:queue") + "?filter=mine")
    assert listed == made["waiting"] | {made["open_b"]}


def test_reviewer_replies_link_lists_the_groups_rows(login, units, mixed):
    made = _applications(units, mixed)
    client = login(mixed)
    group = _group(client.get(HOME), "reviewer", "replies_review")
    assert group.count == 1 and _ids(group) == {made["pending_b"]}
    assert group.url == reverse("foi:queue") + f"?filter=approve&unit={units[1].pk}"

    listed, count, body = _listed(client, group.url)
    assert listed == {made["pending_b"]} and count == 1
    assert "答复待我审核" in body


def test_a_plain_liaison_sees_no_approval_filter(login, units, liaison_a):
    _applications(units, liaison_a)
    client = login(liaison_a)
    group = _group(client.get(HOME), "liaison", "applications")
    listed, count, body = _listed(client, group.url)
    assert listed == _ids(group) and count == group.count == 2
    assert "待我办理" in body and "答复待我审核" not in body


def test_returned_items_link_lists_the_groups_rows(login, units, mixed, liaison_a, reviewer_a):
    unit_a, unit_b, _ = units
    returned = {
        _returned_item(unit_a, reviewer_a, liaison_a, "退回一").pk,
        _returned_item(unit_a, reviewer_a, liaison_a, "退回二").pk,
    }
    # an edited return still waits; a draft never submitted and a resubmitted one do not
    ItemFactory(unit=unit_a, title="从未提交的草稿")
    again = _returned_item(unit_a, reviewer_a, liaison_a, "已重新提交")
    again.refresh_from_db()
    item_services.item_submit(actor=liaison_a, item=again)
    # 乙局's returned drafts: the user edits them as reviewer, not as liaison
    liaison_b = user_with_role(Role.LIAISON, unit=unit_b, username="liaison_b2")
    _returned_item(unit_b, mixed, liaison_b, "乙局退回")

    client = login(mixed)
    group = _group(client.get(HOME), "liaison", "items_returned")
    assert group.count == 2 and _ids(group) == returned
    assert group.url == reverse("catalog:item_list") + f"?status=returned&unit={unit_a.pk}"

    listed, count, body = _listed(client, group.url)
    assert listed == returned and count == group.count
    assert "被退回修改" in body and "从未提交的草稿" not in body
