"""Background jobs of core (discovered by `run_huey`).

* `send_reminders` — daily at 08:30 Beijing time; on working days (including weekend days
  worked in exchange, 调休上班) runs every registered reminder source
  (`gongkai.core.reminders`); returns at once on days off.
* `send_notification_digests` — daily at 08:00 Beijing time, working days only: one email per
  user who chose the daily digest, listing what was queued since the last one.
* `deliver_notifications_task` — queued by `notify()` after commit: email and SMS by preference.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.core import schedule

logger = logging.getLogger(__name__)


@db_periodic_task(schedule.at_0830_local)
def send_reminders() -> None:
    """Daily at 08:30 Beijing time; sends only on working days."""
    from gongkai.core.reminders import run_daily

    run_daily()


def run_digests(day: dt.date | None = None) -> dict | None:
    """The digest job's body: None on a day off, else the counts."""
    from gongkai.core.notifications.delivery import send_digests

    day = day or schedule.today()
    if not schedule.should_run(day):
        logger.info("digest %s: not a working day, nothing sent", day.isoformat())
        return None
    counts = send_digests()
    logger.info("digest %s: %s", day.isoformat(), counts)
    return counts


@db_periodic_task(schedule.at_0800_local)
def send_notification_digests() -> None:
    """Daily at 08:00 Beijing time; sends only on working days."""
    run_digests()


@db_task()
def deliver_notifications_task(notification_ids: list[int]) -> None:
    from gongkai.core.notifications.delivery import deliver_notifications

    deliver_notifications(notification_ids)
