"""Public consultations on draft policies (意见征集).

《重大行政决策程序暂行条例》（国务院令第713号）第十四条: the period for public comments is, as a rule,
no shorter than 30 days; when it is shortened for urgency or other reasons, the reason is stated
when the consultation is published. `INTERACTION_CONSULTATION_MIN_DAYS` (default 30) is that
floor; a shorter period needs `short_reason`, which the public page shows.

    consultation_create(*, actor, unit, title, explanation, clauses_text, start_date, end_date,
                        short_reason="", files=(), task=None) -> Consultation   (a draft)
    consultation_publish(*, actor, consultation)      draft → 征集中 (today ≥ start) — the unit's 审核人
    comment_submit(*, consultation, text, clause=None, contact="", ip_hash="") -> Comment
    comment_moderate(*, actor, comment, approve, reason="", public_text="")   masked when approved
    consultations_close_due(day) -> int               the periodic job: past end date → 已结束
    comment_adopt(*, actor, comment, adoption, reason)
    consultation_feedback(*, actor, consultation, summary, final_item=None)   → 已反馈 (published)
    split_clauses(text) -> list[str]                  one clause per paragraph, numbering dropped
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import ItemStatus
from gongkai.core import pii
from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import notify, unit_staff
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications as kinds
from ..models import (
    Adoption,
    Clause,
    Comment,
    CommentStatus,
    Consultation,
    ConsultationAttachment,
    ConsultationStatus,
)
from .common import check_files, check_text, save_files

_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+条|\d+[\.、．]|[一二三四五六七八九十]+、)\s*"
)


def split_clauses(text: str) -> list[str]:
    out = []
    for line in (text or "").splitlines():
        line = _NUMBERING.sub("", line).strip()
        if line:
            out.append(line)
    return out


def _lock(obj, model):
    pk = obj if isinstance(obj, int) else obj.pk
    return model.objects.select_for_update().get(pk=pk)


def consultation_create(
    *,
    actor,
    unit,
    title,
    explanation,
    clauses_text,
    start_date,
    end_date,
    short_reason="",
    files=(),
    task=None,
) -> Consultation:
    check_perm(actor, Action.EDIT, unit)
    errors: dict = {}
    title = check_text(title, label="标题", field="title", errors=errors, max_len=200)
    explanation = check_text(
        explanation, label="起草说明", field="explanation", errors=errors, max_len=20000
    )
    clauses = split_clauses(clauses_text)
    if not clauses:
        errors["clauses_text"] = "请填写征求意见稿正文（每条一段）"
    elif len(clauses) > 300:
        errors["clauses_text"] = "条文过多（最多300条）"
    elif any(len(c) > 5000 for c in clauses):
        errors["clauses_text"] = "单条条文最多5000字"
    short_reason = (short_reason or "").strip()
    if not start_date or not end_date:
        errors["end_date"] = "请填写开始和截止日期"
    elif end_date <= start_date:
        errors["end_date"] = "截止日期应晚于开始日期"
    elif (
        end_date - start_date
    ).days + 1 < settings.INTERACTION_CONSULTATION_MIN_DAYS and not short_reason:
        errors["short_reason"] = (
            f"征求意见期限一般不少于{settings.INTERACTION_CONSULTATION_MIN_DAYS}日"
            "（《重大行政决策程序暂行条例》第十四条），缩短期限的须说明理由"
        )
    if task is not None and task.unit_id != unit.pk:
        errors["task"] = "只能关联本单位的工作任务"
    checked = check_files(files, errors)
    if errors:
        raise ValidationFailed("意见征集未保存，请修改标红的内容", extra={"fields": errors})
    with transaction.atomic():
        c = Consultation.objects.create(
            unit=unit,
            title=title,
            explanation=explanation,
            start_date=start_date,
            end_date=end_date,
            short_reason=short_reason,
            task=task,
        )
        Clause.objects.bulk_create(
            [Clause(consultation=c, number=i, text=t) for i, t in enumerate(clauses, 1)]
        )
        save_files(ConsultationAttachment, "consultation", c, checked)
        audit_record(
            actor=actor,
            action="interaction.consultation_create",
            obj=c,
            summary=f"起草意见征集：{title[:80]}",
        )
    return c


def consultation_publish(*, actor, consultation) -> Consultation:
    with transaction.atomic():
        c = _lock(consultation, Consultation)
        check_perm(actor, Action.APPROVE, c.unit)
        if c.status != ConsultationStatus.DRAFT:
            raise ValidationFailed("只能发布草稿状态的意见征集")
        today = timezone.localdate()
        if c.end_date < today:
            raise ValidationFailed("截止日期已过，请修改日期后再发布")
        c.status = ConsultationStatus.OPEN
        c.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="interaction.consultation_publish",
            obj=c,
            summary=f"发布意见征集：{c.title[:80]}",
        )
    return c


def accepting(c: Consultation, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    return c.status == ConsultationStatus.OPEN and c.start_date <= day <= c.end_date


def comment_submit(*, consultation, text, clause=None, contact="", ip_hash="") -> Comment:
    errors: dict = {}
    text = check_text(text, label="意见", field="text", errors=errors, max_len=3000, min_len=2)
    contact = check_text(
        contact, label="联系方式", field="contact", errors=errors, required=False, max_len=100
    )
    if errors:
        raise ValidationFailed("意见未提交，请修改标红的内容", extra={"fields": errors})
    with transaction.atomic():
        c = _lock(consultation, Consultation)
        if not accepting(c):
            raise ValidationFailed("该意见征集不在征集期内，不能提交意见")
        if clause is not None and clause.consultation_id != c.pk:
            raise ValidationFailed("条文不属于该意见征集")
        comment = Comment.objects.create(
            consultation=c, clause=clause, text=text, contact=contact, submitted_ip_hash=ip_hash
        )
        audit_record(
            actor=None,
            action="interaction.comment_submit",
            obj=c,
            unit=c.unit,
            summary=f"收到意见（第{clause.number}条）" if clause else "收到意见（总体）",
        )
        notify(
            kind=kinds.COMMENT_RECEIVED,
            users=unit_staff(c.unit, roles=("liaison", "reviewer")),
            title=f"意见征集收到新意见：{c.title[:40]}",
            url=reverse("interaction_staff:consultation_detail", args=[c.pk]),
        )
    return comment


def comment_moderate(
    *, actor, comment, approve: bool, reason: str = "", public_text: str = ""
) -> Comment:
    """Approve (the text as published: `public_text` when the moderator edited it, e.g. to drop a
    name, else the comment; masked by the PII scan either way) or reject with a reason."""
    with transaction.atomic():
        cm = _lock(comment, Comment)
        c = cm.consultation
        check_perm(actor, Action.EDIT, c.unit)
        if cm.status != CommentStatus.PENDING:
            raise ValidationFailed("该意见已审核")
        reason = (reason or "").strip()
        if approve:
            cm.status = CommentStatus.APPROVED
            cm.public_text = pii.mask((public_text or "").strip() or cm.text)
        else:
            if not reason:
                raise ValidationFailed("请填写不予公开的理由（如含个人信息、辱骂等）")
            cm.status = CommentStatus.REJECTED
        cm.moderation_reason = reason[:200]
        cm.save()
        audit_record(
            actor=actor,
            action="interaction.comment_moderate",
            obj=c,
            unit=c.unit,
            summary=f"意见{cm.get_status_display()}：#{cm.pk}",
        )
    return cm


def consultations_close_due(day: dt.date | None = None) -> int:
    """Close every open consultation whose end date has passed (the daily job)."""
    day = day or timezone.localdate()
    closed = 0
    for pk in Consultation.objects.filter(
        status=ConsultationStatus.OPEN, end_date__lt=day
    ).values_list("pk", flat=True):
        with transaction.atomic():
            c = _lock(pk, Consultation)
            if c.status != ConsultationStatus.OPEN or c.end_date >= day:
                continue
            c.status = ConsultationStatus.CLOSED
            c.save(update_fields=["status"])
            audit_record(
                actor=None,
                action="interaction.consultation_close",
                obj=c,
                summary=f"意见征集到期结束：{c.title[:80]}",
            )
            closed += 1
    return closed


def comment_adopt(*, actor, comment, adoption: str, reason: str = "") -> Comment:
    with transaction.atomic():
        cm = _lock(comment, Comment)
        c = cm.consultation
        check_perm(actor, Action.EDIT, c.unit)
        if c.status != ConsultationStatus.CLOSED:
            raise ValidationFailed("征集结束后、发布反馈前才能填写采纳情况")
        if adoption not in Adoption.values:
            raise ValidationFailed("请选择采纳情况")
        reason = (reason or "").strip()
        if adoption != Adoption.ADOPTED and not reason:
            raise ValidationFailed("部分采纳或未采纳的，请说明理由")
        cm.adoption, cm.adoption_reason = adoption, reason[:2000]
        cm.save(update_fields=["adoption", "adoption_reason"])
        audit_record(
            actor=actor,
            action="interaction.comment_adopt",
            obj=c,
            unit=c.unit,
            summary=f"意见#{cm.pk}：{cm.get_adoption_display()}",
        )
    return cm


def consultation_feedback(*, actor, consultation, summary: str, final_item=None) -> Consultation:
    errors: dict = {}
    summary = check_text(
        summary, label="采纳情况说明", field="summary", errors=errors, max_len=20000
    )
    if errors:
        raise ValidationFailed(errors["summary"], extra={"fields": errors})
    with transaction.atomic():
        c = _lock(consultation, Consultation)
        check_perm(actor, Action.APPROVE, c.unit)
        if c.status != ConsultationStatus.CLOSED:
            raise ValidationFailed("征集结束后才能发布反馈")
        if final_item is not None and final_item.status != ItemStatus.PUBLISHED:
            raise ValidationFailed("正式文件尚未发布，不能关联")
        missing = c.comments.filter(status=CommentStatus.APPROVED, adoption="").count()
        if missing:
            raise ValidationFailed(f"还有{missing}条公开的意见未填写采纳情况")
        c.status, c.feedback_summary, c.feedback_date = (
            ConsultationStatus.FEEDBACK,
            summary,
            timezone.localdate(),
        )
        c.final_item = final_item
        c.save(update_fields=["status", "feedback_summary", "feedback_date", "final_item"])
        audit_record(
            actor=actor,
            action="interaction.consultation_feedback",
            obj=c,
            summary=f"发布意见采纳情况：{c.title[:80]}",
        )
    return c
