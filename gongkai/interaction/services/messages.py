"""Messages (网民留言 / 区长信箱 / 部门信箱): the whole flow, one transaction and one audit record per
change. Permission checks are here, so pages, the API, commands and jobs get the same answer.

    message_submit(*, kind, mailbox, addressee=None, title, content, name, phone, email="",
                   consent_public=False, files=(), submitted_ip_hash="", received_at=None)
        -> Message   public form; a unit mailbox routes to that unit at once
    message_route(*, actor, message, units, note="")           分办 (公开办)
    message_accept(*, actor, message, unit)                    签收 (the unit)
    message_send_back(*, actor, message, unit, reason)         退回 with a reason (the unit)
    reply_draft(*, actor, message, unit, text)                 答复草稿 (unit staff)
    reply_approve(*, actor, reply) / reply_return(*, actor, reply, reason)   单位审核人
    message_answer_directly(*, actor, message, text)           公开办直接答复
    message_extension_request(*, actor, message, unit, workdays, reason)   a unit asks for more time
    message_extend(*, actor, message, workdays=None, reason="")  延期, approved by the 公开办
                                                               (the unit's request, or its own)
    message_extension_refuse(*, actor, message, reason)       the 公开办 says no
    message_redirect(*, actor, message, target, reason)        转依申请公开 / 转信访
    message_rate(*, message, satisfaction)                     citizen, once, after the reply
    message_follow_up(*, message, text)                        citizen, once, after the reply
    message_lookup(code, phone) -> Message | None

Publishing: when the citizen agreed (同意公开), approving the reply writes the public copies of the
title, content and reply, masked (the submitter's own particulars and whatever the PII scan in
`gongkai.core.pii` finds). Audit summaries, events and notifications carry the tracking code,
unit names and dates only.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.notifications.sms import send_sms
from gongkai.core.pii import is_valid_mobile
from gongkai.core.workdays import format_date
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, check_perm, has_perm

from .. import notifications as kinds
from ..deadlines import MAX_EXTENSION_WORKDAYS, message_due
from ..models import (
    Assignment,
    AssignmentStatus,
    Mailbox,
    Message,
    MessageAttachment,
    MessageKind,
    MessageStatus,
    Redirect,
    Reply,
    ReplyStatus,
    Satisfaction,
)
from .common import check_files, check_text, event, mask_for_public, new_code, save_files

logger = logging.getLogger(__name__)

TRACKING_PREFIX = "LY"
TITLE_MAX = 100
CONTENT_MAX = 5000
CONTENT_MIN = 10
_PHONE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPEN_STATUSES = (
    MessageStatus.SUBMITTED,
    MessageStatus.ROUTED,
    MessageStatus.PROCESSING,
    MessageStatus.REPLY_PENDING,
)


def staff_url(message: Message) -> str:
    return reverse("interaction_staff:message_detail", args=[message.pk])


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()（）]", "", phone or "").replace("－", "-")


def _lock(message: Message | int) -> Message:
    pk = message if isinstance(message, int) else message.pk
    return Message.objects.select_for_update().get(pk=pk)


def _require(message: Message, *statuses, what: str) -> None:
    if message.status not in statuses:
        raise ValidationFailed(f"留言当前状态为“{message.get_status_display()}”，不能{what}")


def _audit(actor, action: str, message: Message, summary: str, *, unit=None, before=None):
    audit_record(
        actor=actor,
        action=f"interaction.{action}",
        obj=message,
        unit=unit,
        summary=f"{summary} {message.tracking_code}",
        before=before,
        after={
            "status": message.status,
            "due_date": message.due_date and message.due_date.isoformat(),
        },
    )


def _save(message: Message, *fields: str) -> None:
    message.version += 1
    message.save(update_fields=[*fields, "version", "updated_at"])


def _refresh_due(message: Message) -> None:
    """Due from the receipt date, or from the follow-up once the citizen asked again."""
    start = (
        timezone.localdate(message.follow_up_at) if message.follow_up_at else message.received_date
    )
    message.due_date = message_due(start, message.kind, extension=message.extension_workdays).due


# -- public submission ------------------------------------------------------------------------


def _tell_citizen(message: Message, text: str) -> None:
    """Email and SMS to the citizen after commit; failures are logged without the address."""
    email, phone = message.email, message.phone

    def send():
        if email:
            try:
                send_mail(
                    f"{settings.SITE_NAME}：{text[:30]}", text, settings.DEFAULT_FROM_EMAIL, [email]
                )
            except Exception as exc:
                logger.error("message mail failed: %s", type(exc).__name__)
        if is_valid_mobile(phone):
            send_sms(phone, f"【{settings.SITE_NAME}】{text}"[:70])

    transaction.on_commit(send)


def message_submit(
    *,
    kind: str,
    mailbox: str,
    addressee: Unit | None = None,
    title: str,
    content: str,
    name: str,
    phone: str,
    email: str = "",
    consent_public: bool = False,
    files=(),
    submitted_ip_hash: str = "",
    received_at=None,
) -> Message:
    errors: dict[str, str] = {}
    if kind not in MessageKind.values:
        errors["kind"] = "请选择留言类型"
    if mailbox not in Mailbox.values:
        errors["mailbox"] = "请选择信箱"
    elif mailbox == Mailbox.UNIT and (addressee is None or not addressee.is_active):
        errors["addressee"] = "请选择收信单位"
    title = check_text(
        title, label="标题", field="title", errors=errors, max_len=TITLE_MAX, min_len=4
    )
    content = check_text(
        content,
        label="留言内容",
        field="content",
        errors=errors,
        max_len=CONTENT_MAX,
        min_len=CONTENT_MIN,
    )
    name = check_text(name, label="姓名", field="name", errors=errors, max_len=50)
    phone = normalise_phone(phone)
    if not phone:
        errors["phone"] = "请填写联系电话"
    elif not _PHONE.match(phone):
        errors["phone"] = "联系电话格式不正确（手机号或带区号的固定电话）"
    email = (email or "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = "电子邮箱格式不正确"
    checked = check_files(files, errors)
    if errors:
        raise ValidationFailed("留言未提交，请修改标红的内容", extra={"fields": errors})
    received_at = received_at or timezone.now()
    received_date = timezone.localdate(received_at)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                message = Message(
                    tracking_code=new_code(TRACKING_PREFIX),
                    kind=kind,
                    mailbox=mailbox,
                    addressee=addressee if mailbox == Mailbox.UNIT else None,
                    title=title,
                    content=content,
                    name=name,
                    phone=phone,
                    email=email,
                    consent_public=bool(consent_public),
                    submitted_ip_hash=submitted_ip_hash,
                    received_at=received_at,
                    received_date=received_date,
                )
                _refresh_due(message)
                message.save()
                save_files(MessageAttachment, "message", message, checked)
                event(message, "received", "网站受理留言")
                if message.addressee_id:
                    Assignment.objects.create(message=message, unit=message.addressee)
                    message.status = MessageStatus.ROUTED
                    message.save(update_fields=["status"])
                    event(message, "routed", f"转{message.addressee.name}办理")
                    notify(
                        kind=kinds.MESSAGE_ROUTED,
                        users=unit_staff(message.addressee, roles=("liaison", "reviewer")),
                        title=f"部门信箱收到留言：{message.tracking_code}",
                        body=f"期限：{format_date(message.due_date)}",
                        url=staff_url(message),
                    )
                else:
                    notify(
                        kind=kinds.MESSAGE_RECEIVED,
                        users=coordinators(),
                        title=f"收到留言，待分办：{message.tracking_code}",
                        body=f"类型：{message.get_kind_display()}；期限：{format_date(message.due_date)}",
                        url=staff_url(message),
                    )
                _audit(None, "message_submit", message, "网民提交留言", unit=message.addressee)
                _tell_citizen(
                    message,
                    f"您的留言已受理，查询码{message.tracking_code}，请凭查询码和手机号查询办理情况。",
                )
            return message
        except IntegrityError:
            continue
    raise ValidationFailed("系统繁忙，请稍后再试")


# -- routing and acceptance -------------------------------------------------------------------


def message_route(*, actor, message: Message | int, units, note: str = "") -> Message:
    check_perm(actor, Action.COORDINATE)
    units = [u for u in units if u is not None]
    if any(not u.is_active for u in units):
        raise ValidationFailed("不能分办给已停用的单位")
    if not units:
        raise ValidationFailed(
            "请选择至少一个承办单位", extra={"fields": {"units": "请选择至少一个承办单位"}}
        )
    with transaction.atomic():
        m = _lock(message)
        _require(
            m, MessageStatus.SUBMITTED, MessageStatus.ROUTED, MessageStatus.PROCESSING, what="分办"
        )
        before = {"status": m.status}
        existing = {a.unit_id: a for a in m.assignments.all()}
        added = []
        for unit in units:
            a = existing.get(unit.pk)
            if a is None:
                Assignment.objects.create(message=m, unit=unit)
            elif a.status == AssignmentStatus.SENT_BACK:
                a.status, a.reason, a.answered_at = AssignmentStatus.PENDING, "", None
                a.save()
            else:
                continue
            added.append(unit)
        if not added:
            raise ValidationFailed("所选单位已在办理该留言")
        if m.status == MessageStatus.SUBMITTED:
            m.status = MessageStatus.ROUTED
        _save(m, "status")
        names = "、".join(u.name for u in added)
        event(m, "routed", f"转{names}办理", actor=actor, note=note, public=True)
        _audit(actor, "message_route", m, f"分办至{names}", before=before)
        for unit in added:
            notify(
                kind=kinds.MESSAGE_ROUTED,
                users=unit_staff(unit, roles=("liaison", "reviewer")),
                title=f"留言已分办给{unit.name}：{m.tracking_code}",
                body=f"期限：{format_date(m.due_date)}",
                url=staff_url(m),
                actor=actor,
            )
    return m


def _assignment(m: Message, unit: Unit) -> Assignment:
    a = m.assignments.filter(unit=unit).first()
    if a is None:
        raise ValidationFailed("该留言未分办给此单位")
    return a


def message_accept(*, actor, message: Message | int, unit: Unit) -> Message:
    check_perm(actor, Action.EDIT, unit)
    with transaction.atomic():
        m = _lock(message)
        _require(m, MessageStatus.ROUTED, MessageStatus.PROCESSING, what="签收")
        a = _assignment(m, unit)
        if a.status != AssignmentStatus.PENDING:
            raise ValidationFailed("本单位已处理过该分办")
        a.status, a.answered_at = AssignmentStatus.ACCEPTED, timezone.now()
        a.save()
        before = {"status": m.status}
        m.status = MessageStatus.PROCESSING
        _save(m, "status")
        event(m, "accepted", f"{unit.name}签收办理", actor=actor)
        _audit(actor, "message_accept", m, f"{unit.name}签收留言", unit=unit, before=before)
    return m


def message_send_back(*, actor, message: Message | int, unit: Unit, reason: str) -> Message:
    check_perm(actor, Action.EDIT, unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写退回理由", extra={"fields": {"reason": "请填写退回理由"}})
    with transaction.atomic():
        m = _lock(message)
        _require(m, MessageStatus.ROUTED, MessageStatus.PROCESSING, what="退回")
        a = _assignment(m, unit)
        if a.status != AssignmentStatus.PENDING:
            raise ValidationFailed("只能退回尚未签收的分办")
        a.status, a.reason, a.answered_at = (
            AssignmentStatus.SENT_BACK,
            reason[:1000],
            timezone.now(),
        )
        a.save()
        before = {"status": m.status}
        live = m.assignments.exclude(status=AssignmentStatus.SENT_BACK)
        if not live.exists():
            m.status = MessageStatus.SUBMITTED
        elif not live.filter(status=AssignmentStatus.ACCEPTED).exists():
            m.status = MessageStatus.ROUTED
        _save(m, "status")
        event(m, "sent_back", f"{unit.name}退回", actor=actor, note=reason, public=False)
        _audit(actor, "message_send_back", m, f"{unit.name}退回留言", unit=unit, before=before)
        notify(
            kind=kinds.MESSAGE_SENT_BACK,
            users=coordinators(),
            title=f"留言被{unit.name}退回：{m.tracking_code}",
            body=f"退回理由：{reason[:200]}",
            url=staff_url(m),
            actor=actor,
        )
    return m


# -- replies ----------------------------------------------------------------------------------


def reply_draft(*, actor, message: Message | int, unit: Unit, text: str) -> Reply:
    check_perm(actor, Action.EDIT, unit)
    errors: dict = {}
    text = check_text(text, label="答复内容", field="text", errors=errors, max_len=10000, min_len=5)
    if errors:
        raise ValidationFailed(errors["text"], extra={"fields": errors})
    with transaction.atomic():
        m = _lock(message)
        _require(m, MessageStatus.PROCESSING, what="起草答复")
        if _assignment(m, unit).status != AssignmentStatus.ACCEPTED:
            raise ValidationFailed("请先签收该留言")
        reply = Reply.objects.create(
            message=m, unit=unit, text=text, drafted_by=actor, is_follow_up=bool(m.follow_up)
        )
        before = {"status": m.status}
        m.status = MessageStatus.REPLY_PENDING
        _save(m, "status")
        event(m, "reply_drafted", f"{unit.name}起草答复", actor=actor, public=False)
        _audit(actor, "reply_draft", m, f"{unit.name}起草答复", unit=unit, before=before)
        reviewers = unit_staff(unit, roles=("reviewer",))
        notify(
            kind=kinds.REPLY_PENDING,
            users=reviewers if reviewers.exists() else coordinators(),
            title=f"留言答复待审核：{m.tracking_code}",
            body=f"办理单位：{unit.name}",
            url=staff_url(m),
            actor=actor,
        )
    return reply


def _pending_reply(reply: Reply | int) -> tuple[Reply, Message]:
    pk = reply if isinstance(reply, int) else reply.pk
    r = Reply.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)
    m = _lock(r.message_id)
    if r.status != ReplyStatus.PENDING or m.status != MessageStatus.REPLY_PENDING:
        raise ValidationFailed("该答复不在待审核状态")
    return r, m


def _publish(m: Message) -> None:
    """The public copies (masked), when the citizen agreed."""
    if not m.consent_public:
        return
    who = {"name": m.name, "phone": m.phone, "email": m.email}
    m.public_title = mask_for_public(m.title, **who)[:100]
    m.public_content = mask_for_public(m.content, **who)
    m.public_reply = mask_for_public(m.reply_text, **who)
    m.public_follow_up = mask_for_public(m.follow_up, **who)
    m.public_follow_up_reply = mask_for_public(m.follow_up_reply, **who)
    m.is_public = True


def _complete(m: Message, reply: Reply, actor) -> None:
    today = timezone.localdate()
    if reply.is_follow_up:
        m.follow_up_reply = reply.text
    else:
        m.reply_text = reply.text
        m.replied_date = today
        m.reply_unit = reply.unit
    m.status = MessageStatus.REPLIED
    _publish(m)
    _save(
        m,
        "status",
        "reply_text",
        "replied_date",
        "reply_unit",
        "follow_up_reply",
        "is_public",
        "public_title",
        "public_content",
        "public_reply",
        "public_follow_up",
        "public_follow_up_reply",
    )
    event(m, "replied", f"{reply.unit.name if reply.unit else '区政府办公室'}答复", actor=actor)
    _tell_citizen(m, f"您的留言（查询码{m.tracking_code}）已答复，请凭查询码查看并评价。")


def reply_approve(*, actor, reply: Reply | int) -> Message:
    with transaction.atomic():
        r, m = _pending_reply(reply)
        check_perm(actor, Action.APPROVE, r.unit)
        if r.drafted_by_id == actor.pk:
            raise PermissionDenied("不能审核自己起草的答复")
        r.status, r.reviewed_by, r.reviewed_at = ReplyStatus.APPROVED, actor, timezone.now()
        r.save()
        before = {"status": m.status}
        _complete(m, r, actor)
        _audit(
            actor,
            "reply_approve",
            m,
            "审核通过留言答复" + ("并公开" if m.is_public else ""),
            unit=r.unit,
            before=before,
        )
        notify(
            kind=kinds.MESSAGE_REPLIED,
            users=[r.drafted_by, *unit_staff(r.unit, roles=("liaison",))],
            title=f"留言答复已审核：{m.tracking_code}",
            url=staff_url(m),
            actor=actor,
        )
    return m


def reply_return(*, actor, reply: Reply | int, reason: str) -> Message:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写退回理由", extra={"fields": {"reason": "请填写退回理由"}})
    with transaction.atomic():
        r, m = _pending_reply(reply)
        check_perm(actor, Action.APPROVE, r.unit)
        r.status, r.reviewed_by, r.reviewed_at = ReplyStatus.RETURNED, actor, timezone.now()
        r.return_reason = reason[:1000]
        r.save()
        before = {"status": m.status}
        m.status = MessageStatus.PROCESSING
        _save(m, "status")
        event(m, "reply_returned", "答复被退回修改", actor=actor, note=reason, public=False)
        _audit(actor, "reply_return", m, "退回留言答复", unit=r.unit, before=before)
        notify(
            kind=kinds.REPLY_RETURNED,
            users=[r.drafted_by],
            title=f"留言答复被退回：{m.tracking_code}",
            body=f"退回理由：{reason[:200]}",
            url=staff_url(m),
            actor=actor,
        )
    return m


def message_answer_directly(*, actor, message: Message | int, text: str) -> Message:
    """The 公开办 answers without routing (e.g. a question the office itself can answer)."""
    check_perm(actor, Action.COORDINATE)
    errors: dict = {}
    text = check_text(text, label="答复内容", field="text", errors=errors, max_len=10000, min_len=5)
    if errors:
        raise ValidationFailed(errors["text"], extra={"fields": errors})
    with transaction.atomic():
        m = _lock(message)
        _require(m, *OPEN_STATUSES, what="直接答复")
        before = {"status": m.status}
        reply = Reply.objects.create(
            message=m,
            unit=None,
            text=text,
            drafted_by=actor,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
            status=ReplyStatus.APPROVED,
            is_follow_up=bool(m.follow_up),
        )
        _complete(m, reply, actor)
        _audit(actor, "message_answer", m, "公开办直接答复留言", before=before)
    return m


# -- extension and redirection -----------------------------------------------------------------


def _extension_input(workdays, reason) -> tuple[int, str]:
    reason = (reason or "").strip()
    errors = {}
    try:
        workdays = int(workdays)
    except (TypeError, ValueError):
        workdays = 0
    if not 1 <= workdays <= MAX_EXTENSION_WORKDAYS:
        errors["workdays"] = f"延期天数应为1至{MAX_EXTENSION_WORKDAYS}个工作日"
    if not reason:
        errors["reason"] = "请填写延期理由"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), extra={"fields": errors})
    return workdays, reason


def message_extension_request(
    *, actor, message: Message | int, unit: Unit, workdays: int, reason: str
) -> Message:
    """A handling unit asks the 公开办 for more time (one extension per message)."""
    check_perm(actor, Action.EDIT, unit)
    workdays, reason = _extension_input(workdays, reason)
    with transaction.atomic():
        m = _lock(message)
        _require(m, *OPEN_STATUSES, what="申请延期")
        if _assignment(m, unit).status != AssignmentStatus.ACCEPTED:
            raise ValidationFailed("请先签收该留言")
        if m.extension_workdays:
            raise ValidationFailed("该留言已延期过一次")
        if m.extension_requested:
            raise ValidationFailed("已有待审批的延期申请")
        m.extension_requested, m.extension_reason = workdays, reason[:1000]
        m.extension_requested_by = actor
        _save(m, "extension_requested", "extension_reason", "extension_requested_by")
        event(
            m,
            "extension_requested",
            f"{unit.name}申请延期{workdays}个工作日",
            actor=actor,
            note=reason,
            public=False,
        )
        _audit(
            actor,
            "message_extension_request",
            m,
            f"{unit.name}申请延期{workdays}个工作日",
            unit=unit,
        )
        notify(
            kind=kinds.EXTENSION_REQUESTED,
            users=coordinators(),
            title=f"留言延期待审批：{m.tracking_code}",
            body=f"{unit.name}申请延期{workdays}个工作日；现期限{format_date(m.due_date)}",
            url=staff_url(m),
            actor=actor,
        )
    return m


def message_extend(
    *, actor, message: Message | int, workdays: int | None = None, reason: str = ""
) -> Message:
    """An extension approved by the actor (公开办): the unit's pending request when `workdays`
    is None, else the given days (the 公开办 extending on its own)."""
    check_perm(actor, Action.COORDINATE)
    with transaction.atomic():
        m = _lock(message)
        _require(m, *OPEN_STATUSES, what="延期")
        if m.extension_workdays:
            raise ValidationFailed("该留言已延期过一次")
        if workdays is None:
            if not m.extension_requested:
                raise ValidationFailed("没有待审批的延期申请")
            workdays, reason = m.extension_requested, m.extension_reason
        workdays, reason = _extension_input(workdays, reason)
        before = {"status": m.status, "due_date": m.due_date.isoformat()}
        requester = m.extension_requested_by
        m.extension_workdays, m.extension_reason = workdays, reason[:1000]
        m.extension_requested, m.extension_approved_by = 0, actor
        _refresh_due(m)
        _save(
            m,
            "extension_workdays",
            "extension_reason",
            "extension_requested",
            "extension_approved_by",
            "due_date",
        )
        event(
            m,
            "extended",
            f"经批准延期{workdays}个工作日，至{format_date(m.due_date)}",
            actor=actor,
            note=reason,
        )
        _audit(actor, "message_extend", m, f"批准延期{workdays}个工作日", before=before)
        if requester is not None:
            notify(
                kind=kinds.EXTENSION_DECIDED,
                users=[requester],
                title=f"留言延期已批准：{m.tracking_code}",
                body=f"新期限：{format_date(m.due_date)}",
                url=staff_url(m),
                actor=actor,
            )
    return m


def message_extension_refuse(*, actor, message: Message | int, reason: str) -> Message:
    check_perm(actor, Action.COORDINATE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写不同意延期的理由", extra={"fields": {"reason": "请填写理由"}})
    with transaction.atomic():
        m = _lock(message)
        if not m.extension_requested:
            raise ValidationFailed("没有待审批的延期申请")
        requester = m.extension_requested_by
        m.extension_requested, m.extension_reason, m.extension_requested_by = 0, "", None
        _save(m, "extension_requested", "extension_reason", "extension_requested_by")
        event(m, "extension_refused", "延期申请未获批准", actor=actor, note=reason, public=False)
        _audit(actor, "message_extension_refuse", m, "不同意延期")
        if requester is not None:
            notify(
                kind=kinds.EXTENSION_DECIDED,
                users=[requester],
                title=f"留言延期未获批准：{m.tracking_code}",
                body=f"理由：{reason[:200]}；期限仍为{format_date(m.due_date)}",
                url=staff_url(m),
                actor=actor,
            )
    return m


def message_redirect(*, actor, message: Message | int, target: str, reason: str) -> Message:
    check_perm(actor, Action.COORDINATE)
    reason = (reason or "").strip()
    if target not in Redirect.values:
        raise ValidationFailed("请选择转办渠道")
    if not reason:
        raise ValidationFailed("请填写转办理由", extra={"fields": {"reason": "请填写转办理由"}})
    with transaction.atomic():
        m = _lock(message)
        _require(m, *OPEN_STATUSES, what="转办")
        before = {"status": m.status}
        m.status, m.redirect, m.redirect_reason = MessageStatus.REDIRECTED, target, reason[:2000]
        m.replied_date = timezone.localdate()
        _save(m, "status", "redirect", "redirect_reason", "replied_date")
        label = Redirect(target).label
        event(m, "redirected", str(label), actor=actor, note=reason)
        _audit(actor, "message_redirect", m, str(label), before=before)
        guide = (
            "请通过依申请公开渠道（/ysqgk/apply/）提交申请"
            if target == Redirect.FOI
            else "请按照《信访工作条例》通过信访渠道反映"
        )
        _tell_citizen(m, f"您的留言（查询码{m.tracking_code}）{label}：{guide}。")
    return m


# -- the citizen, after the reply --------------------------------------------------------------


def message_lookup(code: str, phone: str) -> Message | None:
    code = (code or "").strip().upper()
    phone = normalise_phone(phone)
    if not code or not phone:
        return None
    m = Message.objects.filter(tracking_code=code).first()
    if m is None or re.sub(r"\D", "", m.phone)[-8:] != re.sub(r"\D", "", phone)[-8:]:
        return None
    return m


def message_rate(*, message: Message | int, satisfaction: str) -> Message:
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("请选择满意度")
    with transaction.atomic():
        m = _lock(message)
        _require(m, MessageStatus.REPLIED, what="评价")
        if m.satisfaction:
            raise ValidationFailed("您已评价过该留言")
        m.satisfaction = satisfaction
        _save(m, "satisfaction")
        event(m, "rated", f"网民评价：{Satisfaction(satisfaction).label}")
        _audit(None, "message_rate", m, f"网民评价{Satisfaction(satisfaction).label}")
    return m


def message_follow_up(*, message: Message | int, text: str) -> Message:
    errors: dict = {}
    text = check_text(text, label="追问内容", field="text", errors=errors, max_len=2000, min_len=5)
    if errors:
        raise ValidationFailed(errors["text"], extra={"fields": errors})
    with transaction.atomic():
        m = _lock(message)
        _require(m, MessageStatus.REPLIED, what="追问")
        if m.follow_up:
            raise ValidationFailed("每条留言只能追问一次")
        before = {"status": m.status}
        m.follow_up, m.follow_up_at = text, timezone.now()
        m.extension_workdays = 0
        _refresh_due(m)
        if m.reply_unit_id:
            m.status = MessageStatus.PROCESSING
            users = unit_staff(m.reply_unit, roles=("liaison", "reviewer"))
        else:
            m.status = MessageStatus.SUBMITTED
            users = coordinators()
        _save(m, "follow_up", "follow_up_at", "status", "extension_workdays", "due_date")
        event(m, "follow_up", "网民追问")
        _audit(None, "message_follow_up", m, "网民追问", before=before)
        notify(
            kind=kinds.FOLLOW_UP,
            users=users,
            title=f"网民追问：{m.tracking_code}",
            body=f"期限：{format_date(m.due_date)}",
            url=staff_url(m),
        )
    return m


def can_handle(user, message: Message, unit: Unit) -> bool:
    return has_perm(user, Action.EDIT, unit) and message.assignments.filter(unit=unit).exists()
