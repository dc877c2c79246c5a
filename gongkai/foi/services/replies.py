"""Replies (答复): draft → review by the unit's 审核人 → reply → delivery; letter templates.

API:

    reply_draft(*, actor, app, result, reasons="", published_location=None, materials=(),
                repeat_of=None) -> Letter
        The unit's EDIT. A draft letter from the result's template, a REPLY_DRAFTED event and
        status 答复待审核 (transitions "draft_reply"). `materials` are `CheckedUpload`s (saved as
        released materials, i.e. provided to the applicant) or existing `Material`s of the
        application (marked released). 部分公开 needs at least one released material (the
        document with the withheld parts removed). After a return, drafting again rewrites the
        returned draft letter instead of adding a new one.
    reply_approve(*, actor, letter) -> Letter
        The unit's APPROVE (单位审核人) or the 公开办 (COORDINATE). Approval releases the letter:
        its date is the reply date. Sets the result (annual-report row), `replied_at`, status
        已答复, writes the DOCX and PDF files, REPLY_APPROVED + REPLIED events; the clock stops.
    reply_return(*, actor, letter, reason) -> Letter
        Same permission; back to 办理中 with a REPLY_RETURNED event; the draft stays for editing.
    reply_deliver(*, actor, app, method, date, letter=None) -> Letter
        The unit's EDIT. Records how and when an approved letter reached the applicant
        (DELIVERED event; letter status 已送达). Does not change the reply date.
    notice_letter_issue(*, actor, app, kind, result=None, reasons="", fee=None) -> Letter
        An issued (approved) notice letter, e.g. the fee notice or the termination notice;
        call inside the caller's transaction.
    letter_template_update(*, actor, kind, title, body) -> LetterTemplate
        Action.MANAGE_USERS holders or the 公开办 (COORDINATE); refused when the rendered text
        no longer states the remedies (行政复议 60日, 行政诉讼 6个月).

A replied application cannot be replied again: the transitions refuse "draft_reply" after 已答复.

Hand-offs notify in the same transaction (the actor never; tracking code, unit and result only):
a drafted letter → LETTER_PENDING to those who may approve it (`can_approve`: the unit's 审核人
and the 公开办); an approved letter → LETTER_APPROVED to its drafter, the handler and the unit's
联络员, who deliver it; a returned letter → LETTER_RETURNED to its drafter and the handler (the
unit's staff when neither may still edit). The return reason stays on the application page.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.uploads import CheckedUpload
from gongkai.core.workdays import format_date
from gongkai.orgs.permissions import Action, check_perm, has_perm

from .. import applicant_messages, letters, notifications
from ..models import (
    Application,
    Delivery,
    Event,
    Letter,
    LetterSequence,
    LetterTemplate,
    Material,
    UnitLetterSettings,
)
from ..results import RESULT_BY_KEY, Result
from ..transitions import check_transition
from .common import application_lock, application_refresh_due, bump, event_record, handling_staff

MATERIAL_KINDS = frozenset({"pdf", "docx", "xlsx", "doc", "xls", "png", "jpeg", "gif", "txt"})
REPLY_MATERIAL_PURPOSE = "reply"
#: Results whose letter must give reasons (Arts. 36(3), 37 and the other refusals).
REASONS_REQUIRED_GROUPS = frozenset({"partial", "deny", "reject", "other"})


def can_approve(user, app: Application) -> bool:
    return has_perm(user, Action.APPROVE, app.unit_id) or has_perm(user, Action.COORDINATE)


def _check_approver(actor, app: Application) -> None:
    if not can_approve(actor, app):
        raise PermissionDenied("只有本单位的审核人或公开办可以审核答复")


def _require_unit(app: Application) -> None:
    if not app.unit_id:
        raise ValidationFailed("该申请尚未分办到办理单位")


def _result(key: str) -> Result:
    result = RESULT_BY_KEY.get(key or "")
    if result is None:
        raise ValidationFailed("请选择答复类型")
    return result


def _save_material(app: Application, actor, upload: CheckedUpload) -> Material:
    if upload.kind not in MATERIAL_KINDS:
        raise ValidationFailed(f"文件“{upload.name}”的类型不被接受")
    material = Material(
        application=app,
        purpose=REPLY_MATERIAL_PURPOSE,
        original_name=upload.name,
        title=(getattr(upload, "title", "") or "").strip()[:200],
        kind=upload.kind,
        size=upload.size,
        sha256=upload.sha256,
        released=True,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    material.file.save(f"{upload.sha256[:24]}.{upload.kind}", ContentFile(upload.data), save=False)
    material.save()
    return material


def released_materials(app: Application):
    return app.materials.filter(released=True)


def _draft_event(letter: Letter) -> Event | None:
    for event in letter.application.events.filter(kind=Event.Kind.REPLY_DRAFTED).order_by(
        "-created_at", "-pk"
    ):
        if (event.data or {}).get("letter") == letter.pk:
            return event
    return None


def letter_result(letter: Letter) -> Result | None:
    """The result a reply letter was drafted for."""
    event = _draft_event(letter)
    key = (event.data or {}).get("result") if event else None
    return RESULT_BY_KEY.get(key or "")


def _letter_url(letter: Letter) -> str:
    return reverse("foi:replies:letter", args=[letter.application_id, letter.pk])


def _approvers(app: Application) -> list:
    """Everyone `can_approve` lets approve: the unit's 审核人 and the 公开办."""
    return [
        *unit_staff(app.unit, roles=("reviewer",)).order_by("pk"),
        *coordinators().order_by("pk"),
    ]


def _drafters(app: Application, letter: Letter, event: Event | None) -> list:
    """The letter's drafter(s) and the handler, while they may still edit the unit's cases."""
    people = [letter.created_by, event.actor if event else None, app.handler]
    return [u for u in people if u is not None and has_perm(u, Action.EDIT, app.unit_id)]


def pending_letter(app: Application) -> Letter | None:
    """The reply letter in draft (awaiting review, or returned for editing)."""
    return (
        app.letters.filter(status=Letter.Status.DRAFT, kind__startswith="reply.")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def reply_draft(
    *,
    actor,
    app: Application,
    result: str,
    reasons: str = "",
    published_location: str | None = None,
    materials=(),
    repeat_of: Application | None = None,
) -> Letter:
    app = application_lock(app.pk)
    _require_unit(app)
    check_perm(actor, Action.EDIT, app.unit_id)
    new_status = check_transition(app, "draft_reply")
    res = _result(result)
    if not res.by_reply:
        raise ValidationFailed(f"“{res.label}”由补正或缴费流程自动办结，不能作为答复类型")
    reasons = (reasons or "").strip()
    location = (published_location or "").strip()
    if res.group in REASONS_REQUIRED_GROUPS and not reasons:
        raise ValidationFailed("该答复类型须说明理由")
    if repeat_of is not None and (repeat_of.pk == app.pk or res.key != "reject.repeat"):
        raise ValidationFailed("只有“重复申请”可以关联此前的申请")

    for item in materials or ():
        if isinstance(item, Material):
            if item.application_id != app.pk:
                raise ValidationFailed("材料不属于该申请")
            if not item.released:
                item.released = True
                item.save(update_fields=["released"])
        else:
            _save_material(app, actor, item)
    released = list(released_materials(app))
    if res.needs_released_material and not released:
        raise ValidationFailed("部分公开须上传区分处理后（删除不予公开内容）提供给申请人的材料")

    context = letters.letter_context(
        app,
        result=res,
        reasons=reasons,
        published_location=location,
        materials=[m.display_title for m in released]
        if res.group in ("disclose", "partial")
        else [],
    )
    title, body = letters.render_letter(res.letter_kind, context)
    letter = pending_letter(app)
    if letter is None:
        letter = Letter.objects.create(
            application=app,
            kind=res.letter_kind,
            title=title,
            body=body,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    else:
        letter.kind, letter.title, letter.body = res.letter_kind, title, body
        letter.save(update_fields=["kind", "title", "body"])
    event_record(
        app,
        kind=Event.Kind.REPLY_DRAFTED,
        date=timezone.localdate(),
        actor=actor,
        public=False,
        data={
            "letter": letter.pk,
            "result": res.key,
            "reasons": reasons,
            "published_location": location,
            "repeat_of": repeat_of.pk if repeat_of else None,
            "materials": [m.pk for m in released],
        },
    )
    app.status = new_status
    bump(app, "status")
    audit_record(
        actor=actor,
        action="foi.reply_draft",
        obj=app,
        unit=app.unit,
        summary=f"拟定答复：{res.label}",
        after={"result": res.key, "letter": letter.pk},
    )
    notify(
        kind=notifications.LETTER_PENDING,
        users=_approvers(app),
        title=f"答复书待审批：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n办理单位：{app.unit.name}\n答复类型：{res.label}",
        url=_letter_url(letter),
        actor=actor,
    )
    return letter


def default_number_pattern(unit) -> str:
    short = (unit.short_name or unit.name) if unit else ""
    return f"{short}依申复〔{{year}}〕{{seq}}号"


def letter_number_assign(letter: Letter, *, on: dt.date | None = None) -> str:
    """Give `letter` the next number of its unit and year (on approval), from the unit's
    pattern (`UnitLetterSettings.number_pattern`, e.g. "高新发改依申复〔{year}〕{seq}号"; the
    default is "<简称>依申复〔{year}〕{seq}号"). Call inside the approving transaction."""
    if letter.number:
        return letter.number
    unit = letter.application.unit
    if unit is None:
        return ""
    year = (on or timezone.localdate()).year
    try:
        with transaction.atomic():  # two first letters of a year at once: one creates the row
            sequence, _ = LetterSequence.objects.select_for_update().get_or_create(
                unit=unit, year=year
            )
    except IntegrityError:
        sequence = LetterSequence.objects.select_for_update().get(unit=unit, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    configured = letters.unit_settings(unit)
    pattern = (configured.number_pattern if configured else "") or default_number_pattern(unit)
    try:
        letter.number = pattern.format(year=year, seq=sequence.last)
    except (KeyError, IndexError, ValueError):
        letter.number = default_number_pattern(unit).format(year=year, seq=sequence.last)
    return letter.number


def _write_files(letter: Letter) -> None:
    letter_number_assign(letter)
    stem = f"{letter.application.tracking_code}-{letter.pk}"
    letter.docx.save(f"{stem}.docx", ContentFile(letters.letter_docx(letter)), save=False)
    letter.pdf.save(f"{stem}.pdf", ContentFile(letters.letter_pdf(letter)), save=False)


@transaction.atomic
def reply_approve(*, actor, letter: Letter) -> Letter:
    app = application_lock(letter.application_id)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    letter.application = app
    _check_approver(actor, app)
    if letter.status != Letter.Status.DRAFT or not letter.kind.startswith("reply."):
        raise ValidationFailed("该答复书不是待审核状态")
    check_transition(app, "approve_reply")
    event = _draft_event(letter)
    res = RESULT_BY_KEY.get((event.data or {}).get("result", "")) if event else None
    if res is None:
        raise ValidationFailed("找不到该答复书的答复类型，请重新拟定")
    if res.needs_released_material and not released_materials(app).exists():
        raise ValidationFailed("部分公开须上传区分处理后提供给申请人的材料")
    now = timezone.now()
    today = timezone.localdate(now)

    letter.status = Letter.Status.APPROVED
    letter.approved_by = actor if getattr(actor, "pk", None) else None
    letter.approved_at = now
    _write_files(letter)
    letter.save(update_fields=["status", "approved_by", "approved_at", "number", "docx", "pdf"])

    event_record(
        app,
        kind=Event.Kind.REPLY_APPROVED,
        date=today,
        actor=actor,
        public=False,
        data={"letter": letter.pk},
    )
    app.status = check_transition(app, "reply")
    app.result = res.key
    app.replied_at = now
    fields = ["status", "result", "replied_at"]
    repeat_of = (event.data or {}).get("repeat_of")
    if repeat_of:
        app.repeat_of_id = repeat_of
        fields.append("repeat_of")
    event_record(
        app,
        kind=Event.Kind.REPLIED,
        date=today,
        actor=actor,
        data={"letter": letter.pk, "result": res.key},
    )
    bump(app, *fields)
    application_refresh_due(app)
    applicant_messages.status_changed(app, "reply_pending")
    audit_record(
        actor=actor,
        action="foi.reply_approve",
        obj=app,
        unit=app.unit,
        summary=f"审核通过并答复：{res.label}",
        after={"result": res.key, "letter": letter.pk},
    )
    notify(
        kind=notifications.LETTER_APPROVED,
        users=[*_drafters(app, letter, event), *unit_staff(app.unit, roles=("liaison",))],
        title=f"答复书已审批，请登记送达：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n答复类型：{res.label}\n答复日期：{format_date(today)}",
        url=_letter_url(letter),
        actor=actor,
    )
    return letter


@transaction.atomic
def reply_return(*, actor, letter: Letter, reason: str) -> Letter:
    app = application_lock(letter.application_id)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_approver(actor, app)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回时须填写理由")
    if letter.status != Letter.Status.DRAFT or not letter.kind.startswith("reply."):
        raise ValidationFailed("该答复书不是待审核状态")
    app.status = check_transition(app, "return_reply")
    event_record(
        app,
        kind=Event.Kind.REPLY_RETURNED,
        date=timezone.localdate(),
        actor=actor,
        public=False,
        data={"letter": letter.pk, "reason": reason},
    )
    bump(app, "status")
    audit_record(
        actor=actor,
        action="foi.reply_return",
        obj=app,
        unit=app.unit,
        summary=f"退回答复：{reason[:100]}",
    )
    notify(
        kind=notifications.LETTER_RETURNED,
        users=_drafters(app, letter, _draft_event(letter)) or handling_staff(app),
        title=f"答复书被退回：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n请按退回理由（见申请的办理记录）修改后重新提交审核。",
        url=_letter_url(letter),
        actor=actor,
    )
    return letter


@transaction.atomic
def reply_deliver(
    *,
    actor,
    app: Application,
    method: str,
    date: dt.date,
    letter: Letter | None = None,
    tracking_number: str = "",
) -> Letter:
    """Record how and when an approved letter reached its addressee (and, by post, the postal
    tracking number); the applicant is told by email and SMS (`applicant_messages`)."""
    app = application_lock(app.pk)
    _require_unit(app)
    check_perm(actor, Action.EDIT, app.unit_id)
    if method not in Delivery.values:
        raise ValidationFailed("请选择送达方式")
    if letter is None or letter.kind.startswith("reply."):
        check_transition(app, "deliver")
    tracking_number = "".join((tracking_number or "").split()).upper()
    if tracking_number and not re.fullmatch(r"[A-Z0-9-]{6,40}", tracking_number):
        raise ValidationFailed("邮件单号应为6至40位字母或数字")
    if letter is None:
        letter = (
            app.letters.filter(status=Letter.Status.APPROVED)
            .order_by("-approved_at", "-pk")
            .first()
        )
        if letter is None:
            raise ValidationFailed("没有待送达的文书")
    else:
        letter = Letter.objects.select_for_update().get(pk=letter.pk, application=app)
        if letter.status != Letter.Status.APPROVED:
            raise ValidationFailed("只有已审核、尚未登记送达的文书可以登记送达")
    if letter.kind.startswith("reply."):
        check_transition(app, "deliver")
    if date is None:
        raise ValidationFailed("请填写送达日期")
    issued = letters.letter_date(letter)
    if date < issued:
        raise ValidationFailed(f"送达日期不能早于文书日期（{letters.fmt(issued)}）")
    if date > timezone.localdate():
        raise ValidationFailed("送达日期不能晚于今天")
    letter.status = Letter.Status.RELEASED
    letter.delivery_method = method
    letter.delivered_on = date
    letter.tracking_number = tracking_number if method == Delivery.POST else ""
    letter.save(update_fields=["status", "delivery_method", "delivered_on", "tracking_number"])
    tail = f"（邮件单号：{letter.tracking_number}）" if letter.tracking_number else ""
    event_record(
        app,
        kind=Event.Kind.DELIVERED,
        date=date,
        actor=actor,
        data={"letter": letter.pk, "method": method, "tracking_number": letter.tracking_number},
        note=f"{letter.title}：{Delivery(method).label}{tail}",
    )
    if not letter.addressee:
        applicant_messages.send_status(
            app,
            f"您的政府信息公开申请（查询码：{app.tracking_code}）的{letter.title}已于"
            f"{format_date(date)}以{Delivery(method).label}方式送达{tail}。"
            "请凭查询码和联系电话在网上查询办理情况。",
        )
    bump(app)
    audit_record(
        actor=actor,
        action="foi.reply_deliver",
        obj=app,
        unit=app.unit,
        summary=f"登记送达：{letter.title}（{Delivery(method).label}）",
    )
    return letter


def notice_letter_issue(
    *,
    actor,
    app: Application,
    kind: str,
    result: Result | str | None = None,
    reasons: str = "",
    fee: dict | None = None,
) -> Letter:
    """An issued notice letter (fee notice, termination notice) with its files. Call inside the
    caller's transaction; the caller records the event and the audit."""
    context = letters.letter_context(app, result=result, reasons=reasons, fee=fee, kind=kind)
    title, body = letters.render_letter(kind, context)
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    letter = Letter.objects.create(
        application=app,
        kind=kind,
        title=title,
        body=body,
        status=Letter.Status.APPROVED,
        approved_by=user,
        approved_at=now,
        created_by=user,
    )
    letter.application = app
    _write_files(letter)
    letter.save(update_fields=["number", "docx", "pdf"])
    return letter


def can_edit_templates(user) -> bool:
    return has_perm(user, Action.MANAGE_USERS) or has_perm(user, Action.COORDINATE)


@transaction.atomic
def letter_template_update(*, actor, kind: str, title: str, body: str) -> LetterTemplate:
    if not can_edit_templates(actor):
        raise PermissionDenied("只有系统管理员或公开办可以修改文书模板")
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip() + "\n"
    letters.validate_template(kind, title, body)
    template = letters.template_get(kind)
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    before = {"title": template.title, "body": template.body}
    template.title, template.body = title, body
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.save(update_fields=["title", "body", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="foi.letter_template_update",
        obj=template,
        summary=f"修改文书模板：{letters.template_name(kind)}",
        before=before,
        after={"title": title, "body": body},
    )
    return template


_SETTINGS_FIELDS = ("review_body", "court", "number_pattern", "contact_person", "contact_phone")


@transaction.atomic
def unit_letter_settings_save(*, actor, unit, **fields) -> UnitLetterSettings:
    """Set a unit's review body, court, letter number pattern and contact (the 公开办 or a
    system administrator). The pattern must contain {seq} and may contain {year}."""
    if not can_edit_templates(actor):
        raise PermissionDenied("只有系统管理员或公开办可以设置文书的复议机关、法院和文号")
    unknown = set(fields) - set(_SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed("不能修改这些字段：" + "、".join(sorted(unknown)))
    values = {k: " ".join(str(fields.get(k) or "").split()) for k in _SETTINGS_FIELDS}
    if not values["review_body"] or not values["court"]:
        raise ValidationFailed("请填写行政复议机关和管辖法院")
    if "上一级行政机关或者" in values["review_body"]:
        raise ValidationFailed(
            "修订后的《行政复议法》已取消向上一级主管部门或本级人民政府选择申请的规定，请填写一个确定的复议机关"
        )
    pattern = values["number_pattern"]
    if pattern:
        if "{seq}" not in pattern:
            raise ValidationFailed("文号格式须包含序号 {seq}，如：高新发改依申复〔{year}〕{seq}号")
        try:
            pattern.format(year=2026, seq=1)
        except (KeyError, IndexError, ValueError):
            raise ValidationFailed("文号格式只能使用 {year} 和 {seq} 两个占位符") from None
    current = UnitLetterSettings.objects.select_for_update().filter(unit=unit).first()
    before = {k: getattr(current, k) for k in _SETTINGS_FIELDS} if current else None
    if current is None:
        current = UnitLetterSettings(unit=unit)
    for key, value in values.items():
        setattr(current, key, value)
    current.save()
    audit_record(
        actor=actor,
        action="foi.unit_letter_settings",
        obj=current,
        unit=unit,
        summary=f"设置{unit.name}的文书复议机关、法院和文号",
        before=before,
        after=values,
    )
    return current


@transaction.atomic
def letter_confirm_receipt(*, application_id: int, letter_id: int) -> Letter:
    """The applicant, after the tracking-code lookup, confirms receipt of a letter delivered by
    email or online (电子送达的确认): the time is recorded on the letter and the timeline."""
    app = application_lock(application_id)
    letter = (
        Letter.objects.select_for_update()
        .filter(pk=letter_id, application=app, status=Letter.Status.RELEASED)
        .first()
    )
    if letter is None or letter.delivery_method not in (Delivery.EMAIL, Delivery.ONLINE):
        raise ValidationFailed("该文书不是电子送达的文书")
    if letter.confirmed_at is not None:
        return letter
    letter.confirmed_at = timezone.now()
    letter.save(update_fields=["confirmed_at"])
    event_record(
        app,
        kind=Event.Kind.NOTE,
        date=timezone.localdate(),
        data={"letter": letter.pk, "confirmed": True},
        note=f"申请人确认收到{letter.title}（电子送达）",
    )
    audit_record(
        actor=None,
        action="foi.letter_confirm_receipt",
        obj=app,
        unit=app.unit,
        summary=f"申请人确认收到电子送达的文书 {app.tracking_code}",
        after={"letter": letter.pk},
    )
    return letter
