"""Integration of the three FOI modules: the daily jobs, the workbench menu, repeat detection at
intake (staff and online), and the rule that every path which closes or replies an application
leaves an annual-report result key (`gongkai.foi.results.RESULTS`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.schedule import at_0830_local
from gongkai.core.uploads import check_upload
from gongkai.foi import fees, results, tasks, transitions
from gongkai.foi.models import Application, Status
from gongkai.foi.services import fees as fee_services
from gongkai.foi.services import handling as h
from gongkai.foi.services import replies
from gongkai.foi.similarity import normalize
from gongkai.foi.tests.factories import application

pytestmark = pytest.mark.django_db

D = dt.date
NOV2 = D(2026, 11, 2)
NOV3 = D(2026, 11, 3)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def redacted_pdf():
    return check_upload(
        SimpleUploadedFile(
            "删除个人信息后.pdf", b"%PDF-1.4\n% redacted\n", content_type="application/pdf"
        )
    )


def replied(unit, liaison, reviewer, result="disclose", **overrides) -> Application:
    app = application(received=NOV2, unit=unit, **overrides)
    letter = replies.reply_draft(
        actor=liaison,
        app=app,
        result=result,
        reasons="理由。",
        materials=[redacted_pdf()] if result == "partial" else (),
    )
    replies.reply_approve(actor=reviewer, letter=letter)
    app.refresh_from_db()
    return app


# --- the daily jobs ---------------------------------------------------------------------------


@pytest.mark.parametrize("task", [tasks.expire_foi_fees, tasks.remove_expired_captchas])
def test_jobs_run_daily_at_0830_beijing_time(task):
    validate = task.task_class().validate_datetime
    for stamp in (
        dt.datetime(2026, 11, 26, 0, 30),  # 08:30 in Beijing when huey hands UTC
        dt.datetime(2026, 11, 26, 8, 30),
        dt.datetime(2026, 11, 26, 9, 0),
    ):
        assert validate(stamp) == at_0830_local(stamp)
    assert any(validate(dt.datetime(2026, 11, 26, h, 30)) for h in range(24))


def _fee_notice(app, liaison, pay_by):
    fee_services.fee_notice(
        actor=liaison,
        app=app,
        method=fees.BY_PAGES,
        pages=50,
        date=D(2026, 11, 10),
        pay_by=pay_by,
    )


def test_fee_job_closes_overdue_notices_on_working_days_only(unit_a, liaison_a):
    overdue = application(received=NOV2, unit=unit_a)
    pending = application(received=NOV2, unit=unit_a, id_type="passport", id_number="E99887766")
    _fee_notice(overdue, liaison_a, D(2026, 11, 20))
    _fee_notice(pending, liaison_a, D(2026, 12, 20))

    assert tasks.run_fee_expiry(D(2026, 11, 21)) is None  # Saturday: nothing happens
    overdue.refresh_from_db()
    assert overdue.status == Status.AWAITING_FEE

    assert tasks.run_fee_expiry(D(2026, 11, 23)) == 1  # Monday
    overdue.refresh_from_db()
    pending.refresh_from_db()
    assert (overdue.status, overdue.result) == (Status.CLOSED, "other.fee_unpaid")
    assert overdue.letters.filter(kind="notice.terminate").exists()
    assert pending.status == Status.AWAITING_FEE
    assert tasks.run_fee_expiry(D(2026, 11, 24)) == 0  # nothing twice


def test_captcha_cleanup_removes_only_expired_rows():
    from captcha.models import CaptchaStore

    old = CaptchaStore.objects.create(challenge="OLD", response="old")
    CaptchaStore.objects.filter(pk=old.pk).update(
        expiration=timezone.now() - dt.timedelta(minutes=1)
    )
    fresh = CaptchaStore.objects.create(challenge="NEW", response="new")
    assert tasks.run_captcha_cleanup() == 1
    assert list(CaptchaStore.objects.values_list("pk", flat=True)) == [fresh.pk]
    tasks.remove_expired_captchas.call_local()
    assert CaptchaStore.objects.count() == 1


# --- the workbench menu -------------------------------------------------------------------------


def _menu(user) -> dict[str, str]:
    from gongkai.workbench.menu import items_for

    return {item["key"]: item for item in items_for(user)}


def test_menu_statistics_and_templates(coordinator, leader, liaison_a):
    statistics_url = reverse("foi:replies_office:statistics")
    templates_url = reverse("foi:replies_office:templates")
    menu = _menu(coordinator)
    assert menu["foi_statistics"]["url"] == statistics_url
    assert str(menu["foi_statistics"]["label"]) == "年度统计"
    assert menu["foi_templates"]["url"] == templates_url
    assert str(menu["foi_templates"]["label"]) == "文书模板"
    leader_menu = _menu(leader)
    assert "foi_statistics" in leader_menu and "foi_templates" not in leader_menu
    liaison_menu = _menu(liaison_a)
    assert "foi_statistics" not in liaison_menu and "foi_templates" not in liaison_menu


def test_menu_entries_open_for_who_sees_them(login, coordinator, leader):
    client = login(coordinator)
    assert client.get(reverse("foi:replies_office:statistics")).status_code == 200
    assert client.get(reverse("foi:replies_office:templates")).status_code == 200
    client = login(leader)
    assert client.get(reverse("foi:replies_office:statistics")).status_code == 200
    assert client.get(reverse("foi:replies_office:templates")).status_code == 403


# --- intake: normalised text and repeats ----------------------------------------------------


def test_service_stores_normalized_text_by_default():
    app = application(description="二〇二五年度《财政预算》执行情况。")
    assert app.normalized_text == normalize(app.description) == "2025年财政预算执行情况"


def test_staff_entry_stores_normalized_text(login, coordinator):
    client = login(coordinator)
    response = client.post(
        reverse("foi:application_create"),
        {
            "channel": "in_person",
            "arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "applicant_type": "natural",
            "applicant_name": "王五",
            "id_type": "passport",
            "id_number": "E12345678",
            "phone": "13900139000",
            "description": "2025年度 高新区 财政预算 执行情况！",
            "form_wanted": "electronic",
            "delivery": "pickup",
        },
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.normalized_text == "2025年高新区财政预算执行情况"


def test_repeat_of_an_answered_application_is_set_at_intake(unit_a, liaison_a, reviewer_a):
    first = replied(unit_a, liaison_a, reviewer_a)
    again = application(channel="online")
    assert again.repeat_of == first
    other_person = application(channel="online", id_type="passport", id_number="E99887766")
    assert other_person.repeat_of is None
    different = application(channel="online", description="城市绿化养护合同及验收记录")
    assert different.repeat_of is None


def test_closed_without_a_reply_is_not_answered(unit_a, liaison_a):
    withdrawn = application(received=NOV2, unit=unit_a)
    h.application_close(actor=liaison_a, application=withdrawn, result="other.other")
    assert application(channel="online").repeat_of is None


def test_assignment_looks_for_repeats_within_the_unit(
    coordinator, unit_a, unit_b, liaison_a, reviewer_a
):
    first = replied(unit_a, liaison_a, reviewer_a)
    again = application(received=NOV3)
    assert again.repeat_of == first  # unassigned: every unit
    again = h.application_assign(actor=coordinator, application=again, unit=unit_b)
    assert again.repeat_of is None  # another agency: not a repeat
    again = h.application_assign(actor=coordinator, application=again, unit=unit_a)
    assert again.repeat_of == first


def test_repeat_warning_on_the_application_page_and_flag_in_queue(
    login, unit_a, liaison_a, reviewer_a
):
    first = replied(unit_a, liaison_a, reviewer_a)
    again = application(received=NOV3, unit=unit_a)
    fresh = application(received=NOV3, unit=unit_a, description="城市绿化养护合同及验收记录")
    client = login(liaison_a)
    page = client.get(reverse("foi:application_detail", args=[again.pk])).content.decode()
    warning = page.split('class="notice notice-warning foi-repeat"')[1].split("</div>")[0]
    assert "重复申请" in warning and first.tracking_code in warning
    assert "第三十六条第（六）项" in warning
    other = client.get(reverse("foi:application_detail", args=[fresh.pk])).content.decode()
    assert "foi-repeat" not in other

    queue = client.get(reverse("foi:queue")).content.decode()
    rows = {
        code: queue.split(code + "</a>")[1].split("</td>")[0]
        for code in (again.tracking_code, fresh.tracking_code, first.tracking_code)
    }
    assert "重复申请" in rows[again.tracking_code]
    assert first.tracking_code in rows[again.tracking_code]  # in the title
    assert "重复申请" not in rows[fresh.tracking_code]
    assert "重复申请" not in rows[first.tracking_code]


# --- every close / reply path leaves an annual-report key -----------------------------------


def _ends(action: str) -> bool:
    return bool(
        {Status.CLOSED, Status.REPLIED} & {str(t) for t in transitions.TRANSITIONS[action].values()}
    )


#: The services that close or reply an application, by the transition they use.
ENDING_PATHS = {
    "reply": "replies.reply_approve",
    "close": "handling.application_close",
    "expire_correction": "handling.application_expire_correction",
    "fee_expired": "fees.fee_expire / fees_expire_overdue",
}


def test_every_ending_transition_is_walked_below():
    assert {a for a in transitions.TRANSITIONS if _ends(a)} == set(ENDING_PATHS)


def _assert_row(app: Application) -> None:
    app.refresh_from_db()
    assert app.status in (Status.CLOSED, Status.REPLIED)
    assert app.result in results.RESULT_BY_KEY, app.result  # a real key, not an alias
    assert results.result_of(app).key == app.result


def test_every_close_and_reply_path_sets_a_result_key(unit_a, liaison_a, reviewer_a):
    ids = iter(f"E{n:08d}" for n in range(10_000_000, 10_001_000))

    def new(**kw):
        return application(
            received=NOV2, unit=unit_a, id_type="passport", id_number=next(ids), **kw
        )

    walked: set[str] = set()
    # reply: every result a handler may choose, then closing after the reply keeps it
    for res in results.REPLY_RESULTS:
        app = new()
        letter = replies.reply_draft(
            actor=liaison_a,
            app=app,
            result=res.key,
            reasons="理由和依据。",
            materials=[redacted_pdf()] if res.needs_released_material else (),
        )
        replies.reply_approve(actor=reviewer_a, letter=letter)
        _assert_row(app)
        assert app.result == res.key
        with pytest.raises(ValidationFailed, match="不能另选办结原因"):
            h.application_close(
                actor=liaison_a,
                application=app,
                result="reject.petition" if res.key == "other.other" else "other.other",
            )
        h.application_close(actor=liaison_a, application=app)
        _assert_row(app)
        assert (app.status, app.result) == (Status.CLOSED, res.key)
    walked |= {"reply", "close"}

    # close without a reply, from every status that allows it
    for key in h.CLOSE_RESULTS:
        for status in transitions.TRANSITIONS["close"]:
            if status == Status.REPLIED:
                continue
            app = new()
            Application.objects.filter(pk=app.pk).update(status=status)
            h.application_close(actor=liaison_a, application=app, result=key)
            _assert_row(app)
            assert app.result == key

    # correction expired (Art. 30)
    app = new()
    h.application_request_correction(
        actor=liaison_a, application=app, items="请写明文件名称", deadline=D(2026, 11, 13), on=NOV2
    )
    h.application_expire_correction(actor=liaison_a, application=app, on=D(2026, 11, 16))
    _assert_row(app)
    assert app.result == "other.no_correction"
    walked.add("expire_correction")

    # fee unpaid: by hand and by the job
    for by_job in (False, True):
        app = new()
        _fee_notice(app, liaison_a, D(2026, 11, 20))
        if by_job:
            assert fee_services.fees_expire_overdue(today=D(2026, 11, 23)) == 1
        else:
            fee_services.fee_expire(actor=liaison_a, app=app, today=D(2026, 11, 23))
        _assert_row(app)
        assert app.result == "other.fee_unpaid"
    walked.add("fee_expired")

    assert walked == set(ENDING_PATHS)
    assert (
        not Application.objects.filter(status__in=(Status.CLOSED, Status.REPLIED))
        .exclude(result__in=list(results.RESULT_BY_KEY))
        .exists()
    )


# --- date inputs ----------------------------------------------------------------------------


def test_date_inputs_carry_iso_values_in_chinese():
    """<input type="date"> shows nothing unless its value is YYYY-MM-DD; zh-hans would render
    2026/11/26 and the receipt form's default date (today) would be lost."""
    from django.utils import translation

    from gongkai.foi.forms.replies import DeliverForm, FeeNoticeForm
    from gongkai.foi.forms.staff import ConfirmReceiptForm

    day = D(2026, 11, 26)
    with translation.override("zh-hans"):
        confirm = str(ConfirmReceiptForm(initial={"confirmed_on": day, "version": 0}))
        deliver = str(DeliverForm(letters_=[], initial={"date": day}))
        fee = str(FeeNoticeForm(initial={"pay_by": day}))
    for html in (confirm, deliver, fee):
        assert 'type="date"' in html and 'value="2026-11-26"' in html


def test_action_message_shown_once_on_the_application_page(login, coordinator):
    app = application(channel="online")
    client = login(coordinator)
    response = client.post(
        reverse("foi:application_action", args=[app.pk, "confirm-receipt"]),
        {
            "confirm_receipt-confirmed_on": timezone.localdate().isoformat(),
            "confirm_receipt-version": app.version,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.content.decode().count("已确认收到申请") == 1
