"""Reminders about tasks (临期、到期、逾期提醒与逾期督办).

`reminders_due(day)` is a pure selection of what is due on `day`; `reminders_send(day=...)` sends
it: one transaction per reminder writes the `Reminder` row and the in-app notifications, and the
emails go out after commit. The unique key (task, kind, due date) guarantees a reminder is never
sent twice for the same event: a second worker that races us gets an IntegrityError and skips.

Rules (N = PLANS_REMIND_BEFORE_WORKDAYS, M = PLANS_ESCALATE_AFTER_WORKDAYS):

* before_due  open tasks due within (day, N working days after day] — normally exactly N working
              days ahead; the window catches up when the job missed a day. Skipped for the day
              (and logged) when the N-th working day falls in a year the calendar does not cover.
* due         open tasks due on `day`.
* overdue     open tasks due before `day`, once per due date.
* escalation  open tasks with workdays_between(due date, day) >= M, to the coordinators, once per
              due date.

Recipients: the unit's liaisons (before_due, due), liaisons and reviewers (overdue), the
coordinators (escalation). Email only to users with an address. A reminder with nobody to send
it to is not recorded, so that it goes out once somebody is assigned.

Logs carry task ids, kinds, dates and counts only — no names, no addresses.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.workdays import CalendarNotCovered, add_workdays, format_date, workdays_between

from . import notifications
from .models import OPEN_STATUSES, Reminder, Task

logger = logging.getLogger(__name__)

Kind = Reminder.Kind

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

SUBJECT_PREFIX = "【政务公开】"

_NOTIFICATION_KINDS = {
    Kind.BEFORE_DUE: notifications.TASK_BEFORE_DUE,
    Kind.DUE: notifications.TASK_DUE,
    Kind.OVERDUE: notifications.TASK_OVERDUE,
    Kind.ESCALATION: notifications.TASK_ESCALATION,
}


class RESULT:
    SENT = "sent"
    WOULD_SEND = "would_send"
    DUPLICATE = "duplicate"  # another worker recorded it first
    NO_RECIPIENTS = "no_recipients"


RESULT_LABELS = {
    RESULT.SENT: "已发送",
    RESULT.WOULD_SEND: "将发送",
    RESULT.DUPLICATE: "已由其他进程发送，跳过",
    RESULT.NO_RECIPIENTS: "无接收人，未发送",
}


@dataclass(frozen=True)
class DueReminder:
    kind: str
    task: Task


@dataclass(frozen=True)
class Outcome:
    kind: str
    task_id: int
    task_title: str
    unit_name: str
    due_date: dt.date
    recipients: int
    emails: int
    result: str

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


@dataclass
class ReminderSummary:
    day: dt.date
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    #: kind -> why the whole kind was skipped today (uncovered calendar)
    skipped_kinds: dict[str, str] = field(default_factory=dict)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def sent(self) -> int:
        return self.count(RESULT.SENT)

    @property
    def emails(self) -> int:
        return sum(o.emails for o in self.outcomes if o.result in (RESULT.SENT, RESULT.WOULD_SEND))

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "sent": self.sent,
            "would_send": self.count(RESULT.WOULD_SEND),
            "duplicate": self.count(RESULT.DUPLICATE),
            "no_recipients": self.count(RESULT.NO_RECIPIENTS),
            "emails": self.emails,
            "skipped_kinds": {str(k): v for k, v in self.skipped_kinds.items()},
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
    already = Reminder.objects.filter(task=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date"))
    return (
        Task.objects.filter(status__in=OPEN_STATUSES, item__is_removed=False)
        .exclude(Exists(already))
        .select_related("item", "unit")
        .order_by("due_date", "unit__sort_order", "pk")
    )


def _select(day: dt.date, skipped: dict[str, str]) -> list[DueReminder]:
    due: list[DueReminder] = []

    # before_due: due within (day, N working days after day]
    n = remind_before_workdays()
    if n > 0:
        try:
            limit = add_workdays(day, n)
        except CalendarNotCovered as exc:
            skipped[Kind.BEFORE_DUE.value] = exc.message
            logger.warning(
                "reminders %s: before_due skipped, the calendar does not cover %s",
                day.isoformat(),
                exc.year,
            )
        else:
            due += [
                DueReminder(Kind.BEFORE_DUE, t)
                for t in _open_tasks(Kind.BEFORE_DUE).filter(due_date__gt=day, due_date__lte=limit)
            ]

    due += [DueReminder(Kind.DUE, t) for t in _open_tasks(Kind.DUE).filter(due_date=day)]
    due += [
        DueReminder(Kind.OVERDUE, t) for t in _open_tasks(Kind.OVERDUE).filter(due_date__lt=day)
    ]

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
            due.append(DueReminder(Kind.ESCALATION, task))
    if uncovered:
        years = "、".join(str(y) for y in sorted(uncovered))
        skipped[Kind.ESCALATION.value] = (
            f"{years}年节假日安排尚未录入，部分任务无法计算逾期工作日数"
        )
        logger.warning(
            "reminders %s: escalation skipped for some tasks, the calendar does not cover %s",
            day.isoformat(),
            years,
        )
    return due


def reminders_due(day: dt.date) -> list[DueReminder]:
    """What is due on `day` and not yet sent: a pure read, nothing is written."""
    return _select(day, {})


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


# -- sending ----------------------------------------------------------------------------------


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


def _deliver(reminder_id: int, messages: list[tuple]) -> None:
    """After commit: hand the emails to the mail backend; record how many went out."""
    try:
        sent = send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("reminder %s: email delivery failed", reminder_id)
        sent = 0
    if sent != len(messages):
        Reminder.objects.filter(pk=reminder_id).update(emailed=sent)


def _send_one(entry: DueReminder, users: list, day: dt.date) -> str:
    task, kind = entry.task, entry.kind
    title = reminder_title(kind, task)
    body = reminder_body(kind, task, day)
    subject = SUBJECT_PREFIX + title
    footer = "\n\n此邮件由政务公开工作平台自动发送，请勿直接回复。"
    sender = settings.DEFAULT_FROM_EMAIL
    messages = [(subject, body + footer, sender, [u.email]) for u in users if u.email]
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                task=task,
                kind=kind,
                due_date=task.due_date,
                recipients=[u.pk for u in users],
                emailed=len(messages),
            )
            notify(
                kind=_NOTIFICATION_KINDS[kind],
                users=users,
                title=title,
                body=body,
                url=task_path(task.pk),
            )
            if messages:
                transaction.on_commit(partial(_deliver, reminder.pk, messages))
    except IntegrityError:
        logger.info(
            "reminder %s task=%s due=%s already recorded by another worker, skipped",
            kind,
            task.pk,
            task.due_date.isoformat(),
        )
        return RESULT.DUPLICATE
    logger.info(
        "reminder %s sent: task=%s due=%s reminder=%s recipients=%d emails=%d",
        kind,
        task.pk,
        task.due_date.isoformat(),
        reminder.pk,
        len(users),
        len(messages),
    )
    return RESULT.SENT


def reminders_send(*, day: dt.date, dry_run: bool = False) -> ReminderSummary:
    """Send every reminder due on `day` (see the module docstring). With dry_run, nothing is
    written or sent; the summary says what would be."""
    summary = ReminderSummary(day=day, dry_run=dry_run)
    recipients = _Recipients()
    for entry in _select(day, summary.skipped_kinds):
        task, kind = entry.task, entry.kind
        users = recipients.for_reminder(kind, task)
        emails = sum(1 for u in users if u.email)
        if not users:
            result = RESULT.NO_RECIPIENTS
            logger.warning(
                "reminder %s task=%s due=%s has no recipients, not sent",
                kind,
                task.pk,
                task.due_date.isoformat(),
            )
        elif dry_run:
            result = RESULT.WOULD_SEND
        else:
            result = _send_one(entry, users, day)
        summary.outcomes.append(
            Outcome(
                kind=kind,
                task_id=task.pk,
                task_title=task.item.title,
                unit_name=str(task.unit),
                due_date=task.due_date,
                recipients=len(users),
                emails=emails,
                result=result,
            )
        )
    logger.info("reminders %s: %s", day.isoformat(), summary.as_dict())
    return summary
