"""Reminders about messages' reply deadlines: the "interaction" source of the reminder engine
(`gongkai.core.reminders`), registered in `InteractionConfig.ready()`.

Keys `interaction.message:<id>:<event>:<due date>`. Rules (N = INTERACTION_REMIND_BEFORE_WORKDAYS,
M = INTERACTION_ESCALATE_AFTER_WORKDAYS):

* due_soon    open messages due within [day, N working days after day] → the units handling it
              (the 公开办 while not routed);
* overdue     open messages due before `day` → the same;
* escalation  M or more working days overdue → the 公开办.

Titles and bodies carry the tracking code, units and dates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import coordinators, unit_staff
from gongkai.core.reminders import DueReminder, EventSource
from gongkai.core.workdays import (
    CalendarNotCovered,
    deadline_estimate,
    format_date,
    workdays_between,
)

from . import notifications
from .models import AssignmentStatus, Message
from .services.messages import OPEN_STATUSES


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    ESCALATION = "escalation", _("逾期督办")


_HEADLINES = {
    Kind.DUE_SOON: "留言即将到期",
    Kind.OVERDUE: "留言已逾期",
    Kind.ESCALATION: "留言逾期督办",
}


def _candidates(kind):
    return (
        Message.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False)
        .exclude(source.already_sent(kind))
        .order_by("due_date", "pk")
    )


def _recipients(kind, m: Message) -> list:
    if kind == Kind.ESCALATION:
        return list(coordinators().order_by("pk"))
    units = [
        a.unit
        for a in m.assignments.exclude(status=AssignmentStatus.SENT_BACK).select_related("unit")
    ]
    if not units:
        return list(coordinators().order_by("pk"))
    users = []
    for unit in units:
        users += [
            u
            for u in unit_staff(unit, roles=("liaison", "reviewer")).order_by("pk")
            if u not in users
        ]
    return users


class MessageReminders(EventSource):
    name = "interaction"
    label = "网民留言期限提醒"
    columns = ("留言编号", "查询码", "答复期限")
    key_prefix = "interaction.message"
    events = Kind
    notification_kinds = {
        Kind.DUE_SOON: notifications.DUE_SOON,
        Kind.OVERDUE: notifications.OVERDUE,
        Kind.ESCALATION: notifications.ESCALATION,
    }

    def reminders(self, day: dt.date, skipped_kinds: dict[str, str]) -> Iterable[DueReminder]:
        limit = deadline_estimate(day, int(settings.INTERACTION_REMIND_BEFORE_WORKDAYS)).date
        due = [
            (Kind.DUE_SOON, m)
            for m in _candidates(Kind.DUE_SOON).filter(due_date__gte=day, due_date__lte=limit)
        ]
        due += [(Kind.OVERDUE, m) for m in _candidates(Kind.OVERDUE).filter(due_date__lt=day)]
        m_days = int(settings.INTERACTION_ESCALATE_AFTER_WORKDAYS)
        for m in _candidates(Kind.ESCALATION).filter(due_date__lt=day):
            try:
                late = workdays_between(m.due_date, day)
            except CalendarNotCovered:
                late = m_days if deadline_estimate(m.due_date, m_days).date <= day else 0
            if late >= m_days:
                due.append((Kind.ESCALATION, m))
        for kind, m in due:
            yield self.entry(
                kind,
                m,
                recipients=_recipients(kind, m),
                title=f"{_HEADLINES[kind]}：{m.tracking_code}",
                body=f"查询码：{m.tracking_code}\n答复期限：{format_date(m.due_date)}\n状态：{m.get_status_display()}",
                url=f"/workbench/interaction/messages/{m.pk}/",
                fields=(str(m.pk), m.tracking_code, format_date(m.due_date)),
            )


source = MessageReminders()
reminders_due = source.reminders_due
register = source.register
