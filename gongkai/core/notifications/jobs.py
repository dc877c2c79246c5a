"""Jobs of the notifications package (huey finds them through `gongkai.core.tasks`).

* `deliver_notifications_task` — queued by `hand_over` after `notify()` commits: email and SMS
  by preference (`delivery.deliver_notifications`).
* `send_notification_digests` — daily at 08:00 Beijing time, working days only: one email per
  user who chose the daily digest, listing what was queued since the last one.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.core import schedule

from .delivery import deliver_notifications, send_digests

logger = logging.getLogger(__name__)


@db_task()
def deliver_notifications_task(notification_ids: list[int]) -> None:
    deliver_notifications(notification_ids)


def hand_over(notification_ids: list[int], *, now: bool = False) -> None:
    """After commit: queue the delivery (or deliver at once with `now`). Never raises."""
    if not now:
        try:
            deliver_notifications_task(list(notification_ids))
            return
        except Exception as exc:
            logger.warning(
                "queueing the delivery of notifications %s failed (%s); delivering now",
                notification_ids,
                type(exc).__name__,
            )
    deliver_notifications(notification_ids)


def run_digests(day: dt.date | None = None) -> dict | None:
    """The digest job's body: None on a day off, else the counts."""
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
