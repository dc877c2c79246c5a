"""Reminders about applications' reply deadlines (临期提醒、逾期提醒、逾期督办): the "foi"
source of the reminder engine (`gongkai.core.reminders`), registered in `FoiConfig.ready()`.

`source.due(day)` selects what is due on `day` and not yet sent; the engine sends it, once per
key `foi.application:<id>:<kind>:<due>` — a moved due date is a new event.

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
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import coordinators, unit_staff
from gongkai.core.reminders import DueReminder, EventSource
from gongkai.core.workdays import (
    CalendarNotCovered,
    format_date,
    get_calendar,
)

from . import notifications
from .clock import compute_due
from .models import Application
from .selectors import OPEN_STATUSES
from .services.common import application_events_clock

logger = logging.getLogger(__name__)

SOURCE = "foi"
KEY_PREFIX = "foi.application"


class Kind(models.TextChoices):
    """The events reminded about (the third part of the key)."""

    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    ESCALATION = "escalation", _("逾期督办")


KINDS = (Kind.DUE_SOON, Kind.OVERDUE, Kind.ESCALATION)

_HEADLINES = {
    Kind.DUE_SOON: "申请即将到期",
    Kind.OVERDUE: "申请已逾期",
    Kind.ESCALATION: "申请逾期督办",
}
_NOTIFICATION_KINDS = {
    Kind.DUE_SOON: notifications.DUE_SOON,
    Kind.OVERDUE: notifications.OVERDUE,
    Kind.ESCALATION: notifications.ESCALATION,
}


def remind_before_workdays() -> int:
    return int(settings.FOI_REMIND_BEFORE_WORKDAYS)


def escalate_after_workdays() -> int:
    return int(settings.FOI_ESCALATE_AFTER_WORKDAYS)


def application_path(application_id: int) -> str:
    return f"/workbench/foi/{application_id}/"


def _candidates(kind: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False)
        .exclude(source.already_sent(kind))
        .select_related("unit", "handler")
        .order_by("due_date", "pk")
    )


def _select(day: dt.date) -> list[tuple[str, Application]]:
    """(kind, application) pairs due on `day` by their stored due date, not yet sent."""
    due: list[tuple[str, Application]] = []
    cal = get_calendar(provisional=True)  # through unpublished years: the statutory holidays
    limit = cal.deadline_estimate(day, remind_before_workdays()).date
    due += [
        (Kind.DUE_SOON, a)
        for a in _candidates(Kind.DUE_SOON).filter(due_date__gte=day, due_date__lte=limit)
    ]
    due += [(Kind.OVERDUE, a) for a in _candidates(Kind.OVERDUE).filter(due_date__lt=day)]
    m = escalate_after_workdays()
    for app in _candidates(Kind.ESCALATION).filter(due_date__lt=day):
        try:
            late = cal.workdays_between(app.due_date, day)
        except CalendarNotCovered:
            late = m if cal.deadline_estimate(app.due_date, m).date <= day else 0
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
        delta = get_calendar(provisional=True).workdays_between(day, app.due_date)
        state = f"剩余{delta}个工作日" if delta >= 0 else f"已逾期{-delta}个工作日"
    except CalendarNotCovered:
        state = f"{(app.due_date - day).days}天"
    lines += [
        f"查询码：{app.tracking_code}",
        f"办理单位：{app.unit.name}" if app.unit_id else "办理单位：尚未分办",
        f"答复期限：{format_date(app.due_date)}{'（预估）' if app.due_estimated else ''}（{state}）",
        f"状态：{app.get_status_display()}",
        f"查看申请：{str(settings.GONGKAI_BASE_URL).rstrip('/')}{application_path(app.pk)}",
    ]
    return "\n".join(lines)


# -- the source -------------------------------------------------------------------------------


class ApplicationReminders(EventSource):
    name = SOURCE
    label = "依申请公开期限提醒"
    columns = ("申请编号", "查询码", "办理单位", "答复期限")
    key_prefix = KEY_PREFIX
    events = Kind
    notification_kinds = _NOTIFICATION_KINDS

    def reminders(self, day: dt.date, skipped_kinds: dict[str, str]) -> Iterable[DueReminder]:
        """Each candidate's clock is recomputed from its events: one whose clock is paused or
        stopped after all, or whose stored due date is stale, is reported and not sent."""
        calendar = get_calendar(provisional=True)
        clocks: dict[int, object] = {}
        for kind, app in _select(day):
            if app.pk not in clocks:
                clocks[app.pk] = compute_due(application_events_clock(app), calendar)
            clock = clocks[app.pk]
            stale = not clock.overdue_possible or clock.due != app.due_date
            yield self.entry(
                kind,
                app,
                recipients=_recipients(kind, app),
                title=reminder_title(kind, app),
                body=reminder_body(kind, app, day),
                url=application_path(app.pk),
                fields=(
                    str(app.pk),
                    app.tracking_code,
                    str(app.unit) if app.unit_id else "尚未分办",
                    format_date(app.due_date),
                ),
                skip="期限已暂停或已变更" if stale else "",
            )


source = ApplicationReminders()
reminders_due = source.reminders_due
register = source.register
