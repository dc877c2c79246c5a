"""Validity of published policy documents and the marking task an abolition or expiry creates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog import signals
from gongkai.catalog.models import Column, ReviewEntry, Validity
from gongkai.catalog.selectors.staff import marking_rows, marking_task_for
from gongkai.catalog.services.validity import NO_RULE_WARNING, item_set_validity
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory, published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.workdays import add_workdays
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role
from gongkai.plans import selectors as plan_selectors
from gongkai.plans.models import ItemUnit, Task, TaskEntry, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

ABOLISHED_ON = dt.date(2026, 9, 28)
ABOLITION_RULE = {
    "kind": "event",
    "event": "abolition",
    "workdays": 10,
    "phrase": "文件废止和宣布失效之日起10个工作日内",
}


@pytest.fixture
def policy_column():
    return ColumnFactory(code="gfxwj", name="规范性文件", kind=Column.Kind.POLICY)


@pytest.fixture
def office():
    return UnitFactory(name="高新区党政办公室", short_name="区党政办")


@pytest.fixture
def marking_item(office):
    """Seed task 2 of a 2026 plan, assigned to 区党政办 (as the seed does)."""
    plan = PlanFactory(year=2026)
    return item_with(plan=plan, units=[office], rules=[ABOLITION_RULE], title="落实文件清理要求")


@pytest.fixture
def policy(unit_a, policy_column, coordinator):
    return published_item(
        unit=unit_a, column=policy_column, actor=coordinator, title="高新区某管理暂行办法"
    )


@pytest.fixture
def successor(unit_a, policy_column, coordinator):
    return published_item(
        unit=unit_a, column=policy_column, actor=coordinator, title="高新区某管理办法"
    )


def test_abolishing_creates_the_marking_task_for_the_publishing_unit(
    policy, successor, marking_item, reviewer_a, unit_a, liaison_a, liaison_b
):
    result = item_set_validity(
        actor=reviewer_a,
        item=policy,
        validity=Validity.ABOLISHED,
        date=ABOLISHED_ON,
        note="被新办法废止",
        replaced_by=successor,
    )
    policy.refresh_from_db()
    assert (policy.validity, policy.validity_date, policy.replaced_by) == (
        Validity.ABOLISHED,
        ABOLISHED_ON,
        successor,
    )
    assert policy.validity_note == "被新办法废止"
    task = result.task
    assert result.warning == ""
    assert task.unit == unit_a
    assert task.item == marking_item and task.rule == marking_item.rules.get()
    assert task.due_date == dt.date(2026, 10, 16) == add_workdays(ABOLISHED_ON, 10)
    assert task.event_date == task.period_start == ABOLISHED_ON
    assert task.status == TaskStatus.NOT_STARTED
    assert task.event_note == "《高新区某管理暂行办法》已废止，须在原发布页面标注"
    entry = task.entries.get()
    assert entry.kind == TaskEntry.Kind.EVENT and entry.actor == reviewer_a
    # the publishing unit joined the plan item as a responsible unit, audited
    assert ItemUnit.objects.get(item=marking_item, unit=unit_a).role == ItemUnit.Role.RESPONSIBLE
    assert AuditEvent.objects.filter(action="plan.item_unit_add", unit=unit_a).exists()
    assert AuditEvent.objects.filter(action="task.event", object_id=str(task.pk)).exists()
    # the item's history and audit
    review = policy.review_entries.get(kind=ReviewEntry.Kind.VALIDITY)
    assert (
        review.actor == reviewer_a and "已废止" in review.text and "高新区某管理办法" in review.text
    )
    audit = AuditEvent.objects.get(action="item.validity")
    assert audit.before["validity"] == "" and audit.after["validity"] == Validity.ABOLISHED
    # the task is in the unit's ledger, and only there
    assert task in plan_selectors.task_list(user=liaison_a)
    assert task not in plan_selectors.task_list(user=liaison_b)
    assert marking_task_for(policy) == task


def test_unit_already_on_the_plan_item_is_not_added_twice(policy, marking_item, reviewer_a, unit_a):
    ItemUnit.objects.create(item=marking_item, unit=unit_a, role=ItemUnit.Role.LEAD, position=5)
    item_set_validity(
        actor=reviewer_a, item=policy, validity=Validity.EXPIRED, date=ABOLISHED_ON, note=""
    )
    assert ItemUnit.objects.get(item=marking_item, unit=unit_a).role == ItemUnit.Role.LEAD
    assert not AuditEvent.objects.filter(action="plan.item_unit_add").exists()
    task = Task.objects.get(unit=unit_a)
    assert "已失效" in task.event_note


def test_amended_and_in_force_create_no_task(policy, successor, marking_item, reviewer_a):
    result = item_set_validity(
        actor=reviewer_a,
        item=policy,
        validity=Validity.AMENDED,
        date=ABOLISHED_ON,
        replaced_by=successor,
    )
    assert result.task is None and result.warning == ""
    result = item_set_validity(actor=reviewer_a, item=policy, validity=Validity.IN_FORCE, date=None)
    assert result.task is None
    assert not Task.objects.exists()


def test_a_second_ended_state_creates_no_second_task(policy, marking_item, reviewer_a):
    item_set_validity(actor=reviewer_a, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON)
    result = item_set_validity(
        actor=reviewer_a, item=policy, validity=Validity.EXPIRED, date=ABOLISHED_ON
    )
    assert result.task is None
    assert Task.objects.count() == 1


def test_two_documents_abolished_the_same_day_share_the_task(
    policy, successor, marking_item, reviewer_a
):
    first = item_set_validity(
        actor=reviewer_a, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON
    )
    second = item_set_validity(
        actor=reviewer_a, item=successor, validity=Validity.ABOLISHED, date=ABOLISHED_ON
    )
    assert second.task == first.task and second.warning == ""
    task = Task.objects.get()
    assert "高新区某管理暂行办法" in task.event_note and "高新区某管理办法》" in task.event_note
    assert task.entries.filter(kind=TaskEntry.Kind.EVENT).count() == 2


def test_without_a_plan_rule_validity_is_recorded_with_a_warning(policy, reviewer_a):
    PlanFactory(year=2026)  # a plan, but no abolition rule in it
    item_with(plan=PlanFactory(year=2025), rules=[ABOLITION_RULE])  # another year's rule
    result = item_set_validity(
        actor=reviewer_a, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON
    )
    assert result.task is None
    assert (
        result.warning
        == NO_RULE_WARNING
        == "当前年度工作方案中没有“文件废止后标注”事项，未生成台账任务"
    )
    policy.refresh_from_db()
    assert policy.validity == Validity.ABOLISHED and policy.validity_date == ABOLISHED_ON
    assert not Task.objects.exists()
    assert [r.state for r in marking_rows(user=reviewer_a)] == ["missing"]


def test_marking_rows_show_the_overdue_task(policy, marking_item, reviewer_a):
    item_set_validity(actor=reviewer_a, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON)
    assert [r.state for r in marking_rows(user=reviewer_a, day=dt.date(2026, 10, 16))] == ["open"]
    assert [r.state for r in marking_rows(user=reviewer_a, day=dt.date(2026, 10, 19))] == [
        "overdue"
    ]


@pytest.mark.parametrize("role", ["liaison", "other_reviewer", "leader"])
def test_only_approvers_of_the_unit_may_set_validity(
    policy, marking_item, liaison_a, unit_b, leader, role
):
    actor = {
        "liaison": liaison_a,
        "other_reviewer": user_with_role(Role.REVIEWER, unit=unit_b),
        "leader": leader,
    }[role]
    with pytest.raises(PermissionDenied):
        item_set_validity(actor=actor, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON)
    policy.refresh_from_db()
    assert policy.validity == "" and not Task.objects.exists()


def test_coordinator_may_set_validity(policy, marking_item, coordinator, unit_a):
    result = item_set_validity(
        actor=coordinator, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON
    )
    assert result.task.unit == unit_a


def test_rejects_invalid_input(policy, successor, unit_a, policy_column, reviewer_a, coordinator):
    def attempt(**kwargs):
        args = {
            "actor": reviewer_a,
            "item": policy,
            "validity": Validity.ABOLISHED,
            "date": ABOLISHED_ON,
        }
        args.update(kwargs)
        with pytest.raises(ValidationFailed) as exc:
            item_set_validity(**args)
        return exc.value.message

    assert "不能晚于今天" in attempt(date=timezone.localdate() + dt.timedelta(days=1))
    assert "日期" in attempt(date=None)
    assert "不能早于成文日期" in attempt(date=dt.date(2025, 12, 31))  # written 2026-01-05
    assert "不能是文件本身" in attempt(replaced_by=policy)
    draft = ItemFactory(unit=unit_a, column=policy_column)
    assert "须为已发布" in attempt(replaced_by=draft)
    assert "已发布" in attempt(item=draft)
    news = published_item(unit=unit_a, actor=coordinator, title="一条动态")
    assert "政策文件" in attempt(item=news)
    assert "请选择" in attempt(validity="cancelled")
    assert "无需" in attempt(validity=Validity.IN_FORCE, replaced_by=successor)
    policy.refresh_from_db()
    assert (
        policy.validity == ""
        and not policy.review_entries.filter(kind=ReviewEntry.Kind.VALIDITY).exists()
    )


def test_unchanged_validity_is_refused(policy, reviewer_a):
    item_set_validity(actor=reviewer_a, item=policy, validity=Validity.IN_FORCE, date=None)
    with pytest.raises(ValidationFailed, match="没有变化"):
        item_set_validity(actor=reviewer_a, item=policy, validity=Validity.IN_FORCE, date=None)


def test_validity_change_sends_the_signal_on_commit(
    policy, reviewer_a, django_capture_on_commit_callbacks
):
    received = []

    def receiver(**kwargs):
        received.append(kwargs["item_id"])

    signals.validity_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item_set_validity(
                actor=reviewer_a, item=policy, validity=Validity.EXPIRED, date=ABOLISHED_ON
            )
            assert received == []
        assert received == [policy.pk]
    finally:
        signals.validity_changed.disconnect(receiver)


# ---------------------------------------------------------------------------------------------
# The pages.


def _url(item):
    return f"/workbench/catalog/validity/{item.pk}/"


def test_validity_page_records_an_abolition(policy, successor, marking_item, reviewer_a, login):
    client = login(reviewer_a)
    response = client.get(_url(policy))
    assert response.status_code == 200
    assert "高新区某管理暂行办法" in response.content.decode()
    response = client.post(
        _url(policy),
        {
            "validity": "abolished",
            "date": "2026-09-28",
            "replaced_by": successor.index_number,
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已生成标注任务" in page and "2026年10月16日" in page
    policy.refresh_from_db()
    assert policy.validity == Validity.ABOLISHED and policy.replaced_by == successor


def test_validity_page_shows_the_no_plan_warning(policy, reviewer_a, login):
    response = login(reviewer_a).post(
        _url(policy), {"validity": "abolished", "date": "2026-09-28"}, follow=True
    )
    assert NO_RULE_WARNING in response.content.decode()
    policy.refresh_from_db()
    assert policy.validity == Validity.ABOLISHED


def test_validity_page_rejects_an_unknown_index_number(policy, reviewer_a, login):
    response = login(reviewer_a).post(
        _url(policy),
        {"validity": "abolished", "date": "2026-09-28", "replaced_by": "NOPE/2026-99999"},
    )
    assert response.status_code == 400
    assert "没有找到该索引号" in response.content.decode()


def test_validity_page_permissions(policy, liaison_a, liaison_b, login, client):
    assert login(liaison_b).get(_url(policy)).status_code == 404  # another unit: not visible
    assert (
        login(liaison_b)
        .post(_url(policy), {"validity": "abolished", "date": "2026-09-28"})
        .status_code
        == 404
    )
    assert login(liaison_a).get(_url(policy)).status_code == 403  # own unit, but no APPROVE
    assert (
        login(liaison_a)
        .post(_url(policy), {"validity": "abolished", "date": "2026-09-28"})
        .status_code
        == 403
    )
    policy.refresh_from_db()
    assert policy.validity == ""


def test_validity_list_page(policy, marking_item, reviewer_a, login):
    item_set_validity(actor=reviewer_a, item=policy, validity=Validity.ABOLISHED, date=ABOLISHED_ON)
    page = login(reviewer_a).get("/workbench/catalog/validity/").content.decode()
    assert "高新区某管理暂行办法" in page and "已废止" in page
