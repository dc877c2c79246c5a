"""Staff pages: per-unit visibility (404 for another unit), the masked identity, the audited
reveal, the clock explained, staff entry and the action forms."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.foi.models import Application, Event
from gongkai.foi.tests.factories import PHONE, VALID_ID, application

pytestmark = pytest.mark.django_db

SEP28 = dt.date(2026, 9, 28)


@pytest.fixture
def app_a(unit_a):
    return application(received=SEP28, unit=unit_a, description="甲局的申请")


@pytest.fixture
def app_b(unit_b):
    return application(received=SEP28, unit=unit_b, description="乙局的申请")


@pytest.fixture
def app_unassigned(db):
    return application(received=SEP28, description="未分办的申请")


def detail(app):
    return reverse("foi:application_detail", args=[app.pk])


def action(app, name):
    return reverse("foi:application_action", args=[app.pk, name])


def test_queue_per_unit_and_masked(login, liaison_a, app_a, app_b, app_unassigned):
    client = login(liaison_a)
    response = client.get(reverse("foi:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert app_a.tracking_code in html
    assert app_b.tracking_code not in html
    assert app_unassigned.tracking_code not in html
    assert "**************002X" in html
    assert VALID_ID not in html and PHONE not in html


def test_queue_filters_with_counts(login, coordinator, app_a, app_b, app_unassigned):
    Application.objects.filter(pk=app_b.pk).update(status="correction", due_date=None)
    client = login(coordinator)
    response = client.get(reverse("foi:queue"), {"filter": "correction"})
    badges = {b["key"]: b["count"] for b in response.context["badges"]}
    assert badges["all"] == 3
    assert badges["correction"] == 1
    assert badges["new"] == 1  # the unassigned one is 已登记
    assert badges["overdue"] == 2  # due 2026-10-30, long past
    assert [a.pk for a in response.context["page"]] == [app_b.pk]
    for label in ("新登记", "待补正", "征求意见中", "5个工作日内到期", "已逾期", "已答复"):
        assert label in response.content.decode()


def test_other_units_application_is_404(login, liaison_b, app_a):
    client = login(liaison_b)
    assert client.get(detail(app_a)).status_code == 404
    assert (
        client.post(action(app_a, "extend"), {"extend-version": app_a.version}).status_code == 404
    )
    assert client.post(reverse("foi:application_reveal_id", args=[app_a.pk])).status_code == 404


def test_unassigned_only_for_coordinators(login, liaison_a, coordinator, app_unassigned):
    assert login(liaison_a).get(detail(app_unassigned)).status_code == 404
    assert login(coordinator).get(detail(app_unassigned)).status_code == 200


def test_detail_shows_masked_identity_timeline_and_clock(login, liaison_a, app_a):
    response = login(liaison_a).get(detail(app_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "**************002X" in html and VALID_ID not in html
    assert "显示证件号码" in html
    assert "2026年9月28日收到申请，为第0日" in html
    assert "自收到之日起20个工作日：2026年10月30日" in html
    assert "申请到达" in html and "确认收到" in html
    assert "甲局的申请" in html


def test_reveal_is_a_post_and_audited(login, liaison_a, app_a, caplog):
    caplog.set_level(logging.DEBUG)
    client = login(liaison_a)
    url = reverse("foi:application_reveal_id", args=[app_a.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert VALID_ID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    audit = AuditEvent.objects.get(action="foi.reveal_id")
    assert audit.actor == liaison_a and VALID_ID not in audit.summary
    assert VALID_ID not in caplog.text


def test_coordinator_cannot_reveal_assigned(login, coordinator, app_a):
    client = login(coordinator)
    assert "显示证件号码" not in client.get(detail(app_a)).content.decode()
    assert client.post(reverse("foi:application_reveal_id", args=[app_a.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="foi.reveal_id").exists()


def test_extend_through_the_form(login, liaison_a, app_a):
    client = login(liaison_a)
    response = client.post(
        action(app_a, "extend"),
        {
            "extend-version": app_a.version,
            "extend-workdays": 20,
            "extend-approver": "王主任",
            "extend-on": "2026-10-26",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(app_a)
    app_a.refresh_from_db()
    assert app_a.due_date == dt.date(2026, 11, 27)
    html = client.get(detail(app_a)).content.decode()
    assert "经负责人同意延长20个工作日，期限为2026年11月27日" in html
    assert "经负责人 王主任 同意" in html


def test_stale_version_shows_message(login, liaison_a, app_a):
    client = login(liaison_a)
    response = client.post(
        action(app_a, "delay"),
        {
            "delay-version": app_a.version + 1,
            "delay-until": "2026-12-20",
            "delay-reason": "数量大",
            "delay-on": "2026-10-09",
        },
    )
    assert response.status_code == 400
    assert "该申请已被他人修改" in response.content.decode()


def test_invalid_extension_shows_message(login, liaison_a, app_a):
    response = login(liaison_a).post(
        action(app_a, "extend"),
        {
            "extend-version": app_a.version,
            "extend-workdays": 30,
            "extend-approver": "王",
            "extend-on": "2026-10-09",
        },
    )
    assert response.status_code == 400
    assert "最长不得超过20个工作日" in response.content.decode()


def test_leader_sees_but_cannot_act(login, leader, app_a):
    client = login(leader)
    response = client.get(detail(app_a))
    assert response.status_code == 200
    assert not response.context["action_forms"]
    response = client.post(
        action(app_a, "extend"),
        {
            "extend-version": app_a.version,
            "extend-workdays": 5,
            "extend-approver": "王",
            "extend-on": "2026-10-09",
        },
    )
    assert response.status_code == 403


def test_forms_offered_by_status(login, liaison_a, app_a):
    client = login(liaison_a)
    offered = [f["action"] for f in client.get(detail(app_a)).context["action_forms"]]
    assert (
        "extend" in offered and "request_correction" in offered and "start_consultation" in offered
    )
    assert "confirm_receipt" not in offered and "receive_correction" not in offered
    Application.objects.filter(pk=app_a.pk).update(status="replied")
    offered = [f["action"] for f in client.get(detail(app_a)).context["action_forms"]]
    assert offered == ["close"]


def test_unknown_action_404(login, liaison_a, app_a):
    assert login(liaison_a).post(action(app_a, "publish")).status_code == 404


def test_staff_entry(login, coordinator, liaison_a):
    url = reverse("foi:application_create")
    assert login(liaison_a).get(url).status_code == 403
    client = login(coordinator)
    assert client.get(url).status_code == 200
    data = {
        "channel": "post_ordinary",
        "arrived_at": "2026-09-28T09:30",
        "applicant_type": "natural",
        "applicant_name": "王五",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": PHONE,
        "description": "某某文件",
        "form_wanted": "paper",
        "delivery": "post",
        "address": "某路1号",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "第三十一条" in response.content.decode()
    response = client.post(url, {**data, "confirmed_on": "2026-09-29"})
    assert response.status_code == 302
    app = Application.objects.get(applicant_name="王五")
    assert response["Location"] == detail(app)
    assert app.received_date == dt.date(2026, 9, 29) and app.created_by == coordinator
    assert list(app.events.values_list("kind", flat=True)) == [
        Event.Kind.ARRIVED,
        Event.Kind.RECEIVED,
    ]


def test_staff_entry_missing_fields(login, coordinator):
    response = login(coordinator).post(
        reverse("foi:application_create"),
        {
            "channel": "in_person",
            "arrived_at": "2026-09-28T09:30",
            "applicant_type": "natural",
            "id_type": "resident_id",
            "form_wanted": "paper",
            "delivery": "pickup",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "applicant_name" in form.errors and "id_number" in form.errors and "phone" in form.errors
    assert not Application.objects.exists()


def test_confirm_receipt_through_the_form(login, coordinator):
    from django.utils import timezone

    app = application(
        channel="online", arrived_at=timezone.make_aware(dt.datetime(2026, 9, 27, 20, 0))
    )
    client = login(coordinator)
    offered = [f["action"] for f in client.get(detail(app)).context["action_forms"]]
    assert offered[0] == "confirm_receipt" and "assign" not in offered
    response = client.post(
        action(app, "confirm-receipt"),
        {"confirm_receipt-version": app.version, "confirm_receipt-confirmed_on": "2026-09-28"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.received_date == SEP28 and app.due_date == dt.date(2026, 10, 30)


def test_uncovered_year_shows_warning(login, liaison_a, unit_a, monkeypatch):
    app = application(received=dt.date(2026, 11, 20), unit=unit_a)
    Event.objects.create(
        application=app, kind="extended", date=dt.date(2026, 11, 20), data={"workdays": 20}
    )
    html = login(liaison_a).get(detail(app)).content.decode()
    assert "2027年节假日安排尚未录入，期限按周末推算，可能不准确" in html


def test_contact_details_only_for_handlers(login, leader, liaison_a, app_a):
    assert PHONE not in login(leader).get(detail(app_a)).content.decode()
    assert PHONE in login(liaison_a).get(detail(app_a)).content.decode()
