from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.workdays import CalendarNotCovered, is_workday
from gongkai.orgs.tests.factories import UnitFactory
from gongkai.plans import services
from gongkai.plans.models import ItemUnit, Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans")]


def test_generate_creates_tasks_per_item_unit_period(coordinator):
    plan = PlanFactory(year=2026)
    a, b = UnitFactory(), UnitFactory()
    item_with(
        plan=plan,
        units=[(a, ItemUnit.Role.LEAD), (b, ItemUnit.Role.COOPERATING)],
        rules=[{"kind": "monthly", "day": 25}],
    )
    item_with(plan=plan, units=[a], rules=[])  # no phrase: done within the year
    created = services.ledger_generate(actor=coordinator, plan=plan)
    assert created == 12 * 2 + 1
    assert all(is_workday(d) for d in Task.objects.values_list("due_date", flat=True))
    assert services.ledger_generate(actor=coordinator, plan=plan) == 0  # idempotent


def test_generate_refuses_uncovered_year(coordinator):
    plan = PlanFactory(year=2027)
    item_with(plan=plan, rules=[{"kind": "monthly"}])
    with pytest.raises(CalendarNotCovered, match="2027年节假日安排尚未录入"):
        services.ledger_generate(actor=coordinator, plan=plan)
    assert not Task.objects.exists()


def test_only_coordinator_generates(liaison_a):
    plan = PlanFactory()
    with pytest.raises(PermissionDenied):
        services.ledger_generate(actor=liaison_a, plan=plan)


def test_rule_update_regenerates_untouched_tasks_only(coordinator, liaison_a, unit_a):
    plan = PlanFactory()
    item = item_with(plan=plan, units=[unit_a], rules=[{"kind": "quarterly"}])
    services.ledger_generate(actor=coordinator, plan=plan)
    first = Task.objects.order_by("due_date").first()
    services.task_report_progress(actor=liaison_a, task=first, text="已起草")
    rule = item.rules.get()
    services.rule_update(actor=coordinator, rule=rule, kind="half_yearly", params={})
    labels = sorted(Task.objects.values_list("period_label", flat=True))
    # The worked-on Q1 task stays; the untouched quarterly ones are replaced by half-years.
    assert labels == ["2026年上半年", "2026年下半年", "2026年第一季度"]


def test_event_rule_creates_task_when_event_recorded(coordinator, liaison_a, unit_a):
    plan = PlanFactory()
    item = item_with(
        plan=plan, units=[unit_a], rules=[{"kind": "event", "workdays": 10, "event": "abolition"}]
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    assert not Task.objects.exists()
    task = services.task_create_for_event(
        actor=liaison_a,
        rule=item.rules.get(),
        unit=unit_a,
        event_date=dt.date(2026, 9, 28),
        note="《某某管理办法》废止",
    )
    assert task.due_date == dt.date(2026, 10, 16)
    with pytest.raises(ValidationFailed):
        services.task_create_for_event(
            actor=liaison_a,
            rule=item.rules.get(),
            unit=unit_a,
            event_date=dt.date(2026, 9, 28),
            note="重复",
        )


def test_copy_plan_to_new_year(coordinator, unit_a):
    plan = PlanFactory(year=2025, title="2025年政务公开工作要点分工方案")
    item_with(plan=plan, units=[unit_a], rules=[{"kind": "monthly", "day": 25}])
    copy = services.plan_copy(actor=coordinator, plan=plan, year=2026).plan
    assert copy.title == "2026年政务公开工作要点分工方案"
    assert copy.copied_from == plan
    assert Task.objects.filter(item__plan=copy).count() == 12
    assert Task.objects.filter(item__plan=copy, status=TaskStatus.NOT_STARTED).count() == 12
