"""When the daily jobs run: crontab validators meant in Beijing time, and the working-day gate.

    @db_periodic_task(at_0830_local)
    def send_reminders():
        day = today()
        if not should_run(day):
            return

Huey hands its scheduler a naive UTC time when `utc` is on (its default) and a naive
process-local time otherwise; these validators read it in TIME_ZONE (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY

from gongkai.core.workdays import CalendarNotCovered, is_workday

logger = logging.getLogger(__name__)


def _local(timestamp: dt.datetime) -> dt.datetime:
    if not getattr(HUEY, "utc", True):
        return timestamp
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timestamp.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)


def at_local(hour: int, minute: int) -> Callable[[dt.datetime], bool]:
    """A huey validator: daily at hour:minute in TIME_ZONE."""
    cron = crontab(hour=str(hour), minute=str(minute))

    def validate(timestamp: dt.datetime) -> bool:
        return cron(_local(timestamp))

    validate.__name__ = f"at_{hour:02d}{minute:02d}_local"
    return validate


at_0800_local = at_local(8, 0)
at_0830_local = at_local(8, 30)


def today() -> dt.date:
    """Today in TIME_ZONE."""
    return timezone.localdate()


def should_run(day: dt.date) -> bool:
    """Whether `day` is a working day (including weekend days worked in exchange, 调休上班).
    For a year the calendar does not cover, Monday to Friday decide — only whether a job
    runs; the reminders themselves never guess."""
    try:
        return is_workday(day)
    except CalendarNotCovered:
        logger.warning(
            "jobs %s: the calendar does not cover %s; running on Monday to Friday "
            "for this year until its holidays are entered",
            day.isoformat(),
            day.year,
        )
        return day.weekday() < 5
