"""Demo plan for `gongkai demo`: the 2017 seed plan imported as this year's plan, with some
realistic progress so that the task lists and the dashboard have something to show.

Everything goes through the services (import, progress, submit, accept, return) with the demo
accounts as actors. To give the history believable dates (most monthly reports on time, some
late), each step runs with `django.utils.timezone.now` set to the moment it "happened" — in the
past, never later than the real now. Idempotent: nothing happens when the demo plan exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from unittest import mock

from django.db import transaction
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import CalendarNotCovered, get_calendar
from gongkai.orgs.models import Unit, User

from . import services
from .models import Plan, Task, TaskStatus

DEMO_TITLE = "{year}年高新区政务信息公开工作要点分工方案（示例，据2017年方案）"
SEED_FILE = "seed_2017.txt"

COORDINATOR = "gongkaiban"
FGCZ = ("fgcz_liaison", "区发改财政局")
SHSY = ("shsy_liaison", "区社会事业局")
SHSY_REVIEWER = "shsy_reviewer"

_REAL_NOW = timezone.now


@dataclass
class DemoPlanResult:
    plan: Plan | None
    created: bool
    items: int = 0
    tasks: int = 0
    progress: dict[str, int] = field(default_factory=dict)
    skipped: str = ""


def seed_bytes() -> bytes:
    return resources.files("gongkai.plans").joinpath(f"data/{SEED_FILE}").read_bytes()


def demo_title(year: int) -> str:
    return DEMO_TITLE.format(year=year)


@contextlib.contextmanager
def _at(moment: dt.datetime):
    """Run services as if it were `moment` (never later than the real now)."""
    moment = min(moment, _REAL_NOW() - dt.timedelta(minutes=1))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _shift(day: dt.date, workdays: int) -> dt.date:
    try:
        return get_calendar().add_workdays(day, workdays)
    except CalendarNotCovered:
        return day + dt.timedelta(days=workdays)


def demo_plan_load(*, today: dt.date | None = None) -> DemoPlanResult:
    """Import the seed as this year's demo plan and record some progress. Needs the demo units
    and accounts (`gongkai.orgs.demo.demo_load`). CalendarNotCovered when the year has no
    working-day calendar."""
    today = today or timezone.localdate()
    title = demo_title(today.year)
    existing = Plan.objects.filter(title=title, year=today.year).first()
    if existing is not None:
        return DemoPlanResult(existing, created=False, skipped="演示方案已存在")
    coordinator = User.objects.filter(username=COORDINATOR).first()
    if coordinator is None:
        raise ValidationFailed("请先载入演示单位和账号（gongkai demo）")
    with transaction.atomic():
        imp = services.plan_import_prepare(
            actor=coordinator, data=seed_bytes(), filename=SEED_FILE, title=title, year=today.year
        )
        # the demo shows a year under way (done, late and overdue work), so its plan starts
        # on 1 January rather than on the day the demo is loaded
        result = services.plan_import_confirm(
            actor=coordinator, plan_import=imp, effective_from=None
        )
        progress = _progress(result.plan, coordinator, today)
    return DemoPlanResult(
        result.plan,
        created=True,
        items=result.items,
        tasks=result.tasks_created,
        progress=progress,
    )


def _done(task, liaison, coordinator, *, report: int, submit: int, accept: int) -> None:
    """Report, submit and accept `task`, each that many working days from its due date (a late
    submission gives its reason)."""
    due = task.due_date
    with _at(_moment(_shift(due, report), 10)):
        task = services.task_report_progress(
            actor=liaison, task=task, text="已收集数据，正在整理发布稿。"
        )
    with _at(_moment(_shift(due, submit), 16)):
        task = services.task_submit(
            actor=liaison,
            task=task,
            text=f"已在政府门户网站发布{task.period_label}相关信息。",
            links=[("https://www.zhuhai-hitech.gov.cn/xxgk/", "高新区政府信息公开专栏")],
            late_reason="统计部门数据发布推迟，待数据发布后才完成整理。" if submit > 0 else "",
        )
    with _at(_moment(_shift(due, accept), 11)):
        services.task_accept(actor=coordinator, task=task, comment="经核查已公开，验收通过。")


def _progress(plan: Plan, coordinator, today: dt.date) -> dict[str, int]:
    counts = {
        "completed": 0,
        "late": 0,
        "returned": 0,
        "submitted": 0,
        "reviewing": 0,
        "in_progress": 0,
        "overdue": 0,
    }
    fgcz = User.objects.filter(username=FGCZ[0]).first()
    fgcz_unit = Unit.objects.filter(short_name=FGCZ[1]).first()
    if fgcz is not None and fgcz_unit is not None:
        monthly = list(
            Task.objects.filter(item__plan=plan, unit=fgcz_unit, rule__kind="monthly")
            .select_related("item")
            .order_by("due_date", "item__position", "pk")
        )
        past = [t for t in monthly if t.due_date < today]
        older, recent = past[:-4], past[-4:]
        for n, task in enumerate(older):
            if n == 3:  # submitted on time, returned: the figures were incomplete
                with _at(_moment(_shift(task.due_date, -2), 15)):
                    task = services.task_submit(
                        actor=fgcz, task=task, text="已发布上月度重要指标数据。"
                    )
                with _at(_moment(_shift(task.due_date, 1), 9)):
                    services.task_return(
                        actor=coordinator,
                        task=task,
                        reason="发布的数据缺少一般公共预算收支完成情况，请补充后重新报送。",
                    )
                counts["returned"] += 1
            elif n % 6 == 5:  # late: submitted a few working days after the due date
                _done(task, fgcz, coordinator, report=-1, submit=3, accept=4)
                counts["completed"] += 1
                counts["late"] += 1
            else:
                _done(task, fgcz, coordinator, report=-5, submit=-2, accept=1)
                counts["completed"] += 1
        if recent:
            # the most recent: one waiting for acceptance, two reported, one untouched (overdue)
            reported = recent[:-1]  # the last one stays untouched: overdue
            first, *rest = reported or [None]
            if first is not None:
                with _at(_moment(_shift(first.due_date, -1), 16)):
                    services.task_submit(actor=fgcz, task=first, text="已发布，请公开办验收。")
                counts["submitted"] += 1
            for task in rest:
                with _at(_moment(_shift(task.due_date, -3), 10)):
                    services.task_report_progress(
                        actor=fgcz, task=task, text="数据正在审核，预计本周内发布。"
                    )
                counts["in_progress"] += 1
        upcoming = [t for t in monthly if t.due_date >= today][:1]
        for task in upcoming:
            with _at(_moment(today, 9)):
                services.task_report_progress(actor=fgcz, task=task, text="已开始收集本月数据。")
            counts["in_progress"] += 1
    shsy = User.objects.filter(username=SHSY[0]).first()
    shsy_unit = Unit.objects.filter(short_name=SHSY[1]).first()
    shsy_reviewer = User.objects.filter(username=SHSY_REVIEWER).first()
    if shsy is not None and shsy_unit is not None:
        if shsy_reviewer is not None:
            # 社会事业局 has its submissions signed off by its reviewer (单位审核) before they
            # reach the 公开办: one signed off and waiting for acceptance, one waiting for him.
            from gongkai.orgs.services import unit_update

            with _at(_moment(_shift(today, -10), 9)):
                unit_update(actor=shsy_reviewer, unit=shsy_unit, task_review_required=True)
        tasks = list(
            Task.objects.filter(item__plan=plan, unit=shsy_unit, due_date__gte=today).order_by(
                "due_date", "item__position", "pk"
            )[:3]
        )
        for n, task in enumerate(tasks):
            with _at(_moment(_shift(today, -5 + n), 14)):
                task = services.task_report_progress(
                    actor=shsy, task=task, text="已整理本年度相关信息，正在逐项核对后发布。"
                )
            if n == 0 or (n == 1 and shsy_reviewer is not None):
                with _at(_moment(_shift(today, -2 + n), 17)):
                    task = services.task_submit(
                        actor=shsy,
                        task=task,
                        text="已在门户网站专栏集中公开。",
                        links=[("https://www.zhuhai-hitech.gov.cn/xxgk/shbz/", "社会保障信息专栏")],
                    )
                if n == 0 and task.status == TaskStatus.REVIEWING:
                    with _at(_moment(_shift(today, -1), 10)):
                        task = services.task_review_approve(
                            actor=shsy_reviewer, task=task, comment="已核对，同意报送。"
                        )
                counts["reviewing" if task.status == TaskStatus.REVIEWING else "submitted"] += 1
            else:
                counts["in_progress"] += 1
    counts["overdue"] = Task.objects.filter(
        item__plan=plan,
        status__in=[TaskStatus.NOT_STARTED, TaskStatus.RETURNED],
        due_date__lt=today,
    ).count()
    return counts
