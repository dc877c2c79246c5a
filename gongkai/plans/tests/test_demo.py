"""`gongkai demo` loads the seed as this year's plan, with realistic progress, once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.core.workdays import get_calendar
from gongkai.orgs.demo import demo_load
from gongkai.orgs.models import Unit
from gongkai.plans.demo import demo_plan_load, demo_title, seed_bytes
from gongkai.plans.models import ItemUnit, Plan, PlanItem, Task, TaskEntry, TaskStatus
from gongkai.plans.services.imports import parse_upload
from gongkai.plans.tests.importing import SEED_UNIT_NAMES, reset_calendar

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def test_every_seed_name_resolves_against_the_demo_units():
    from gongkai.orgs.selectors import unit_match_name

    demo_load()
    parsed = parse_upload(seed_bytes(), filename="seed_2017.txt")
    names = {n for item in parsed["items"] for n in item["lead_units"] + item["units"]}
    assert names == SEED_UNIT_NAMES
    assert all(unit_match_name(name=n) is not None for n in names)
    # and the aliases a differently written plan may use
    for alias in ("纪工委", "发改财政局", "社区局", "市场监管局", "安监局"):
        assert unit_match_name(name=alias) is not None, alias


def test_demo_plan_with_progress_and_idempotent():
    demo_load()
    result = demo_plan_load(today=TODAY)
    assert result.created
    plan = result.plan
    assert (
        plan.title
        == demo_title(2026)
        == "2026年高新区政务信息公开工作要点分工方案（示例，据2017年方案）"
    )
    assert plan.year == 2026 and plan.source_name == "seed_2017.txt"
    assert plan.items.filter(is_task=True).count() == 27 == result.items
    assert ItemUnit.objects.filter(item__plan=plan).values("unit").distinct().count() == 9

    fgcz = Unit.objects.get(short_name="区发改财政局")
    tasks = Task.objects.filter(item__plan=plan, unit=fgcz)
    completed = tasks.filter(status=TaskStatus.COMPLETED)
    assert completed.count() >= 10
    late = [t for t in completed if timezone.localtime(t.submitted_at).date() > t.due_date]
    on_time = [t for t in completed if timezone.localtime(t.submitted_at).date() <= t.due_date]
    assert late and len(on_time) > len(late)
    assert tasks.filter(status=TaskStatus.RETURNED).count() == 1
    assert tasks.filter(status=TaskStatus.IN_PROGRESS).exists()
    assert tasks.filter(status=TaskStatus.SUBMITTED).exists()
    overdue = tasks.filter(status=TaskStatus.NOT_STARTED, due_date__lt=TODAY, rule__kind="monthly")
    assert overdue.exists()
    # history lies in the past, through the services (entries with actors)
    entries = TaskEntry.objects.filter(task__item__plan=plan)
    assert entries.filter(kind=TaskEntry.Kind.ACCEPT, actor__username="gongkaiban").exists()
    assert entries.filter(kind=TaskEntry.Kind.SUBMIT, actor__username="fgcz_liaison").exists()
    assert entries.filter(actor__username="shsy_liaison").exists()
    # 社会事业局 needs its reviewer's sign-off: one signed off (待验收), one waiting for him
    shsy = Unit.objects.get(short_name="区社会事业局")
    assert shsy.task_review_required
    shsy_tasks = Task.objects.filter(item__plan=plan, unit=shsy)
    assert (
        shsy_tasks.filter(status=TaskStatus.REVIEWING).count() == 1 == result.progress["reviewing"]
    )
    assert shsy_tasks.filter(status=TaskStatus.SUBMITTED).count() == 1
    assert entries.filter(
        kind=TaskEntry.Kind.REVIEW_APPROVE, actor__username="shsy_reviewer"
    ).exists()
    assert all(e.created_at <= timezone.now() for e in entries)
    assert result.progress["returned"] == 1 and result.progress["late"] == len(late)

    counts = (Plan.objects.count(), PlanItem.objects.count(), Task.objects.count(), entries.count())
    again = demo_plan_load(today=TODAY)
    assert not again.created and again.plan == plan
    assert (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Task.objects.count(),
        entries.count(),
    ) == counts


def test_demo_command_loads_the_plan_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    year = timezone.localdate().year
    if not get_calendar().covers(year):  # the demo skips the plan, and says why
        assert not Plan.objects.exists()
        return
    plan = Plan.objects.get(title=demo_title(year), year=year)
    assert plan.items.filter(is_task=True).count() == 27
    tasks = Task.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert Plan.objects.count() == 1 and Task.objects.count() == tasks
