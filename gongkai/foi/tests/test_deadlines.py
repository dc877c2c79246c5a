"""Deadlines through years whose holiday arrangement is unpublished: computed on the statutory
holidays, marked 预估, recomputed (and the handlers notified) when the year is entered."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.models import AuditEvent, Notification
from gongkai.core.services import calendar_year_save
from gongkai.core.statutory_holidays import statutory_holidays
from gongkai.core.workdays import WorkdayCalendar, format_date, package_years
from gongkai.foi.clock import ClockEvent, K, compute_due
from gongkai.foi.models import Application
from gongkai.foi.services import application_refresh_due, event_record
from gongkai.foi.tests.factories import application

D = dt.date


@pytest.fixture
def cal():
    return WorkdayCalendar(package_years(), provisional=True)


def _assert_not_a_day_off(day: dt.date) -> None:
    assert day.weekday() < 5
    assert day not in statutory_holidays(day.year)


def test_received_before_national_day_2027(cal):
    clock = compute_due([ClockEvent(K.RECEIVED, D(2027, 9, 28))], cal)
    # 10/1–10/3 statutory, 10/2 and 10/3 (weekend) made up on 10/4 and 10/5.
    assert clock.due == D(2027, 10, 29)
    assert clock.estimated and clock.uncovered_years == (2027,)
    assert clock.warnings[0].startswith("2027年节假日安排尚未公布")
    _assert_not_a_day_off(clock.due)


def test_correction_received_in_late_december(cal):
    events = [
        ClockEvent(K.RECEIVED, D(2026, 12, 1)),
        ClockEvent(K.CORRECTION_REQUESTED, D(2026, 12, 3)),
        ClockEvent(K.CORRECTION_RECEIVED, D(2026, 12, 28)),
    ]
    clock = compute_due(events, cal)
    # 12/29–12/31 (3), 元旦 off, then 1/4 … : the 20th working day is 2027-01-26
    assert clock.due == D(2027, 1, 26) and clock.estimated
    _assert_not_a_day_off(clock.due)


def test_deadlines_through_2027_never_hit_a_day_off(cal):
    day = D(2026, 12, 1)
    while day <= D(2027, 12, 31):
        clock = compute_due([ClockEvent(K.RECEIVED, day)], cal)
        _assert_not_a_day_off(clock.due)
        assert clock.estimated == (clock.due.year == 2027 or day.year == 2027)
        day += dt.timedelta(days=1)


def test_within_published_year_not_estimated(cal):
    clock = compute_due([ClockEvent(K.RECEIVED, D(2026, 9, 28))], cal)
    assert clock.due == D(2026, 10, 30) and not clock.estimated and not clock.warnings


@pytest.mark.django_db
def test_entering_the_official_year_recomputes_and_notifies(unit_a, liaison_a, admin_user):
    app = application(received=D(2026, 12, 1), unit=unit_a)
    event_record(app, kind=K.EXTENDED, date=D(2026, 12, 3), data={"workdays": 20})
    application_refresh_due(app)
    app.refresh_from_db()
    assert app.due_date == D(2027, 1, 27) and app.due_estimated
    untouched = application(received=D(2026, 11, 2), unit=unit_a)
    assert not untouched.due_estimated

    calendar_year_save(
        actor=admin_user,
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        holidays=[(D(2027, 1, 1), D(2027, 1, 4), "元旦")],
        workdays=[],
    )
    app.refresh_from_db()
    assert app.due_date == D(2027, 1, 28) and not app.due_estimated
    note = Notification.objects.get(user=liaison_a, kind="foi.deadline_recomputed")
    assert app.tracking_code in note.title
    assert "2027年1月27日（预估）" in note.body and "2027年1月28日" in note.body
    assert AuditEvent.objects.filter(action="foi.deadline_recompute").count() == 1
    untouched.refresh_from_db()
    assert untouched.due_date == Application.objects.get(pk=untouched.pk).due_date
    assert (
        not Notification.objects.filter(title__contains=untouched.tracking_code)
        .exclude(kind="foi.application_registered")
        .filter(kind="foi.deadline_recomputed")
    )


@pytest.mark.django_db
def test_estimated_due_date_marked_on_staff_and_public_pages(
    client, login, unit_a, liaison_a, settings
):
    from django.core.cache import cache
    from django.urls import reverse

    settings.FOI_RATE_LIMITS = {"lookup": [(100, 600)]}
    cache.clear()
    app = application(received=D(2026, 12, 1), unit=unit_a, channel="in_person")
    event_record(app, kind=K.EXTENDED, date=D(2026, 12, 3), data={"workdays": 20})
    application_refresh_due(app)
    login(liaison_a)
    queue = client.get(reverse("foi:queue")).content.decode()
    assert "2027年1月27日" in queue and "预估" in queue
    detail = client.get(reverse("foi:application_detail", args=[app.pk])).content.decode()
    assert "预估" in detail and "2027年节假日安排尚未公布" in detail
    client.logout()
    client.post("/ysqgk/lookup/", {"tracking_code": app.tracking_code, "phone": "13800138000"})
    status = client.get("/ysqgk/status/").content.decode()
    assert "2027年1月27日" in status and "预估" in status


@pytest.mark.django_db
def test_extension_notice_through_an_unpublished_year_says_the_date_is_estimated(
    unit_a, liaison_a, settings, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from gongkai.foi.services import handling as h

    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    app = application(received=today - dt.timedelta(days=2), unit=unit_a)
    h.application_extend(actor=liaison_a, application=app, workdays=20, approver="李主任")
    app.refresh_from_db()
    notice = app.letters.get(kind="notice.extension")
    if app.due_estimated:
        assert "（预估）前作出答复" in notice.body
    else:  # the whole span is in published years
        assert "（预估）" not in notice.body
    assert format_date(app.due_date) in notice.body
