"""Handling services: receipt, assignment, correction, consultation, extension, delay, closing,
and the audited identity number."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.workdays import add_workdays, workdays_between
from gongkai.foi.models import Application, Event
from gongkai.foi.services import handling as h
from gongkai.foi.tests.factories import PHONE, VALID_ID, application

pytestmark = pytest.mark.django_db

D = dt.date
SEP28 = D(2026, 9, 28)
DUE = D(2026, 10, 30)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def app_a(unit_a):
    return application(received=SEP28, unit=unit_a)


def test_confirm_receipt_of_online_application(coordinator, liaison_a):
    arrived = timezone.make_aware(dt.datetime(2026, 9, 26, 22, 0))  # a Saturday night
    app = application(channel="online", arrived_at=arrived)
    assert app.due_date is None
    with pytest.raises(PermissionDenied):  # unassigned: the coordinator's
        h.application_confirm_receipt(actor=liaison_a, application=app, confirmed_on=SEP28)
    app = h.application_confirm_receipt(
        actor=coordinator, application=app, confirmed_on=SEP28, version=app.version
    )
    assert app.received_date == SEP28 and app.due_date == DUE
    assert app.events.filter(kind=Event.Kind.RECEIVED, date=SEP28).count() == 1
    with pytest.raises(ValidationFailed, match="已于2026年9月28日确认收到"):
        h.application_confirm_receipt(actor=coordinator, application=app, confirmed_on=SEP28)
    with pytest.raises(ValidationFailed, match="不能早于申请到达之日"):
        other = application(channel="online", arrived_at=arrived)
        h.application_confirm_receipt(
            actor=coordinator, application=other, confirmed_on=D(2026, 9, 25)
        )


def test_assign_by_coordinator_and_unit(
    coordinator, unit_a, unit_b, liaison_a, liaison_b, reviewer_a
):
    app = application(received=SEP28)
    with pytest.raises(PermissionDenied):
        h.application_assign(actor=liaison_a, application=app, unit=unit_a)
    with pytest.raises(ValidationFailed, match="经办人须为办理单位的工作人员"):
        h.application_assign(actor=coordinator, application=app, unit=unit_a, handler=liaison_b)
    app = h.application_assign(actor=coordinator, application=app, unit=unit_a, handler=liaison_a)
    assert app.status == "processing" and app.unit == unit_a and app.handler == liaison_a
    assigned = app.events.get(kind=Event.Kind.ASSIGNED)
    assert assigned.actor == coordinator and not assigned.public
    # the unit's staff may change the handler within the unit, not move it elsewhere
    app = h.application_assign(actor=liaison_a, application=app, unit=unit_a, handler=reviewer_a)
    assert app.handler == reviewer_a and app.status == "processing"
    with pytest.raises(PermissionDenied):
        h.application_assign(actor=liaison_a, application=app, unit=unit_b)
    with pytest.raises(PermissionDenied):
        h.application_assign(actor=liaison_b, application=app, unit=unit_b)


def test_assign_needs_receipt(coordinator, unit_a):
    app = application(channel="online", arrived_at=timezone.now() - dt.timedelta(hours=2))
    with pytest.raises(ValidationFailed, match="请先确认收到申请"):
        h.application_assign(actor=coordinator, application=app, unit=unit_a)


def test_other_unit_cannot_handle(app_a, liaison_b, leader):
    for user in (liaison_b, leader):
        with pytest.raises(PermissionDenied):
            h.application_extend(
                actor=user, application=app_a, workdays=5, approver="王", on=D(2026, 10, 9)
            )


def test_correction_within_seven_workdays_restarts_clock(app_a, liaison_a):
    on = add_workdays(SEP28, 7)  # the last day allowed
    app = h.application_request_correction(
        actor=liaison_a,
        application=app_a,
        items="请写明文件名称或文号",
        deadline=D(2026, 10, 30),
        on=on,
    )
    assert app.status == "correction" and app.due_date is None
    ev = app.events.get(kind=Event.Kind.CORRECTION_REQUESTED)
    assert ev.data == {
        "items": "请写明文件名称或文号",
        "deadline": "2026-10-30",
        "workdays_since_receipt": 7,
    }
    with pytest.raises(ValidationFailed, match="一次性告知"):
        h.application_request_correction(
            actor=liaison_a, application=app, items="再补充", deadline=D(2026, 10, 30), on=on
        )
    got = D(2026, 10, 22)
    app = h.application_receive_correction(
        actor=liaison_a, application=app, text="《某某通知》", on=got
    )
    assert app.status == "processing"
    assert app.due_date == add_workdays(got, 20) == D(2026, 11, 19)
    assert "2026年10月22日收到补正材料，重新计算，为第0日" in h_steps(app)


def h_steps(app):
    from gongkai.foi.selectors import clock_for

    return clock_for(app).steps


def test_correction_after_seven_workdays_refused(app_a, liaison_a):
    late = add_workdays(SEP28, 8)
    with pytest.raises(ValidationFailed) as err:
        h.application_request_correction(
            actor=liaison_a, application=app_a, items="x", deadline=D(2026, 11, 30), on=late
        )
    assert "7个工作日内告知补正" in err.value.message and "第8个工作日" in err.value.message
    app_a.refresh_from_db()
    assert app_a.status == "processing" and app_a.due_date == DUE


def test_correction_needs_items_and_deadline(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="需要补正的事项"):
        h.application_request_correction(
            actor=liaison_a,
            application=app_a,
            items=" ",
            deadline=D(2026, 10, 9),
            on=D(2026, 9, 29),
        )
    with pytest.raises(ValidationFailed, match="合理补正期限"):
        h.application_request_correction(
            actor=liaison_a,
            application=app_a,
            items="x",
            deadline=D(2026, 9, 29),
            on=D(2026, 9, 29),
        )


def test_expire_correction(app_a, liaison_a):
    app = h.application_request_correction(
        actor=liaison_a, application=app_a, items="x", deadline=D(2026, 10, 20), on=D(2026, 9, 29)
    )
    with pytest.raises(ValidationFailed, match="尚未届满"):
        h.application_expire_correction(actor=liaison_a, application=app, on=D(2026, 10, 20))
    app = h.application_expire_correction(actor=liaison_a, application=app, on=D(2026, 10, 21))
    assert app.status == "closed" and app.result == "other.no_correction"
    assert app.closed_at is not None and app.due_date is None
    # the termination notice (Art. 30: treated as withdrawn) is issued with its files
    notice = app.letters.get(kind="notice.terminate")
    assert notice.status == "approved" and notice.pdf and notice.docx
    assert "逾期未补正" in notice.body and "行政复议" in notice.body
    event = app.events.get(kind=Event.Kind.CORRECTION_EXPIRED)
    assert event.data == {"result": "other.no_correction", "letter": notice.pk}


def test_consultation_pause_moves_due(app_a, liaison_a):
    start, end = D(2026, 10, 12), D(2026, 10, 23)
    ev = h.application_start_consultation(
        actor=liaison_a, application=app_a, party="third_party", name="某公司", on=start
    )
    app_a.refresh_from_db()
    assert app_a.status == "consulting" and app_a.due_date is None
    assert ev.data["answer_by"] == add_workdays(start, 15).isoformat()
    app = h.application_end_consultation(
        actor=liaison_a,
        application=app_a,
        consultation_id=ev.data["id"],
        outcome="不同意公开",
        on=end,
    )
    assert app.status == "processing"
    k = workdays_between(start, end)
    assert k == 9
    assert app.due_date == add_workdays(DUE, k)
    with pytest.raises(ValidationFailed, match="没有找到该项正在进行的征求意见"):
        h.application_end_consultation(
            actor=liaison_a, application=app, consultation_id=ev.data["id"], on=end
        )


def test_two_consultations(app_a, liaison_a):
    a = h.application_start_consultation(
        actor=liaison_a, application=app_a, party="third_party", name="甲", on=D(2026, 10, 12)
    )
    b = h.application_start_consultation(
        actor=liaison_a, application=app_a, party="agency", name="乙局", on=D(2026, 10, 13)
    )
    assert len(h.open_consultations(app_a)) == 2
    app = h.application_end_consultation(
        actor=liaison_a, application=app_a, consultation_id=b.data["id"], on=D(2026, 10, 14)
    )
    assert app.status == "consulting" and app.due_date is None
    app = h.application_end_consultation(
        actor=liaison_a, application=app, consultation_id=a.data["id"], on=D(2026, 10, 16)
    )
    assert app.status == "processing"
    assert app.due_date == add_workdays(DUE, workdays_between(D(2026, 10, 12), D(2026, 10, 16)))


def test_extension_once_up_to_twenty(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="1至20个工作日"):
        h.application_extend(
            actor=liaison_a, application=app_a, workdays=21, approver="王主任", on=D(2026, 10, 26)
        )
    with pytest.raises(ValidationFailed, match="负责人"):
        h.application_extend(
            actor=liaison_a, application=app_a, workdays=20, approver=" ", on=D(2026, 10, 26)
        )
    app = h.application_extend(
        actor=liaison_a,
        application=app_a,
        workdays=20,
        approver="王主任",
        reason="数量较大",
        on=D(2026, 10, 26),
    )
    assert app.due_date == add_workdays(SEP28, 40) == D(2026, 11, 27)
    ev = app.events.get(kind=Event.Kind.EXTENDED)
    assert ev.data["approver"] == "王主任" and ev.data["workdays"] == 20
    with pytest.raises(ValidationFailed, match="延期答复只能一次"):
        h.application_extend(
            actor=liaison_a, application=app, workdays=1, approver="王主任", on=D(2026, 10, 27)
        )


def test_extension_after_due_refused(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="已过"):
        h.application_extend(
            actor=liaison_a, application=app_a, workdays=5, approver="王主任", on=D(2026, 11, 2)
        )


def test_art35_delay(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="晚于当前答复期限"):
        h.application_delay(
            actor=liaison_a,
            application=app_a,
            until=D(2026, 10, 29),
            reason="申请数量明显超过合理范围",
            on=D(2026, 10, 9),
        )
    with pytest.raises(ValidationFailed, match="理由"):
        h.application_delay(
            actor=liaison_a, application=app_a, until=D(2026, 12, 15), reason="", on=D(2026, 10, 9)
        )
    app = h.application_delay(
        actor=liaison_a,
        application=app_a,
        until=D(2026, 12, 15),
        reason="申请数量明显超过合理范围",
        on=D(2026, 10, 9),
    )
    assert app.due_date == D(2026, 12, 15)


def test_close_without_reply_needs_a_reason(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="办结原因"):
        h.application_close(actor=liaison_a, application=app_a)
    # only annual-report keys: the old ad-hoc keys are refused
    for legacy in ("other.withdrawn", "other.not_application"):
        with pytest.raises(ValidationFailed, match="办结原因"):
            h.application_close(actor=liaison_a, application=app_a, result=legacy)
    app = h.application_close(
        actor=liaison_a,
        application=app_a,
        result="other.other",
        note="申请人来电撤回申请",
        on=D(2026, 10, 9),
    )
    assert app.status == "closed" and app.result == "other.other"


def test_close_results_are_annual_report_rows():
    from gongkai.foi.results import RESULT_BY_KEY

    assert set(h.CLOSE_RESULTS) == {"reject.petition", "other.other"}
    assert set(h.CLOSE_RESULTS) <= set(RESULT_BY_KEY)


def test_petition_closed_as_reject_petition(app_a, liaison_a):
    app = h.application_close(
        actor=liaison_a, application=app_a, result="reject.petition", on=D(2026, 10, 9)
    )
    assert app.result == "reject.petition"
    assert app.events.get(kind=Event.Kind.CLOSED).data == {"result": "reject.petition"}


def test_stale_version_refused(app_a, liaison_a):
    stale = app_a.version
    h.application_extend(
        actor=liaison_a,
        application=app_a,
        workdays=5,
        approver="王",
        on=D(2026, 10, 9),
        version=stale,
    )
    with pytest.raises(ValidationFailed, match="已被他人修改"):
        h.application_delay(
            actor=liaison_a,
            application=app_a.pk,
            until=D(2026, 12, 31),
            reason="x",
            on=D(2026, 10, 9),
            version=stale,
        )


def test_future_date_refused(app_a, liaison_a):
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        h.application_close(
            actor=liaison_a,
            application=app_a,
            result="other.other",
            on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_each_action_one_audit_record_without_personal_data(app_a, liaison_a, caplog):
    caplog.set_level(logging.DEBUG)
    before = AuditEvent.objects.count()
    ev = h.application_start_consultation(
        actor=liaison_a, application=app_a, party="third_party", name="某公司", on=D(2026, 10, 12)
    )
    h.application_end_consultation(
        actor=liaison_a, application=app_a, consultation_id=ev.data["id"], on=D(2026, 10, 14)
    )
    h.application_extend(
        actor=liaison_a, application=app_a, workdays=3, approver="王主任", on=D(2026, 10, 20)
    )
    rows = list(AuditEvent.objects.order_by("pk")[before:])
    assert [r.action for r in rows] == [
        "foi.start_consultation",
        "foi.end_consultation",
        "foi.extend",
    ]
    for row in rows:
        assert app_a.tracking_code in row.summary
        text = f"{row.summary} {row.before} {row.after} {row.object_repr}"
        for secret in (VALID_ID, PHONE, "张三"):
            assert secret not in text
    for secret in (VALID_ID, PHONE, "张三"):
        assert secret not in caplog.text


def test_reveal_id_for_the_handling_unit_only(app_a, liaison_a, liaison_b, coordinator, caplog):
    caplog.set_level(logging.DEBUG)
    assert h.application_reveal_id(actor=liaison_a, application=app_a) == VALID_ID
    audit = AuditEvent.objects.filter(action="foi.reveal_id").get()
    assert audit.actor == liaison_a and app_a.tracking_code in audit.summary
    assert VALID_ID not in audit.summary and VALID_ID not in caplog.text
    for user in (liaison_b, coordinator):
        with pytest.raises(PermissionDenied):
            h.application_reveal_id(actor=user, application=app_a)
    assert AuditEvent.objects.filter(action="foi.reveal_id").count() == 1


def test_reveal_id_unassigned_is_the_coordinators(coordinator, liaison_a):
    app = application(received=SEP28)
    assert h.application_reveal_id(actor=coordinator, application=app) == VALID_ID
    with pytest.raises(PermissionDenied):
        h.application_reveal_id(actor=liaison_a, application=app)


def test_due_date_stored_matches_clock(app_a, liaison_a):
    h.application_extend(
        actor=liaison_a, application=app_a, workdays=7, approver="王", on=D(2026, 10, 9)
    )
    stored = Application.objects.get(pk=app_a.pk).due_date
    from gongkai.foi.selectors import clock_for

    assert stored == clock_for(app_a).due == add_workdays(DUE, 7)
