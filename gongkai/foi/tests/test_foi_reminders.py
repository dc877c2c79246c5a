"""Deadline reminders for applications: due soon (5 working days), overdue, escalation after 3
working days overdue; once per (application, kind, due date); none for paused applications;
no personal data in notifications, emails or logs.

Received 2026-09-28 → due 2026-10-30 (Friday). Five working days before: 2026-10-23.
Three working days after: 2026-11-04.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from gongkai.core import workdays
from gongkai.core.models import Notification, Reminder
from gongkai.core.reminders import RESULT, run_daily, run_reminders
from gongkai.foi import notifications, reminders
from gongkai.foi.models import Application, Event
from gongkai.foi.services import handling as h
from gongkai.foi.tests.factories import PHONE, VALID_ID, application

pytestmark = pytest.mark.django_db

D = dt.date
SEP28 = D(2026, 9, 28)
DUE = D(2026, 10, 30)


class K:
    DUE_SOON = notifications.DUE_SOON
    OVERDUE = notifications.OVERDUE
    ESCALATION = notifications.ESCALATION


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.FOI_REMIND_BEFORE_WORKDAYS = 5
    settings.FOI_ESCALATE_AFTER_WORKDAYS = 3
    settings.DEFAULT_FROM_EMAIL = "noreply@example.gov.cn"
    workdays._loaded = None


@pytest.fixture
def people(liaison_a, reviewer_a, coordinator, liaison_b):
    for user, email in (
        (liaison_a, "a@example.gov.cn"),
        (reviewer_a, "r@example.gov.cn"),
        (coordinator, "c@example.gov.cn"),
        (liaison_b, "b@example.gov.cn"),
    ):
        user.email = email
        user.save(update_fields=["email"])
    return {
        "liaison": liaison_a,
        "reviewer": reviewer_a,
        "coordinator": coordinator,
        "other": liaison_b,
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def _send(day, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return run_reminders(day=day, sources=["foi"], **kwargs)

    return _send


@pytest.fixture
def app_a(unit_a):
    return application(received=SEP28, unit=unit_a)


#: The reminders' own notifications (registering an application notifies the coordinators too).
REMINDER_KINDS = (notifications.DUE_SOON, notifications.OVERDUE, notifications.ESCALATION)


def titles(user):
    sent = Notification.objects.filter(user=user, kind__in=REMINDER_KINDS)
    return list(sent.values_list("title", flat=True))


def test_due_soon_within_five_workdays(people, app_a, send, mailoutbox):
    assert reminders.reminders_due(D(2026, 10, 22)) == []  # 6 working days ahead
    summary = send(D(2026, 10, 23))
    assert summary.sent == 1
    r = Reminder.objects.get()
    assert (r.source, r.kind, r.due_date, r.object_id) == ("foi", K.DUE_SOON, DUE, app_a.pk)
    assert r.key == f"foi.application:{app_a.pk}:due_soon:2026-10-30"
    assert set(r.recipients) == {people["liaison"].pk, people["reviewer"].pk}
    assert titles(people["liaison"]) == [f"申请即将到期：{app_a.tracking_code}"]
    assert titles(people["other"]) == [] and titles(people["coordinator"]) == []
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.gov.cn", "r@example.gov.cn"]
    # next day: nothing new for the same due date
    assert send(D(2026, 10, 26)).sent == 0


def test_handler_is_included(people, unit_a, coordinator, send):
    from gongkai.orgs.models import Membership, Role
    from gongkai.orgs.tests.factories import UserFactory

    handler = UserFactory(username="handler", email="h@example.gov.cn")
    Membership.objects.create(user=handler, role=Role.LIAISON, unit=unit_a)
    app = application(received=SEP28)
    h.application_assign(actor=coordinator, application=app, unit=unit_a, handler=handler)
    send(D(2026, 10, 23))
    assert handler.pk in Reminder.objects.get().recipients


def test_overdue_then_escalation(people, app_a, send):
    send(D(2026, 11, 2))
    assert list(Reminder.objects.values_list("kind", flat=True)) == [K.OVERDUE]
    assert titles(people["liaison"]) == [f"申请已逾期：{app_a.tracking_code}"]
    send(D(2026, 11, 3))  # 2 working days overdue: no escalation yet
    assert not Reminder.objects.filter(kind=K.ESCALATION).exists()
    send(D(2026, 11, 4))  # 3 working days
    esc = Reminder.objects.get(kind=K.ESCALATION)
    assert esc.recipients == [people["coordinator"].pk]
    assert titles(people["coordinator"]) == [f"申请逾期督办：{app_a.tracking_code}"]
    send(D(2026, 11, 5))
    assert Reminder.objects.count() == 2  # each once


def test_unassigned_goes_to_coordinators(people, send):
    app = application(received=SEP28)
    send(D(2026, 10, 23))
    assert Reminder.objects.get().recipients == [people["coordinator"].pk]
    assert app.tracking_code in titles(people["coordinator"])[0]


def test_paused_applications_get_none(people, app_a, send):
    h.application_start_consultation(
        actor=people["liaison"],
        application=app_a,
        party="third_party",
        name="某公司",
        on=D(2026, 10, 20),
    )
    app_a.refresh_from_db()
    assert app_a.due_date is None
    for day in (D(2026, 10, 23), D(2026, 11, 2), D(2026, 11, 10)):
        assert send(day).sent == 0
    assert not Reminder.objects.exists()


def test_stale_due_date_is_skipped(people, app_a, send):
    # an open consultation recorded without refreshing the stored due date: the clock decides
    Event.objects.create(
        application=app_a, kind="consultation_started", date=D(2026, 10, 20), data={"id": "x"}
    )
    summary = send(D(2026, 10, 23))
    assert summary.sent == 0 and summary.count(RESULT.SKIPPED) == 1
    assert not Reminder.objects.exists()


def test_moved_due_date_is_a_new_event(people, app_a, send):
    send(D(2026, 10, 23))
    h.application_extend(
        actor=people["liaison"],
        application=app_a,
        workdays=5,
        approver="王主任",
        on=D(2026, 10, 23),
    )
    app_a.refresh_from_db()
    assert app_a.due_date == D(2026, 11, 6)
    send(D(2026, 10, 30))
    assert list(Reminder.objects.order_by("pk").values_list("kind", "due_date")) == [
        (K.DUE_SOON, DUE),
        (K.DUE_SOON, D(2026, 11, 6)),
    ]


def test_replied_or_closed_get_none(people, app_a, send):
    Application.objects.filter(pk=app_a.pk).update(status="replied")
    assert send(D(2026, 11, 10)).sent == 0


def test_dry_run_writes_nothing(people, app_a, send):
    summary = send(D(2026, 10, 23), dry_run=True)
    assert summary.count(RESULT.WOULD_SEND) == 1
    assert not Reminder.objects.exists()
    assert not Notification.objects.filter(kind__in=REMINDER_KINDS).exists()


def test_no_personal_data(people, app_a, send, mailoutbox, caplog):
    caplog.set_level(logging.DEBUG)
    send(D(2026, 11, 4))
    texts = [n.title + n.body for n in Notification.objects.all()]
    texts += [m.subject + m.body for m in mailoutbox]
    assert texts
    for text in [*texts, caplog.text]:
        for secret in (VALID_ID, PHONE, "张三", "某市某区某路1号"):
            assert secret not in text
    assert app_a.tracking_code in texts[0]


def test_daily_job_skips_days_off(people, app_a):
    assert run_daily(D(2026, 10, 24)) is None  # Saturday
    assert run_daily(D(2026, 10, 3)) is None  # National Day
    summary = run_daily(D(2026, 10, 23))
    assert summary is not None and summary.count(RESULT.SENT, source="foi") == 1
