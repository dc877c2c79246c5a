"""Shared helpers for FOI services (the replies/letters/fees module uses them too).

    event_record(application, *, kind, date, actor=None, data=None, note="", public=True) -> Event
    application_refresh_due(application, *, calendar=None) -> Clock
        recompute `Application.due_date` from all its events through `gongkai.foi.clock`
        (call after recording an event that moves the clock; saves only `due_date`)
    application_events_clock(application) -> list[ClockEvent]
    application_lock(application_id) -> Application    SELECT … FOR UPDATE inside a transaction
    check_version(application, version)                optimistic-lock check for forms
    application_transition(*, actor, application, action, event_kind, date, data=None,
        note="", public=True, version=None, updates=None, summary="",
        still_consulting=False) -> (Application, Event)
        the one way to change an application's status: locks the row, checks the version and
        `transitions.check_transition`, applies `updates` (field -> value) and the new status,
        records the event, recomputes the due date, writes one audit record
        (action "foi.<action>", summary "<label> YSQ…；<summary>") — all in one transaction.
        Permission checks are the caller's.
    application_url(application) -> str                 the staff page, for notifications
    handling_staff(application) -> list[User]
        who handles it now: the handler and the unit's 联络员 and 审核人; the 公开办 while it
        is unassigned

None of these writes the audit record: the calling service does (one per state change), with
a summary free of personal data (no name, identity number, phone, address).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, unit_staff
from gongkai.core.workdays import WorkdayCalendar, get_calendar

from .. import applicant_messages
from ..clock import Clock, ClockEvent, compute_due
from ..models import Application, Event
from ..transitions import ACTIONS, check_transition


def event_record(
    application: Application,
    *,
    kind: str,
    date: dt.date,
    actor=None,
    data: dict | None = None,
    note: str = "",
    public: bool = True,
) -> Event:
    return Event.objects.create(
        application=application,
        kind=kind,
        date=date,
        data=data or {},
        note=note,
        public=public,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def application_events_clock(application: Application) -> list[ClockEvent]:
    return [
        ClockEvent.from_event(e) for e in application.events.order_by("date", "created_at", "pk")
    ]


def application_refresh_due(
    application: Application, *, calendar: WorkdayCalendar | None = None
) -> Clock:
    clock = compute_due(
        application_events_clock(application), calendar or get_calendar(provisional=True)
    )
    estimated = bool(clock.estimated and clock.due is not None)
    if application.due_date != clock.due or application.due_estimated != estimated:
        application.due_date = clock.due
        application.due_estimated = estimated
        if application.pk:
            Application.objects.filter(pk=application.pk).update(
                due_date=clock.due, due_estimated=estimated
            )
    return clock


def application_lock(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


def check_version(application: Application, version: int | None) -> None:
    if version is not None and int(version) != application.version:
        raise ValidationFailed("该申请已被他人修改，请刷新页面后重试")


def bump(application: Application, *fields: str) -> None:
    """Save `fields` and increment the version."""
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])


def application_transition(
    *,
    actor,
    application: Application | int,
    action: str,
    event_kind: str,
    date: dt.date,
    data: dict | None = None,
    note: str = "",
    public: bool = True,
    version: int | None = None,
    updates: dict | None = None,
    summary: str = "",
    still_consulting: bool = False,
) -> tuple[Application, Event]:
    app_id = application if isinstance(application, int) else application.pk
    with transaction.atomic():
        app = application_lock(app_id)
        check_version(app, version)
        before = {
            "status": app.status,
            "due_date": app.due_date.isoformat() if app.due_date else None,
        }
        new_status = check_transition(app, action, still_consulting=still_consulting)
        fields = ["status"]
        for name, value in (updates or {}).items():
            setattr(app, name, value)
            fields.append(name)
        app.status = new_status
        bump(app, *fields)
        event = event_record(
            app, kind=event_kind, date=date, actor=actor, data=data, note=note, public=public
        )
        application_refresh_due(app)
        applicant_messages.status_changed(app, before["status"])
        text = f"{ACTIONS[action]} {app.tracking_code}"
        audit_record(
            actor=actor,
            action=f"foi.{action}",
            obj=app,
            summary=f"{text}；{summary}" if summary else text,
            before=before,
            after={
                "status": app.status,
                "due_date": app.due_date.isoformat() if app.due_date else None,
            },
        )
    if not isinstance(application, int):
        application.refresh_from_db()
    return app, event


def application_url(application: Application) -> str:
    """The application's staff page: the only link a notification about it carries."""
    return reverse("foi:application_detail", args=[application.pk])


def handling_staff(application: Application) -> list:
    """Who handles `application` now: its handler and the unit's 联络员 and 审核人; the 公开办
    (coordinators) while it is unassigned."""
    if not application.unit_id:
        return list(coordinators().order_by("pk"))
    users = list(unit_staff(application.unit, roles=("liaison", "reviewer")).order_by("pk"))
    if application.handler_id and application.handler not in users:
        users.insert(0, application.handler)
    return users
