"""Notice letters (告知书、意见书、函) drafted from the case and approved like replies.

notice_draft(*, actor, app, kind, parts=None, addressee="") -> Letter
    a DRAFT letter of `kind` (letters.DEFAULT_TEMPLATES, "notice.*") rendered from the case
    and `parts` (correction_items, correction_deadline, extension_reason, new_due_date …);
    the unit's 审核人 and the 公开办 are notified (foi.notice_pending). Called inside the
    handling services' transactions: request_correction → notice.correction, extend →
    notice.extension, start_consultation → notice.third_party / notice.agency, delay →
    notice.delay; `notice.explain` (Art. 35) is drafted from the application page.
notice_approve(*, actor, letter) -> Letter
    the 审核人 or 公开办 approves: number (per unit and year), DOCX and PDF written, the
    drafter and handler notified; the application's status does not change.
letter_approve(*, actor, letter) -> Letter     reply_approve for replies, else notice_approve
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify
from gongkai.orgs.permissions import Action, check_perm

from .. import letters, notifications
from ..models import Application, Letter
from .replies import (
    _approvers,
    _check_approver,
    _drafters,
    _letter_url,
    _write_files,
    reply_approve,
)

NOTICE_KINDS = (
    "notice.correction",
    "notice.extension",
    "notice.third_party",
    "notice.agency",
    "notice.referral",
    "notice.explain",
    "notice.delay",
)
#: notices staff draft by hand from the application page (the others follow a handling step)
MANUAL_NOTICE_KINDS = ("notice.explain", "notice.referral")


def notice_draft(
    *, actor, app: Application, kind: str, parts: dict | None = None, addressee: str = ""
) -> Letter:
    """Inside the caller's transaction; the caller writes the audit record."""
    if kind not in NOTICE_KINDS:
        raise ValidationFailed(f"未知的告知书类型：{kind}")
    parts = dict(parts or {})
    if addressee:
        parts["addressee"] = addressee
    context = letters.letter_context(app, kind=kind, parts=parts)
    title, body = letters.render_letter(kind, context)
    user = actor if getattr(actor, "pk", None) else None
    letter = Letter.objects.create(
        application=app,
        kind=kind,
        title=title,
        body=body,
        addressee=(addressee or "")[:200],
        created_by=user,
    )
    notify(
        kind=notifications.NOTICE_PENDING,
        users=_approvers(app) if app.unit_id else list(coordinators().order_by("pk")),
        title=f"{letters.template_name(kind)}待审批：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n办理单位：{app.unit.name}",
        url=_letter_url(letter),
        actor=actor,
    )
    return letter


@transaction.atomic
def notice_draft_manual(
    *, actor, app: Application, kind: str, parts: dict | None = None, addressee: str = ""
):
    """A notice drafted by hand (Art. 35 要求说明理由; the 转送函 to the agency that holds the
    information, Art. 36(5)): EDIT on the unit."""
    if kind not in MANUAL_NOTICE_KINDS:
        raise ValidationFailed("该类告知书随办理步骤自动生成")
    app = Application.objects.select_for_update().get(pk=app.pk)
    check_perm(actor, Action.EDIT, app.unit_id)
    if kind == "notice.explain" and not (parts or {}).get("correction_deadline"):
        raise ValidationFailed("请填写说明理由的期限")
    addressee = " ".join((addressee or "").split())
    if kind == "notice.referral" and not addressee:
        raise ValidationFailed("请填写负责公开该信息的行政机关")
    letter = notice_draft(actor=actor, app=app, kind=kind, parts=parts, addressee=addressee)
    audit_record(
        actor=actor,
        action="foi.notice_draft",
        obj=app,
        unit=app.unit,
        summary=f"拟定{letters.template_name(kind)} {app.tracking_code}",
        after={"letter": letter.pk, "kind": kind},
    )
    return letter


@transaction.atomic
def notice_approve(*, actor, letter: Letter) -> Letter:
    app = Application.objects.select_for_update().get(pk=letter.application_id)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    letter.application = app
    _check_approver(actor, app)
    if letter.status != Letter.Status.DRAFT or not letter.kind.startswith("notice."):
        raise ValidationFailed("该告知书不是待审核状态")
    letter.status = Letter.Status.APPROVED
    letter.approved_by = actor if getattr(actor, "pk", None) else None
    letter.approved_at = timezone.now()
    _write_files(letter)
    letter.save(update_fields=["status", "approved_by", "approved_at", "number", "docx", "pdf"])
    audit_record(
        actor=actor,
        action="foi.notice_approve",
        obj=app,
        unit=app.unit,
        summary=f"审核通过{letters.template_name(letter.kind)}（{letter.number}）",
        after={"letter": letter.pk, "number": letter.number},
    )
    notify(
        kind=notifications.LETTER_APPROVED,
        users=_drafters(app, letter, None),
        title=f"{letters.template_name(letter.kind)}已审批，请登记送达：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n文号：{letter.number}",
        url=_letter_url(letter),
        actor=actor,
    )
    return letter


def letter_approve(*, actor, letter: Letter) -> Letter:
    if letter.kind.startswith("reply."):
        return reply_approve(actor=actor, letter=letter)
    return notice_approve(actor=actor, letter=letter)


@transaction.atomic
def notice_edit(*, actor, letter: Letter, body: str) -> Letter:
    """The handling unit corrects a drafted notice's text before approval (EDIT on the unit);
    punctuation is normalised; a deciding notice must keep its remedies."""
    app = Application.objects.select_for_update().get(pk=letter.application_id)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    check_perm(actor, Action.EDIT, app.unit_id)
    if letter.status != Letter.Status.DRAFT or not letter.kind.startswith("notice."):
        raise ValidationFailed("只有待审核的告知书可以修改")
    body = letters.normalize_punctuation(
        "\n".join(line.strip() for line in (body or "").replace("\r\n", "\n").split("\n")).strip()
    )
    if not body:
        raise ValidationFailed("请填写正文")
    if letter.kind in letters.REMEDY_KINDS and letters.remedies_missing(body):
        raise ValidationFailed("告知书必须告知救济途径（行政复议60日、行政诉讼6个月）")
    before = letter.body
    letter.body = body
    letter.save(update_fields=["body"])
    audit_record(
        actor=actor,
        action="foi.notice_edit",
        obj=app,
        unit=app.unit,
        summary=f"修改{letters.template_name(letter.kind)} {app.tracking_code}",
        before={"letter": letter.pk, "length": len(before)},
        after={"letter": letter.pk, "length": len(body)},
    )
    return letter
