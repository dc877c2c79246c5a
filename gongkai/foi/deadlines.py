"""Deadlines counted on a provisional calendar (预估) and their recomputation.

applications_recompute(*, year, actor=None) -> list[(Application, old due, new due)]
    when the official arrangement of `year` is entered (or changed or removed), every open
    application whose due date was estimated, or falls in or after `year`, is recomputed
    from its events on the new calendar; the handling staff of each one whose date changed,
    or stopped being an estimate, are notified (kind foi.deadline_recomputed) and one audit
    record is written per such application. Runs in the caller's transaction.
on_calendar_year_changed(sender, *, year, actor=None, **kwargs)
    the receiver of `gongkai.core.signals.calendar_year_changed` (connected in apps.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from gongkai.core.audit import audit_record
from gongkai.core.notifications import notify
from gongkai.core.workdays import build_calendar, format_date

from . import notifications
from .models import Application, Status
from .services.common import application_refresh_due, application_url, handling_staff

OPEN_STATUSES = (
    Status.REGISTERED,
    Status.CORRECTION,
    Status.PROCESSING,
    Status.CONSULTING,
    Status.AWAITING_FEE,
    Status.REPLY_PENDING,
)


def applications_recompute(*, year: int, actor=None) -> list[tuple[Application, dt.date, dt.date]]:
    calendar = build_calendar().with_provisional()  # read fresh: includes this transaction
    candidates = Application.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(due_estimated=True) | Q(due_date__year__gte=year)
    )
    changed = []
    for app in candidates.select_related("unit", "handler").order_by("pk"):
        old, was_estimated = app.due_date, app.due_estimated
        clock = application_refresh_due(app, calendar=calendar)
        if clock.due == old and clock.estimated == was_estimated:
            continue
        changed.append((app, old, clock.due))
        status = "（仍为预估）" if clock.estimated else ""
        old_text = format_date(old) + ("（预估）" if was_estimated else "") if old else "无"
        new_text = format_date(clock.due) + status if clock.due else "无"
        audit_record(
            actor=actor,
            action="foi.deadline_recompute",
            obj=app,
            unit=app.unit,
            summary=f"{year}年节假日安排变更，答复期限由{old_text}改为{new_text}",
            before={"due_date": old.isoformat() if old else None, "estimated": was_estimated},
            after={
                "due_date": clock.due.isoformat() if clock.due else None,
                "estimated": clock.estimated,
            },
        )
        notify(
            kind=notifications.DEADLINE_RECOMPUTED,
            users=handling_staff(app),
            title=f"答复期限已按{year}年节假日安排重新计算：{app.tracking_code}",
            body=(
                f"查询码：{app.tracking_code}\n原期限：{old_text}\n新期限：{new_text}\n"
                f"{year}年节假日安排已录入，期限按正式安排重新计算。"
            ),
            url=application_url(app),
            actor=actor,
        )
    return changed


def on_calendar_year_changed(sender, *, year: int, actor=None, **kwargs) -> None:
    applications_recompute(year=year, actor=actor)
