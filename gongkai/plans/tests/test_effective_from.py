"""A plan's effective-from date (生效日期): no period due before it is generated, at import,
on copy and when the coordinator moves it later or earlier."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Unit
from gongkai.plans import services
from gongkai.plans.models import Plan, Task, TaskEntry, TaskStatus
from gongkai.plans.schedule import default_effective_from
from gongkai.plans.services import imports
from gongkai.plans.tests.importing import make_seed_units, reset_calendar, seed_bytes

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def _import(actor, **kw) -> Plan:
    if not Unit.objects.filter(short_name="区党政办").exists():
        make_seed_units()
    imp = services.plan_import_prepare(
        actor=actor, data=seed_bytes(), filename="seed.txt", title="2026年方案", year=2026
    )
    return services.plan_import_confirm(actor=actor, plan_import=imp, **kw).plan


def _tasks(plan: Plan):
    return Task.objects.filter(item__plan=plan)


def test_default_is_today_within_the_plan_year_else_the_start_of_the_year():
    assert default_effective_from(2026, JUNE) == JUNE
    assert default_effective_from(2027, JUNE) is None
    assert default_effective_from(2025, JUNE) is None


def test_import_in_mid_year_generates_nothing_due_before_the_date(coordinator):
    whole = _tasks(_import(coordinator, effective_from=None))
    assert whole.filter(due_date__lt=JUNE).exists()
    plan = _import(coordinator, effective_from=JUNE)
    assert plan.effective_from == JUNE and plan.starts_on == JUNE
    tasks = _tasks(plan)
    assert tasks.exists()
    assert not tasks.filter(due_date__lt=JUNE).exists()
    # every period due on or after the date is there, as in a whole-year import
    later = whole.filter(due_date__gte=JUNE)
    assert tasks.count() == later.count()


def test_import_without_a_date_starts_on_the_confirm_date(coordinator, monkeypatch):
    monkeypatch.setattr(imports, "timezone", types.SimpleNamespace(localdate=lambda: JUNE))
    plan = _import(coordinator)
    assert plan.effective_from == JUNE
    assert not _tasks(plan).filter(due_date__lt=JUNE).exists()


def test_a_date_outside_the_plan_year_is_refused(coordinator):
    with pytest.raises(ValidationFailed, match="生效日期应在方案年度"):
        _import(coordinator, effective_from=dt.date(2025, 12, 1))
    assert not Plan.objects.exists()


def test_moving_the_date_later_removes_untouched_tasks_and_keeps_worked_ones(coordinator):
    plan = _import(coordinator, effective_from=None)
    early = _tasks(plan).filter(due_date__lt=JUNE).order_by("due_date", "pk")
    worked, started = list(early[:2])  # one query: two distinct tasks even when due dates tie
    TaskEntry.objects.create(task=worked, kind=TaskEntry.Kind.PROGRESS, text="已开始")
    Task.objects.filter(pk=started.pk).update(status=TaskStatus.IN_PROGRESS)
    untouched = early.count() - 2

    counts = services.plan_set_effective_from(actor=coordinator, plan=plan, effective_from=JUNE)

    assert counts == {"removed": untouched, "created": 0}
    plan.refresh_from_db()
    assert plan.effective_from == JUNE
    assert set(_tasks(plan).filter(due_date__lt=JUNE).values_list("pk", flat=True)) == {
        worked.pk,
        started.pk,
    }
    event = AuditEvent.objects.get(action="plan.effective_from")
    assert event.before == {"effective_from": None}
    assert event.after["effective_from"] == "2026-06-15"
    assert event.after["removed"] == untouched


def test_moving_the_date_earlier_generates_the_periods_now_in_range(coordinator):
    plan = _import(coordinator, effective_from=JUNE)
    before = _tasks(plan).count()
    march = dt.date(2026, 3, 1)
    counts = services.plan_set_effective_from(actor=coordinator, plan=plan, effective_from=march)
    assert counts["removed"] == 0 and counts["created"] > 0
    tasks = _tasks(plan)
    assert tasks.count() == before + counts["created"]
    assert tasks.filter(due_date__gte=march, due_date__lt=JUNE).count() == counts["created"]
    assert not tasks.filter(due_date__lt=march).exists()
    # back to the start of the year: the whole year, as an import from 1 January
    services.plan_set_effective_from(actor=coordinator, plan=plan, effective_from=None)
    whole = _tasks(_import(coordinator, effective_from=None))
    assert _tasks(plan).count() == whole.count()


def test_only_the_coordinator_changes_the_date(coordinator, liaison_a, leader):
    plan = _import(coordinator, effective_from=None)
    count = _tasks(plan).count()
    for user in (liaison_a, leader):
        with pytest.raises(PermissionDenied):
            services.plan_set_effective_from(actor=user, plan=plan, effective_from=JUNE)
    plan.refresh_from_db()
    assert plan.effective_from is None and _tasks(plan).count() == count


def test_a_refused_date_changes_nothing(coordinator):
    plan = _import(coordinator, effective_from=None)
    count = _tasks(plan).count()
    with pytest.raises(ValidationFailed):
        services.plan_set_effective_from(
            actor=coordinator, plan=plan, effective_from=dt.date(2027, 1, 5)
        )
    plan.refresh_from_db()
    assert plan.effective_from is None and _tasks(plan).count() == count


def test_copy_starts_the_new_year_from_its_start_or_from_today(coordinator, monkeypatch):
    plan = _import(coordinator, effective_from=JUNE)
    monkeypatch.setattr(
        imports, "timezone", types.SimpleNamespace(localdate=lambda: dt.date(2025, 12, 1))
    )
    copy = services.plan_copy(actor=coordinator, plan=plan, year=2026, title="复制").plan
    assert copy.effective_from is None
    assert _tasks(copy).filter(due_date__lt=JUNE).exists()
    monkeypatch.setattr(imports, "timezone", types.SimpleNamespace(localdate=lambda: JUNE))
    copy = services.plan_copy(actor=coordinator, plan=plan, year=2026, title="复制2").plan
    assert copy.effective_from == JUNE
    assert not _tasks(copy).filter(due_date__lt=JUNE).exists()


def test_rule_changes_respect_the_date(coordinator):
    plan = _import(coordinator, effective_from=JUNE)
    item = plan.items.filter(is_task=True).first()
    rule = services.rule_create(actor=coordinator, item=item, kind="monthly", params={"day": 10})
    assert rule.tasks.exists()
    assert not rule.tasks.filter(due_date__lt=JUNE).exists()


def test_a_reimport_keeps_the_plans_date(coordinator):
    plan = _import(coordinator, effective_from=JUNE)
    text = seed_bytes().decode("utf-8").replace("每月25日前", "每月20日前")
    imp = services.plan_import_prepare(
        actor=coordinator,
        data=text.encode("utf-8"),
        filename="seed.txt",
        title=plan.title,
        year=2026,
        replaces=plan,
    )
    services.plan_import_confirm(actor=coordinator, plan_import=imp, effective_from=None)
    plan.refresh_from_db()
    assert plan.effective_from == JUNE
    assert _tasks(plan).filter(rule__params__day=20).exists()
    assert not _tasks(plan).filter(due_date__lt=JUNE).exists()
