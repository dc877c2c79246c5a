"""The reminder engine: asks every registered source what is due on a day and sends it.

One transaction per reminder writes the `Reminder` row (unique `key`) and the in-app
notifications (`notify()`); email and SMS follow after commit by each recipient's preference.
An IntegrityError on the key means another worker sent it first: skipped, never twice. A
reminder with nobody to send it to is not recorded, so it goes out once somebody is assigned.

Every send is logged with the key (object id, event, date), the reminder id and counts —
never names, addresses, phone numbers or applicants' data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction

from gongkai.core import schedule
from gongkai.core.models import EmailMode, EmailStatus, Notification, Reminder
from gongkai.core.notifications import notify
from gongkai.core.notifications.preferences import preferences_for

from .sources import DueReminder, ReminderSource, all_sources, get_source

logger = logging.getLogger(__name__)


class RESULT:
    SENT = "sent"
    WOULD_SEND = "would_send"
    DUPLICATE = "duplicate"  # another worker recorded it first
    NO_RECIPIENTS = "no_recipients"
    SKIPPED = "skipped"  # the source withdrew it (e.g. an application's clock is paused)


RESULT_LABELS = {
    RESULT.SENT: "已发送",
    RESULT.WOULD_SEND: "将发送",
    RESULT.DUPLICATE: "已由其他进程发送，跳过",
    RESULT.NO_RECIPIENTS: "无接收人，未发送",
    RESULT.SKIPPED: "未发送",
}


@dataclass(frozen=True)
class Outcome:
    source: str
    key: str
    kind: str
    label: str
    object_id: int | None
    due_date: dt.date | None
    fields: tuple[str, ...]
    recipients: int
    emails: int
    result: str
    note: str = ""

    @property
    def result_label(self) -> str:
        label = RESULT_LABELS[self.result]
        return f"{label}（{self.note}）" if self.note else label

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "key": self.key,
            "kind": self.kind,
            "object_id": self.object_id,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "recipients": self.recipients,
            "emails": self.emails,
            "result": self.result,
        }


@dataclass
class ReminderSummary:
    day: dt.date
    dry_run: bool = False
    sources: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    #: source name -> {kind label -> why the whole kind was skipped today}
    skipped_kinds: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_source(self, name: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.source == name]

    def count(self, result: str, source: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.result == result and source in (None, o.source))

    @property
    def sent(self) -> int:
        return self.count(RESULT.SENT)

    @property
    def emails(self) -> int:
        """Emails sent at once (or, in a dry run, that would be)."""
        return sum(o.emails for o in self.outcomes if o.result in (RESULT.SENT, RESULT.WOULD_SEND))

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "sources": list(self.sources),
            "sent": self.sent,
            "would_send": self.count(RESULT.WOULD_SEND),
            "duplicate": self.count(RESULT.DUPLICATE),
            "no_recipients": self.count(RESULT.NO_RECIPIENTS),
            "skipped": self.count(RESULT.SKIPPED),
            "emails": self.emails,
            "skipped_kinds": self.skipped_kinds,
            "outcomes": [o.as_dict() for o in self.outcomes],
        }

    def log_dict(self) -> dict:
        data = self.as_dict()
        del data["outcomes"]
        return data


def _immediate_emails(reminder: DueReminder) -> int:
    """How many recipients get this reminder by email at once (address + preference)."""
    users = [u for u in reminder.recipients if u.email]
    if not users:
        return 0
    prefs = preferences_for(users, [reminder.kind])
    return sum(1 for u in users if prefs[(u.pk, reminder.kind)][0] == EmailMode.IMMEDIATE)


def _record_emailed(reminder_id: int, notification_ids: list[int]) -> None:
    """After delivery (an earlier on-commit callback): how many emails actually went out."""
    emailed = Notification.objects.filter(
        pk__in=notification_ids, email_status=EmailStatus.SENT
    ).count()
    Reminder.objects.filter(pk=reminder_id).update(emailed=emailed)


def _send_one(source: ReminderSource, reminder: DueReminder, emails: int) -> str:
    try:
        with transaction.atomic():
            row = Reminder.objects.create(
                key=reminder.key,
                source=source.name,
                kind=reminder.kind,
                object_id=reminder.object_id,
                due_date=reminder.due_date,
                recipients=[u.pk for u in reminder.recipients],
                emailed=emails,
            )
            notes = notify(
                kind=reminder.kind,
                users=reminder.recipients,
                title=reminder.title,
                body=reminder.body,
                url=reminder.url,
                deliver_now=True,  # this is a job already; the count below needs the result
            )
            transaction.on_commit(partial(_record_emailed, row.pk, [n.pk for n in notes]))
    except IntegrityError:
        logger.info("reminder %s already recorded by another worker, skipped", reminder.key)
        return RESULT.DUPLICATE
    logger.info(
        "reminder %s sent: key=%s reminder=%s recipients=%d emails=%d",
        reminder.kind,
        reminder.key,
        row.pk,
        len(reminder.recipients),
        emails,
    )
    return RESULT.SENT


def _run_source(source: ReminderSource, day: dt.date, summary: ReminderSummary) -> None:
    due = source.due(day)
    if due.skipped_kinds:
        summary.skipped_kinds[source.name] = dict(due.skipped_kinds)
        for label in due.skipped_kinds:
            logger.warning(
                "reminders %s %s: a kind skipped, the calendar does not cover a year (%s)",
                day.isoformat(),
                source.name,
                label,
            )
    for reminder in due.reminders:
        users = list(reminder.recipients)
        emails = _immediate_emails(reminder) if users and not reminder.skip else 0
        note = ""
        if reminder.skip:
            result, note = RESULT.SKIPPED, reminder.skip
        elif not users:
            result = RESULT.NO_RECIPIENTS
            logger.warning("reminder %s has no recipients, not sent", reminder.key)
        elif summary.dry_run:
            result = RESULT.WOULD_SEND
        else:
            result = _send_one(source, reminder, emails)
        summary.outcomes.append(
            Outcome(
                source=source.name,
                key=reminder.key,
                kind=reminder.kind,
                label=reminder.label,
                object_id=reminder.object_id,
                due_date=reminder.due_date,
                fields=tuple(reminder.fields),
                recipients=len(users),
                emails=emails,
                result=result,
                note=note,
            )
        )


def run_reminders(
    *, day: dt.date, dry_run: bool = False, sources: Iterable[str] | None = None
) -> ReminderSummary:
    """Send every reminder due on `day` from `sources` (names; all registered by default).
    With dry_run nothing is written or sent; the summary says what would be. Runs on any day:
    the working-day gate is the daily job's (`run_daily`)."""
    chosen = [get_source(n) for n in sources] if sources is not None else all_sources()
    summary = ReminderSummary(day=day, dry_run=dry_run, sources=[s.name for s in chosen])
    for source in chosen:
        _run_source(source, day, summary)
    logger.info("reminders %s: %s", day.isoformat(), summary.log_dict())
    return summary


def run_daily(day: dt.date | None = None) -> ReminderSummary | None:
    """The daily job's body: None on a day off, else the summary of what was sent."""
    day = day or schedule.today()
    if not schedule.should_run(day):
        logger.info("reminders %s: not a working day, nothing sent", day.isoformat())
        return None
    return run_reminders(day=day)
