"""Reminder sources: what an app contributes to the reminder engine.

A source is an object with

    name: str                      "plans" — the --source value and `Reminder.source`
    label: str                     "任务提醒" — a heading in the command's output
    columns: tuple[str, ...]       headings of the summary fields its reminders carry
    def due(self, day) -> Due      what is due on `day` and not yet sent (a pure read)

registered once at start-up (`register_source(source)` in `AppConfig.ready()`). `due()` must
leave out the reminders already recorded (`.exclude(already_sent(...))`); the unique
`Reminder.key` is the guard when two workers race anyway.

Most sources remind about objects with a `due_date` (a task, an application) and subclass
`EventSource`: they declare their events and say which objects are due and what to write;
the key, the notification kind, the label and the registration come from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Exists, OuterRef, TextChoices


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


class EventSource:
    """A source reminding about objects with a `due_date`, one event per (object, event kind,
    due date): subclasses set the class attributes and write `reminders()`, which yields one
    `entry()` per reminder due.

    The module of the app then exposes `source = Sub()`, `reminders_due = source.reminders_due`
    and `register = source.register` (called from `AppConfig.ready()`).
    """

    name: str
    label: str
    columns: tuple[str, ...]
    #: the first part of the key: "plans.task"
    key_prefix: str
    #: the events reminded about (the third part of the key), with their labels
    events: type[TextChoices]
    #: event -> registered notification kind
    notification_kinds: Mapping[str, str]

    def reminders(self, day: dt.date, skipped_kinds: dict[str, str]) -> Iterable[DueReminder]:
        """The reminders due on `day` and not yet sent; a kind the source cannot decide today
        goes into `skipped_kinds` as {label: reason}."""
        raise NotImplementedError

    def due(self, day: dt.date) -> Due:
        result = Due()
        result.reminders.extend(self.reminders(day, result.skipped_kinds))
        return result

    def reminders_due(self, day: dt.date) -> list[DueReminder]:
        """What is due on `day` and not yet sent: a pure read (includes those to be skipped)."""
        return self.due(day).reminders

    def register(self) -> None:
        register_source(self)

    def event_label(self, event: str) -> str:
        return str(self.events(event).label)

    def key(self, object_id: int, event: str, due_date: dt.date | None) -> str:
        return reminder_key(self.key_prefix, object_id, event, due_date)

    def already_sent(self, event: str) -> Exists:
        """For `.exclude()`: a reminder of `event` is recorded for the object's due date."""
        return already_sent(self.name, self.notification_kinds[event])

    def entry(
        self,
        event: str,
        obj,
        *,
        recipients: Sequence,
        title: str,
        body: str = "",
        url: str = "",
        fields: tuple[str, ...] = (),
        skip: str = "",
    ) -> DueReminder:
        """The reminder of `event` about `obj` for its current due date."""
        return DueReminder(
            key=self.key(obj.pk, event, obj.due_date),
            kind=self.notification_kinds[event],
            label=self.event_label(event),
            recipients=recipients,
            title=title,
            body=body,
            url=url,
            object_id=obj.pk,
            due_date=obj.due_date,
            fields=fields,
            skip=skip,
        )
