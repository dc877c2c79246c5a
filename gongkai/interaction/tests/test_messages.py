"""Message services: every transition, deadlines, permissions, publishing with masking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, Notification
from gongkai.interaction.deadlines import message_due
from gongkai.interaction.models import (
    AssignmentStatus,
    Message,
    MessageAttachment,
    MessageStatus,
    Redirect,
)
from gongkai.interaction.selectors import staff as sel
from gongkai.interaction.services import messages as svc

from .factories import EMAIL, NAME, PHONE, message, replied

pytestmark = pytest.mark.django_db
D = dt.date
SEP28 = D(2026, 9, 28)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_deadline_per_kind_counts_working_days_over_national_day():
    assert message_due(SEP28, "consult").due == D(2026, 10, 10)  # 10/10 is a make-up working day
    assert message_due(SEP28, "complain").due == D(2026, 10, 16)
    assert message_due(SEP28, "help", extension=5).due == D(2026, 10, 23)
    with pytest.raises(ValidationFailed):
        message_due(SEP28, "nonsense")


def test_deadline_configurable(settings):
    settings.INTERACTION_DEADLINE_WORKDAYS = {
        **settings.INTERACTION_DEADLINE_WORKDAYS,
        "consult": 3,
    }
    assert message_due(D(2026, 11, 2), "consult").due == D(2026, 11, 5)


def test_submit_leader_mailbox_waits_for_routing_and_tells_coordinators(coordinator):
    m = message(received=SEP28)
    assert m.status == MessageStatus.SUBMITTED and m.tracking_code.startswith("LY")
    assert m.due_date == D(2026, 10, 10)
    n = Notification.objects.get(user=coordinator)
    assert m.tracking_code in n.title and NAME not in n.title + n.body and PHONE not in n.body
    audit = AuditEvent.objects.get(action="interaction.message_submit")
    assert NAME not in audit.summary and PHONE not in audit.summary


def test_submit_unit_mailbox_routes_to_unit(unit_a, liaison_a):
    m = message(unit=unit_a)
    assert m.status == MessageStatus.ROUTED
    assert m.assignments.get().unit == unit_a
    assert Notification.objects.filter(user=liaison_a).exists()


def test_submit_sends_tracking_code_by_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = message()
    assert mailoutbox and m.tracking_code in mailoutbox[0].body and mailoutbox[0].to == [EMAIL]


@pytest.mark.parametrize(
    "change,field,text",
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"content": "太短"}, "content", "至少"),
        ({"content": "x" * 5001}, "content", "最多5000个字"),
        ({"content": "请看<script>alert(1)</script>这里的问题"}, "content", "脚本"),
        ({"name": ""}, "name", "请填写姓名"),
        ({"phone": "12345"}, "phone", "联系电话格式不正确"),
        ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
        ({"kind": "x"}, "kind", "请选择留言类型"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(change, field, text):
    with pytest.raises(ValidationFailed) as exc:
        message(**change)
    assert text in exc.value.extra["fields"][field]
    assert not Message.objects.exists() and not AuditEvent.objects.exists()


def test_attachments_checked_by_content(settings):
    exe = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        message(files=[exe])
    assert "类型不被接受" in exc.value.extra["fields"]["attachments"]
    big = SimpleUploadedFile("big.txt", b"a" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationFailed) as exc:
        message(files=[big])
    assert "过大" in exc.value.extra["fields"]["attachments"]
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    m = message(files=[SimpleUploadedFile("现场.png", png)])
    assert m.attachments.get().kind == "png"


def test_full_flow_route_accept_draft_approve_publish_masked(
    coordinator, unit_a, unit_b, liaison_a, reviewer_a, liaison_b
):
    m = message(received=SEP28)
    with pytest.raises(PermissionDenied):
        svc.message_route(actor=liaison_a, message=m, units=[unit_a])
    m = svc.message_route(actor=coordinator, message=m, units=[unit_a, unit_b])
    assert m.status == MessageStatus.ROUTED
    # unit B sends back with a reason; unit A accepts
    with pytest.raises(ValidationFailed, match="退回理由"):
        svc.message_send_back(actor=liaison_b, message=m, unit=unit_b, reason="")
    with pytest.raises(PermissionDenied):
        svc.message_send_back(actor=liaison_a, message=m, unit=unit_b, reason="不是我们")
    svc.message_send_back(actor=liaison_b, message=m, unit=unit_b, reason="非本单位职责")
    assert Notification.objects.filter(
        user=coordinator, kind="interaction.message_sent_back"
    ).exists()
    m = svc.message_accept(actor=liaison_a, message=m, unit=unit_a)
    assert m.status == MessageStatus.PROCESSING
    with pytest.raises(ValidationFailed, match="已处理过"):
        svc.message_accept(actor=liaison_a, message=m, unit=unit_a)
    reply = svc.reply_draft(
        actor=liaison_a, message=m, unit=unit_a, text=f"{NAME}您好，已安排维修。"
    )
    m.refresh_from_db()
    assert m.status == MessageStatus.REPLY_PENDING
    assert Notification.objects.filter(user=reviewer_a, kind="interaction.reply_pending").exists()
    with pytest.raises(PermissionDenied):
        svc.reply_approve(actor=liaison_b, reply=reply)
    with pytest.raises(PermissionDenied):
        svc.reply_approve(actor=liaison_a, reply=reply)  # a 联络员 does not approve
    m = svc.reply_approve(actor=reviewer_a, reply=reply)
    assert m.status == MessageStatus.REPLIED and m.reply_unit == unit_a and m.replied_date
    assert m.is_public
    public = m.public_title + m.public_content + m.public_reply
    assert NAME not in public and PHONE not in public
    assert m.public_content == "我是王**，电话***********，请问小区路灯坏了应该找哪个部门维修？"
    assert m.public_reply == "王**您好，已安排维修。"


def test_reply_returned_then_redrafted(coordinator, unit_a, liaison_a, reviewer_a):
    m = message(unit=unit_a)
    svc.message_accept(actor=liaison_a, message=m, unit=unit_a)
    r = svc.reply_draft(actor=liaison_a, message=m, unit=unit_a, text="答复初稿内容。")
    with pytest.raises(ValidationFailed):
        svc.reply_return(actor=reviewer_a, reply=r, reason="")
    m = svc.reply_return(actor=reviewer_a, reply=r, reason="请补充维修时间")
    assert m.status == MessageStatus.PROCESSING
    assert Notification.objects.filter(user=liaison_a, kind="interaction.reply_returned").exists()
    with pytest.raises(ValidationFailed, match="不在待审核"):
        svc.reply_approve(actor=reviewer_a, reply=r)
    r2 = svc.reply_draft(actor=liaison_a, message=m, unit=unit_a, text="将于下周一维修。")
    assert svc.reply_approve(actor=reviewer_a, reply=r2).reply_text == "将于下周一维修。"


def test_no_consent_means_not_published(unit_a, liaison_a, reviewer_a):
    m = replied(
        message(unit=unit_a, consent=False), unit=unit_a, liaison=liaison_a, reviewer=reviewer_a
    )
    assert m.status == MessageStatus.REPLIED and not m.is_public and m.public_content == ""


def test_all_units_send_back_returns_to_coordinator(coordinator, unit_a, liaison_a):
    m = message(unit=unit_a)
    m = svc.message_send_back(actor=liaison_a, message=m, unit=unit_a, reason="不属于本单位")
    assert m.status == MessageStatus.SUBMITTED
    assert m.assignments.get().status == AssignmentStatus.SENT_BACK
    m = svc.message_route(actor=coordinator, message=m, units=[unit_a])
    assert m.assignments.get().status == AssignmentStatus.PENDING


def test_answer_directly_by_coordinator(coordinator, liaison_a):
    m = message()
    with pytest.raises(PermissionDenied):
        svc.message_answer_directly(actor=liaison_a, message=m, text="答复内容足够长。")
    m = svc.message_answer_directly(actor=coordinator, message=m, text="已转交物业处理。")
    assert m.status == MessageStatus.REPLIED and m.reply_unit is None and m.is_public


def test_extension_needs_approver_and_once(coordinator, unit_a, liaison_a):
    m = message(unit=unit_a, kind="complain", received=SEP28)
    with pytest.raises(PermissionDenied):
        svc.message_extend(actor=liaison_a, message=m, workdays=5, reason="需现场核查")
    with pytest.raises(ValidationFailed):
        svc.message_extend(actor=coordinator, message=m, workdays=30, reason="需现场核查")
    m = svc.message_extend(actor=coordinator, message=m, workdays=5, reason="需现场核查")
    assert m.due_date == D(2026, 10, 23)
    with pytest.raises(ValidationFailed, match="已延期过"):
        svc.message_extend(actor=coordinator, message=m, workdays=2, reason="再延")


@pytest.mark.parametrize("target", [Redirect.FOI, Redirect.PETITION])
def test_redirect_with_reason(coordinator, target):
    m = message()
    with pytest.raises(ValidationFailed):
        svc.message_redirect(actor=coordinator, message=m, target=target, reason="")
    m = svc.message_redirect(
        actor=coordinator, message=m, target=target, reason="属于申请公开政府信息"
    )
    assert m.status == MessageStatus.REDIRECTED and m.redirect == target and not m.is_public
    with pytest.raises(ValidationFailed):
        svc.message_route(actor=coordinator, message=m, units=[])


def test_rating_and_one_follow_up(unit_a, liaison_a, reviewer_a):
    m = message(unit=unit_a)
    with pytest.raises(ValidationFailed):
        svc.message_rate(message=m, satisfaction="satisfied")  # not replied yet
    m = replied(m, unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    m = svc.message_rate(message=m, satisfaction="satisfied")
    with pytest.raises(ValidationFailed, match="已评价"):
        svc.message_rate(message=m, satisfaction="unsatisfied")
    m = svc.message_follow_up(message=m, text="请问具体哪天维修？")
    assert m.status == MessageStatus.PROCESSING and m.due_date
    assert Notification.objects.filter(user=liaison_a, kind="interaction.follow_up").exists()
    r = svc.reply_draft(actor=liaison_a, message=m, unit=unit_a, text="下周一上午维修。")
    m = svc.reply_approve(actor=reviewer_a, reply=r)
    assert m.follow_up_reply == "下周一上午维修。" and m.public_follow_up_reply
    assert m.reply_text == "已安排维修，感谢您的留言。"
    with pytest.raises(ValidationFailed, match="只能追问一次"):
        svc.message_follow_up(message=m, text="还有一个问题想问")


def test_lookup_needs_code_and_phone():
    m = message()
    assert svc.message_lookup(m.tracking_code.lower(), PHONE) == m
    assert svc.message_lookup(m.tracking_code, "13800000000") is None
    assert svc.message_lookup("LYXXXX", PHONE) is None


def test_unit_sees_only_messages_routed_to_it(
    coordinator, unit_a, unit_b, liaison_a, liaison_b, leader
):
    ma = message(unit=unit_a)
    mb = message(unit=unit_b)
    unrouted = message()
    assert set(sel.message_list(user=liaison_a)) == {ma}
    assert set(sel.message_list(user=liaison_b)) == {mb}
    assert set(sel.message_list(user=coordinator)) == {ma, mb, unrouted}
    assert set(sel.message_list(user=leader)) == {ma, mb, unrouted}
    from gongkai.core.errors import NotFound

    with pytest.raises(NotFound):
        sel.message_get(user=liaison_a, pk=mb.pk)
    with pytest.raises(PermissionDenied):
        svc.message_accept(actor=liaison_a, message=mb, unit=unit_b)
    with pytest.raises(ValidationFailed, match="未分办给此单位"):
        svc.message_accept(actor=liaison_a, message=mb, unit=unit_a)


def test_warning_for_long_unanswered(coordinator, liaison_a, settings):
    old = message(received=D(2026, 9, 1))
    message(received=D(2026, 11, 20))
    assert list(sel.messages_unanswered_long(user=coordinator, day=D(2026, 11, 30))) == [old]
    assert not sel.messages_unanswered_long(user=liaison_a, day=D(2026, 11, 30)).exists()


def test_every_change_writes_one_audit_record(coordinator, unit_a, liaison_a, reviewer_a):
    m = message()
    svc.message_route(actor=coordinator, message=m, units=[unit_a])
    replied(m, unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "interaction.message_submit",
        "interaction.message_route",
        "interaction.message_accept",
        "interaction.reply_draft",
        "interaction.reply_approve",
    ]


def test_reviewer_cannot_approve_own_draft(unit_a, reviewer_a, staff):
    m = message(unit=unit_a)
    svc.message_accept(actor=reviewer_a, message=m, unit=unit_a)
    r = svc.reply_draft(actor=reviewer_a, message=m, unit=unit_a, text="审核人自己起草的答复。")
    with pytest.raises(PermissionDenied, match="自己起草"):
        svc.reply_approve(actor=reviewer_a, reply=r)
    assert svc.reply_approve(actor=staff["reviewer2"], reply=r).status == MessageStatus.REPLIED


def test_text_checks_refuse_markup_but_not_ordinary_words():
    from gongkai.interaction.services.common import check_text

    errors: dict = {}
    check_text('点击<a onclick="x()">这里</a>', label="内容", field="c", errors=errors)
    assert "脚本" in errors["c"]
    errors = {}
    check_text("iconsize=12 与 version=2 的说明", label="内容", field="c", errors=errors)
    assert errors == {}


def test_route_refuses_inactive_unit(coordinator, unit_a):
    unit_a.is_active = False
    unit_a.save()
    with pytest.raises(ValidationFailed, match="已停用"):
        svc.message_route(actor=coordinator, message=message(), units=[unit_a])


def test_extension_requested_by_unit_and_decided_by_coordinator(
    coordinator, unit_a, liaison_a, unit_b, liaison_b
):
    m = message(unit=unit_a, kind="complain", received=SEP28)
    with pytest.raises(ValidationFailed, match="请先签收"):
        svc.message_extension_request(
            actor=liaison_a, message=m, unit=unit_a, workdays=5, reason="需现场核查"
        )
    svc.message_accept(actor=liaison_a, message=m, unit=unit_a)
    with pytest.raises(PermissionDenied):
        svc.message_extension_request(
            actor=liaison_b, message=m, unit=unit_a, workdays=5, reason="x"
        )
    with pytest.raises(ValidationFailed):
        svc.message_extension_request(
            actor=liaison_a, message=m, unit=unit_a, workdays=5, reason=""
        )
    m = svc.message_extension_request(
        actor=liaison_a, message=m, unit=unit_a, workdays=5, reason="需现场核查"
    )
    assert m.extension_requested == 5 and m.due_date == D(2026, 10, 16)
    assert Notification.objects.filter(
        user=coordinator, kind="interaction.extension_requested"
    ).exists()
    with pytest.raises(ValidationFailed, match="待审批"):
        svc.message_extension_request(
            actor=liaison_a, message=m, unit=unit_a, workdays=3, reason="再延"
        )
    m = svc.message_extension_refuse(actor=coordinator, message=m, reason="可按期办结")
    assert m.extension_requested == 0 and m.due_date == D(2026, 10, 16)
    m = svc.message_extension_request(
        actor=liaison_a, message=m, unit=unit_a, workdays=5, reason="需现场核查"
    )
    with pytest.raises(PermissionDenied):
        svc.message_extend(actor=liaison_a, message=m)
    m = svc.message_extend(actor=coordinator, message=m)
    assert m.due_date == D(2026, 10, 23) and m.extension_approved_by == coordinator
    assert m.extension_requested == 0
    assert (
        Notification.objects.filter(user=liaison_a, kind="interaction.extension_decided").count()
        == 2
    )
