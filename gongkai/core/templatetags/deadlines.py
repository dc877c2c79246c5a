"""Showing deadlines and dates: {% load deadlines %}

    {% deadline application.received_on 20 %}   the 20th working day after, e.g. 2026年10月30日
    {{ task.due_on|due_date }}                  a stored due date (or a workdays.Deadline)
    {{ some_date|date_zh }}                     2026年10月30日, nothing more

A deadline whose span touches a year the working-day calendar does not cover is computed over
weekends only there (`workdays.deadline_estimate`), shown with 「（估算）」, and the year is
recorded for the page banner (see `gongkai.core.calendar_banner`).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from gongkai.core.calendar_banner import record_gaps
from gongkai.core.workdays import Deadline, deadline_estimate, format_date, uncovered_years

register = template.Library()

_EMPTY = "—"


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _render(deadline: Deadline) -> str:
    if not deadline.estimated:
        return format_html(
            '<time class="deadline" datetime="{}">{}</time>',
            deadline.date.isoformat(),
            format_date(deadline.date),
        )
    years = "、".join(f"{y}年" for y in deadline.uncovered_years)
    return format_html(
        '<time class="deadline deadline-estimated" datetime="{}" title="{}">{}（估算）</time>',
        deadline.date.isoformat(),
        f"{years}节假日安排尚未录入，按周末推算",
        format_date(deadline.date),
    )


@register.filter(is_safe=True)
def date_zh(value) -> str:
    """A date as 2026年10月30日 (a datetime in local time); empty input gives ""."""
    day = _as_date(value)
    return format_date(day) if day is not None else ""


@register.filter(is_safe=True)
def due_date(value) -> str:
    """A due date (a date, datetime or workdays.Deadline), marked 「（估算）」 when it lies in
    (or was computed over) a year the calendar does not cover."""
    if isinstance(value, Deadline):
        deadline = value
    else:
        day = _as_date(value)
        if day is None:
            return _EMPTY
        gaps = uncovered_years(day)
        deadline = Deadline(day, estimated=bool(gaps), uncovered_years=gaps)
    if deadline.estimated:
        record_gaps(deadline.uncovered_years)
    return _render(deadline)


@register.simple_tag(takes_context=True)
def deadline(context, start, workdays) -> str:
    """The `workdays`-th working day after `start` (day 0), formatted; estimated and flagged
    when the calendar does not cover the span."""
    day = _as_date(start)
    if day is None or workdays in (None, ""):
        return _EMPTY
    result = deadline_estimate(day, int(workdays))
    if result.estimated:
        record_gaps(result.uncovered_years, context.get("request"))
    return _render(result)
