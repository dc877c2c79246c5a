"""Reminders about applications' reply deadlines (临期提醒、逾期提醒、逾期督办).

Mirrors `gongkai.plans.reminders`: `reminders_due(day)` is a pure selection; `reminders_send(day=…)`
writes one `Reminder` row and the in-app notifications per reminder in its own transaction, and
the emails go out after commit. The unique key (application, kind, due date) means a reminder
is never sent twice for the same due date; a moved due date is a new event.

Rules (N = FOI_REMIND_BEFORE_WORKDAYS, default 5; M = FOI_ESCALATE_AFTER_WORKDAYS, default 3):

* due_soon    open applications due within [day, N working days after day].
* overdue     open applications due before `day`, once per due date.
* escalation  open applications with workdays_between(due date, day) >= M, to the
              coordinators, once per due date.

Only applications whose clock runs get reminders: a paused application (correction pending,
consultation open, fee outstanding) has no due date, and each candidate's clock is recomputed
from its events before sending (`clock.overdue_possible`).

Recipients: the handler and the unit's staff (liaisons, reviewers) for due_soon and overdue —
the coordinators while the application is unassigned; the coordinators for escalation.

Notifications and logs carry the tracking code, dates and counts only — never the applicant's
name, identity number, phone or address.
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
from gongkai.core.workdays import (
    CalendarNotCovered,
    deadline_estimate,
    format_date,
    get_calendar,
    workdays_between,
)

from . import notifications
from .clock import compute_due
from .models import Application, Reminder
from .selectors import OPEN_STATUSES
from .services.common import application_events_clock

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
KINDS = (Kind.DUE_SOON, Kind.OVERDUE, Kind.ESCALATION)

_HEADLINES = {
    Kind.DUE_SOON: "申请即将到期",
    Kind.OVERDUE: "申请已逾期",
    Kind.ESCALATION: "申请逾期督办",
}
SUBJECT_PREFIX = "【依申请公开】"

_NOTIFICATION_KINDS = {
    Kind.DUE_SOON: notifications.DUE_SOON,
    Kind.OVERDUE: notifications.OVERDUE,
    Kind.ESCALATION: notifications.ESCALATION,
}


class RESULT:
    SENT = "sent"
    WOULD_SEND = "would_send"
    DUPLICATE = "duplicate"
    NO_RECIPIENTS = "no_recipients"
    SKIPPED = "skipped"  # the clock is paused or stopped after all


@dataclass(frozen=True)
class Outcome:
    kind: str
    application_id: int
    tracking_code: str
    due_date: dt.date
    recipients: int
    emails: int
    result: str


@dataclass
class ReminderSummary:
    day: dt.date
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def sent(self) -> int:
        return self.count(RESULT.SENT)

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "sent": self.sent,
            "would_send": self.count(RESULT.WOULD_SEND),
            "duplicate": self.count(RESULT.DUPLICATE),
            "no_recipients": self.count(RESULT.NO_RECIPIENTS),
            "skipped": self.count(RESULT.SKIPPED),
        }


def remind_before_workdays() -> int:
    return int(settings.FOI_REMIND_BEFORE_WORKDAYS)


def escalate_after_workdays() -> int:
    return int(settings.FOI_ESCALATE_AFTER_WORKDAYS)


def application_path(application_id: int) -> str:
    return f"/workbench/foi/{application_id}/"


def _candidates(kind: str) -> QuerySet[Application]:
    already = Reminder.objects.filter(
        application=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date")
    )
    return (
        Application.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False)
        .exclude(Exists(already))
        .select_related("unit", "handler")
        .order_by("due_date", "pk")
    )


def reminders_due(day: dt.date) -> list[tuple[str, Application]]:
    """What is due on `day` and not yet sent (a pure read)."""
    due: list[tuple[str, Application]] = []
    limit = deadline_estimate(day, remind_before_workdays()).date
    due += [
        (Kind.DUE_SOON, a)
        for a in _candidates(Kind.DUE_SOON).filter(due_date__gte=day, due_date__lte=limit)
    ]
    due += [(Kind.OVERDUE, a) for a in _candidates(Kind.OVERDUE).filter(due_date__lt=day)]
    m = escalate_after_workdays()
    for app in _candidates(Kind.ESCALATION).filter(due_date__lt=day):
        try:
            late = workdays_between(app.due_date, day)
        except CalendarNotCovered:
            late = m if deadline_estimate(app.due_date, m).date <= day else 0
        if late >= m:
            due.append((Kind.ESCALATION, app))
    return due


def _recipients(kind: str, app: Application) -> list:
    if kind == Kind.ESCALATION or app.unit_id is None:
        return list(coordinators().order_by("pk"))
    users = list(unit_staff(app.unit, roles=("liaison", "reviewer")).order_by("pk"))
    if app.handler_id and app.handler.is_active and app.handler not in users:
        users.insert(0, app.handler)
    return users


def reminder_title(kind: str, app: Application) -> str:
    return f"{_HEADLINES[kind]}：{app.tracking_code}"


def reminder_body(kind: str, app: Application, day: dt.date) -> str:
    lines = []
    if kind == Kind.ESCALATION:
        lines.append("以下政府信息公开申请逾期未答复已超过督办时限，请督促办理单位尽快答复。")
    try:
        delta = workdays_between(day, app.due_date)
        state = f"剩余{delta}个工作日" if delta >= 0 else f"已逾期{-delta}个工作日"
    except CalendarNotCovered:
        state = f"{(app.due_date - day).days}天"
    lines += [
        f"查询码：{app.tracking_code}",
        f"办理单位：{app.unit.name}" if app.unit_id else "办理单位：尚未分办",
        f"答复期限：{format_date(app.due_date)}（{state}）",
        f"状态：{app.get_status_display()}",
        f"查看申请：{str(settings.GONGKAI_BASE_URL).rstrip('/')}{application_path(app.pk)}",
    ]
    return "\n".join(lines)


def _deliver(reminder_id: int, messages: list[tuple]) -> None:
    try:
        sent = send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("foi reminder %s: email delivery failed", reminder_id)
        sent = 0
    if sent != len(messages):
        Reminder.objects.filter(pk=reminder_id).update(emailed=sent)


def _send_one(kind: str, app: Application, users: list, day: dt.date) -> str:
    title = reminder_title(kind, app)
    body = reminder_body(kind, app, day)
    footer = "\n\n此邮件由政务公开工作平台自动发送，请勿直接回复。"
    messages = [
        (SUBJECT_PREFIX + title, body + footer, settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in users
        if u.email
    ]
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                application=app,
                kind=kind,
                due_date=app.due_date,
                recipients=[u.pk for u in users],
                emailed=len(messages),
            )
            notify(
                kind=_NOTIFICATION_KINDS[kind],
                users=users,
                title=title,
                body=body,
                url=application_path(app.pk),
            )
            if messages:
                transaction.on_commit(partial(_deliver, reminder.pk, messages))
    except IntegrityError:
        return RESULT.DUPLICATE
    logger.info(
        "foi reminder %s sent: application=%s due=%s recipients=%d emails=%d",
        kind,
        app.pk,
        app.due_date.isoformat(),
        len(users),
        len(messages),
    )
    return RESULT.SENT


def reminders_send(*, day: dt.date, dry_run: bool = False) -> ReminderSummary:
    summary = ReminderSummary(day=day, dry_run=dry_run)
    calendar = get_calendar()
    clocks: dict[int, object] = {}
    for kind, app in reminders_due(day):
        if app.pk not in clocks:
            clocks[app.pk] = compute_due(application_events_clock(app), calendar)
        clock = clocks[app.pk]
        users = _recipients(kind, app)
        if not clock.overdue_possible or clock.due != app.due_date:
            result = RESULT.SKIPPED
        elif not users:
            result = RESULT.NO_RECIPIENTS
            logger.warning("foi reminder %s application=%s has no recipients", kind, app.pk)
        elif dry_run:
            result = RESULT.WOULD_SEND
        else:
            result = _send_one(kind, app, users, day)
        summary.outcomes.append(
            Outcome(
                kind=kind,
                application_id=app.pk,
                tracking_code=app.tracking_code,
                due_date=app.due_date,
                recipients=len(users),
                emails=sum(1 for u in users if u.email),
                result=result,
            )
        )
    logger.info("foi reminders %s: %s", day.isoformat(), summary.as_dict())
    return summary
