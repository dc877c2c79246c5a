"""Background jobs of the plans app (discovered by `run_huey`).

The daily reminder job runs at 08:30 Beijing time every day and returns at once on days off; on
working days — including weekend days worked in exchange (调休上班) — it sends the reminders due
(`gongkai.plans.reminders`).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from gongkai.core.workdays import CalendarNotCovered, is_workday

from .reminders import ReminderSummary, reminders_send

logger = logging.getLogger(__name__)

_at_0830 = crontab(hour="8", minute="30")


def _local(timestamp: dt.datetime) -> dt.datetime:
    """Huey hands the scheduler a naive UTC time when `utc` is on (its default) and a naive
    process-local time otherwise; the crontab is meant in TIME_ZONE (Asia/Shanghai)."""
    if not getattr(HUEY, "utc", True):
        return timestamp
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timestamp.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)


def at_0830_local(timestamp: dt.datetime) -> bool:
    return _at_0830(_local(timestamp))


def _today() -> dt.date:
    return timezone.localdate()


def should_run(day: dt.date) -> bool:
    """Whether `day` is a working day. For a year the calendar does not cover, Monday to Friday
    decide — only whether the job runs; the reminders themselves never guess."""
    try:
        return is_workday(day)
    except CalendarNotCovered:
        logger.warning(
            "reminders %s: the calendar does not cover %s; running on Monday to Friday "
            "for this year until its holidays are entered",
            day.isoformat(),
            day.year,
        )
        return day.weekday() < 5


def run_reminders(day: dt.date | None = None) -> ReminderSummary | None:
    """The job's body: None on a day off, else the summary of what was sent."""
    day = day or _today()
    if not should_run(day):
        logger.info("reminders %s: not a working day, nothing sent", day.isoformat())
        return None
    return reminders_send(day=day)


@db_periodic_task(at_0830_local)
def send_daily_reminders() -> None:
    """Daily at 08:30 Beijing time; sends only on working days."""
    run_reminders()
