"""The reminder engine (临期、到期、逾期提醒与督办) for every module.

Apps register sources (`sources.py`); `engine.run_reminders(day=…)` sends what they report as
due, once per event key; the daily job (`gongkai.core.tasks.send_reminders`, 08:30 Beijing
time, working days only) and the `send_reminders` command call it.
"""

from .engine import RESULT, Outcome, ReminderSummary, run_daily, run_reminders
from .sources import (
    Due,
    DueReminder,
    EventSource,
    ReminderSource,
    all_sources,
    already_sent,
    get_source,
    register_source,
    reminder_key,
)

__all__ = [
    "RESULT",
    "Due",
    "DueReminder",
    "EventSource",
    "Outcome",
    "ReminderSource",
    "ReminderSummary",
    "all_sources",
    "already_sent",
    "get_source",
    "register_source",
    "reminder_key",
    "run_daily",
    "run_reminders",
]
