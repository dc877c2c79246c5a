"""Reminder sources: what an app contributes to the reminder engine.

A source is an object with

    name: str                      "plans" — the --source value and `Reminder.source`
    label: str                     "任务提醒" — a heading in the command's output
    columns: tuple[str, ...]       headings of the summary fields its reminders carry
    def due(self, day) -> Due      what is due on `day` and not yet sent (a pure read)

registered once at start-up (`register_source(source)` in `AppConfig.ready()`). `due()` must
leave out the reminders already recorded (`.exclude(already_sent(...))`); the unique
`Reminder.key` is the guard when two workers race anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Exists, OuterRef


@dataclass(frozen=True)
class DueReminder:
    """One reminder to send: one event (`key`), one notification kind, its recipients."""

    #: unique per event, e.g. "plans.task:123:overdue:2026-10-30" (see `reminder_key`)
    key: str
    #: a registered notification kind ("plans.task_overdue")
    kind: str
    #: short label for the summary ("逾期提醒")
    label: str
    #: active users (ordered); an empty list is reported and nothing is recorded
    recipients: Sequence
    title: str
    body: str = ""
    url: str = ""
    object_id: int | None = None
    due_date: dt.date | None = None
    #: summary fields, one per `source.columns` (ids, titles, unit names — no personal data)
    fields: tuple[str, ...] = ()
    #: non-empty: selected but not to be sent after all; the reason is shown in the summary
    skip: str = ""


@dataclass
class Due:
    reminders: list[DueReminder] = field(default_factory=list)
    #: label of a kind skipped for the day -> why (a year the working-day calendar lacks)
    skipped_kinds: dict[str, str] = field(default_factory=dict)


class ReminderSource(Protocol):
    name: str
    label: str
    columns: tuple[str, ...]

    def due(self, day: dt.date) -> Due: ...


_sources: dict[str, ReminderSource] = {}


def register_source(source: ReminderSource) -> ReminderSource:
    _sources[source.name] = source
    return source


def get_source(name: str) -> ReminderSource:
    try:
        return _sources[name]
    except KeyError:
        raise LookupError(f"reminder source {name!r} is not registered") from None


def all_sources() -> list[ReminderSource]:
    return sorted(_sources.values(), key=lambda s: s.name)


def reminder_key(prefix: str, object_id: int, event: str, due_date: dt.date | None) -> str:
    """ "plans.task:123:overdue:2026-10-30": object type, id, event, the date it is about."""
    return f"{prefix}:{object_id}:{event}:{due_date.isoformat() if due_date else '-'}"


def already_sent(source: str, kind: str, *, due_field: str = "due_date") -> Exists:
    """For `.exclude()` on a queryset of the objects reminded about: a reminder of `kind` is
    recorded for this object and its current due date."""
    from gongkai.core.models import Reminder

    return Exists(
        Reminder.objects.filter(
            source=source, kind=kind, object_id=OuterRef("pk"), due_date=OuterRef(due_field)
        )
    )
