"""Reminders about tasks (临期、到期、逾期提醒与逾期督办): the "plans" source of the reminder
engine (`gongkai.core.reminders`), registered in `PlansConfig.ready()`.

`source.due(day)` selects what is due on `day` and not yet sent and writes each reminder's
title, body and recipients; the engine sends it, once per key `plans.task:<id>:<kind>:<due>`.

Rules (N = PLANS_REMIND_BEFORE_WORKDAYS, M = PLANS_ESCALATE_AFTER_WORKDAYS):

* before_due  open tasks due within (day, N working days after day] — normally exactly N working
              days ahead; the window catches up when the job missed a day. Skipped for the day
              (and logged) when the N-th working day falls in a year the calendar does not cover.
* due         open tasks due on `day`.
* overdue     open tasks due before `day`, once per due date.
* escalation  open tasks with workdays_between(due date, day) >= M, to the coordinators, once per
              due date.

Recipients: the unit's liaisons (before_due, due), liaisons and reviewers (overdue), the
coordinators (escalation).

Logs carry task ids, kinds, dates and counts only — no names, no addresses.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import coordinators, unit_staff
from gongkai.core.reminders import DueReminder, EventSource
from gongkai.core.workdays import CalendarNotCovered, add_workdays, format_date, workdays_between

from . import notifications
from .models import OPEN_STATUSES, Task

logger = logging.getLogger(__name__)

SOURCE = "plans"
KEY_PREFIX = "plans.task"


class Kind(models.TextChoices):
    """The events reminded about (the third part of the key)."""

    BEFORE_DUE = "before_due", _("临期提醒")
    DUE = "due", _("到期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    ESCALATION = "escalation", _("逾期督办")


#: Order in which kinds are selected and sent.
KINDS = (Kind.BEFORE_DUE, Kind.DUE, Kind.OVERDUE, Kind.ESCALATION)

_ROLES = {
    Kind.BEFORE_DUE: ("liaison",),
    Kind.DUE: ("liaison",),
    Kind.OVERDUE: ("liaison", "reviewer"),
}

_HEADLINES = {
    Kind.BEFORE_DUE: "任务即将到期",
    Kind.DUE: "任务今日到期",
    Kind.OVERDUE: "任务已逾期",
    Kind.ESCALATION: "逾期督办",
}

_NOTIFICATION_KINDS = {
    Kind.BEFORE_DUE: notifications.TASK_BEFORE_DUE,
    Kind.DUE: notifications.TASK_DUE,
    Kind.OVERDUE: notifications.TASK_OVERDUE,
    Kind.ESCALATION: notifications.TASK_ESCALATION,
}


# -- settings ---------------------------------------------------------------------------------


def remind_before_workdays() -> int:
    return int(settings.PLANS_REMIND_BEFORE_WORKDAYS)


def escalate_after_workdays() -> int:
    return int(settings.PLANS_ESCALATE_AFTER_WORKDAYS)


def task_path(task_id: int) -> str:
    return f"/workbench/plans/tasks/{task_id}/"


def task_link(task_id: int) -> str:
    base = str(settings.GONGKAI_BASE_URL).rstrip("/")
    return base + task_path(task_id)


# -- selection --------------------------------------------------------------------------------


def _open_tasks(kind: str) -> QuerySet[Task]:
    """Open tasks of live items without a reminder of `kind` for their current due date."""
    return (
        Task.objects.filter(status__in=OPEN_STATUSES, item__is_removed=False)
        .exclude(source.already_sent(kind))
        .select_related("item", "unit")
        .order_by("due_date", "unit__sort_order", "pk")
    )


def _select(day: dt.date, skipped: dict[str, str]) -> list[tuple[str, Task]]:
    """(kind, task) pairs due on `day` and not yet sent; `skipped` gets {kind label: reason}
    for a kind the calendar cannot decide today."""
    due: list[tuple[str, Task]] = []

    # before_due: due within (day, N working days after day]
    n = remind_before_workdays()
    if n > 0:
        try:
            limit = add_workdays(day, n)
        except CalendarNotCovered as exc:
            skipped[str(Kind.BEFORE_DUE.label)] = exc.message
            logger.warning(
                "reminders %s: before_due skipped, the calendar does not cover %s",
                day.isoformat(),
                exc.year,
            )
        else:
            due += [
                (Kind.BEFORE_DUE, t)
                for t in _open_tasks(Kind.BEFORE_DUE).filter(due_date__gt=day, due_date__lte=limit)
            ]

    due += [(Kind.DUE, t) for t in _open_tasks(Kind.DUE).filter(due_date=day)]
    due += [(Kind.OVERDUE, t) for t in _open_tasks(Kind.OVERDUE).filter(due_date__lt=day)]

    # escalation: overdue by at least M working days
    m = escalate_after_workdays()
    reached: dict[dt.date, bool] = {}
    uncovered: set[int] = set()
    for task in _open_tasks(Kind.ESCALATION).filter(due_date__lt=day):
        if task.due_date not in reached:
            try:
                reached[task.due_date] = workdays_between(task.due_date, day) >= m
            except CalendarNotCovered as exc:
                reached[task.due_date] = False
                uncovered.add(exc.year)
        if reached[task.due_date]:
            due.append((Kind.ESCALATION, task))
    if uncovered:
        years = "、".join(str(y) for y in sorted(uncovered))
        skipped[str(Kind.ESCALATION.label)] = (
            f"{years}年节假日安排尚未录入，部分任务无法计算逾期工作日数"
        )
        logger.warning(
            "reminders %s: escalation skipped for some tasks, the calendar does not cover %s",
            day.isoformat(),
            years,
        )
    return due


# -- messages ---------------------------------------------------------------------------------


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _state_text(kind: str, task: Task, day: dt.date) -> str:
    status = task.get_status_display()
    if kind == Kind.BEFORE_DUE:
        return f"{status}（即将到期）"
    if kind == Kind.DUE:
        return f"{status}（今日到期）"
    try:
        late = f"{workdays_between(task.due_date, day)}个工作日"
    except CalendarNotCovered:
        late = f"{(day - task.due_date).days}天"
    return f"{status}（已逾期{late}）"


def reminder_title(kind: str, task: Task) -> str:
    return f"{_HEADLINES[kind]}：{_one_line(task.item.title, 60)}"


def reminder_body(kind: str, task: Task, day: dt.date) -> str:
    lines = []
    if kind == Kind.ESCALATION:
        lines.append("以下任务逾期已超过督办时限，请督促责任单位尽快办理。")
    lines += [
        f"任务：{_one_line(task.item.title, 500)}",
        f"责任单位：{task.unit.name}",
        f"周期：{task.period_label}" if task.period_label else "",
        f"完成时限：{format_date(task.due_date)}",
        f"状态：{_state_text(kind, task, day)}",
        f"查看任务：{task_link(task.pk)}",
    ]
    return "\n".join(line for line in lines if line)


# -- the source -------------------------------------------------------------------------------


class _Recipients:
    """Recipients per (unit, kind), looked up once per run."""

    def __init__(self):
        self._cache: dict[tuple, list] = {}

    def for_reminder(self, kind: str, task: Task) -> list:
        if kind == Kind.ESCALATION:
            key: tuple = ("coordinators",)
            if key not in self._cache:
                self._cache[key] = list(coordinators().order_by("pk"))
        else:
            key = (task.unit_id, _ROLES[kind])
            if key not in self._cache:
                self._cache[key] = list(unit_staff(task.unit, roles=_ROLES[kind]).order_by("pk"))
        return self._cache[key]


class TaskReminders(EventSource):
    name = SOURCE
    label = "任务提醒"
    columns = ("任务编号", "任务", "责任单位", "完成时限")
    key_prefix = KEY_PREFIX
    events = Kind
    notification_kinds = _NOTIFICATION_KINDS

    def reminders(self, day: dt.date, skipped_kinds: dict[str, str]) -> Iterable[DueReminder]:
        recipients = _Recipients()
        for kind, task in _select(day, skipped_kinds):
            yield self.entry(
                kind,
                task,
                recipients=recipients.for_reminder(kind, task),
                title=reminder_title(kind, task),
                body=reminder_body(kind, task, day),
                url=task_path(task.pk),
                fields=(
                    str(task.pk),
                    _one_line(task.item.title, 40),
                    str(task.unit),
                    format_date(task.due_date),
                ),
            )


source = TaskReminders()
reminders_due = source.reminders_due
register = source.register
