"""The reminder job (huey finds it through `gongkai.core.tasks`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from gongkai.core import schedule

from .engine import run_daily


@db_periodic_task(schedule.at_0830_local)
def send_reminders() -> None:
    """Daily at 08:30 Beijing time; on working days (including weekend days worked in exchange,
    调休上班) runs every registered reminder source; returns at once on days off."""
    run_daily()
