"""Background jobs of the FOI app (discovered by `run_huey`).

The daily reminder job runs at 08:30 Beijing time and returns at once on days off; on working
days — including weekend days worked in exchange (调休上班) — it sends the deadline reminders
(`gongkai.foi.reminders`). Same schedule helpers as the plans app.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey.contrib.djhuey import db_periodic_task

from gongkai.plans.tasks import _today, at_0830_local, should_run

from .reminders import ReminderSummary, reminders_send

logger = logging.getLogger(__name__)


def run_reminders(day: dt.date | None = None) -> ReminderSummary | None:
    """The job's body: None on a day off, else the summary of what was sent."""
    day = day or _today()
    if not should_run(day):
        logger.info("foi reminders %s: not a working day, nothing sent", day.isoformat())
        return None
    return reminders_send(day=day)


@db_periodic_task(at_0830_local)
def send_foi_reminders() -> None:
    """Daily at 08:30 Beijing time; sends only on working days."""
    run_reminders()
