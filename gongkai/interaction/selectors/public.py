"""What the public pages, feeds and the open API read: plain frozen data, published only, and
never a submitter's name, phone, email or contact (the masked `public_*` copies only).

    message_page(*, unit_id=None, kind="", status="", q="", date_from=None, date_to=None)
        -> QuerySet of published messages (use `public_message` on each row)
    public_message(m) -> PublicMessage
    published_message(pk) -> PublicMessage | None
    monthly_statistics(year) -> list[dict]   received, answered, on time, average working days,
                                             satisfaction, per month (all messages, counts only)
    consultations(status=None) / consultation(pk) -> PublicConsultation (drafts never)
    consultations_for_item(item_id)          those whose feedback names the item as the final policy
    error_statistics(year) -> list[dict]     per unit: received, resolved, on time
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from gongkai.core.workdays import CalendarNotCovered, get_calendar

from ..models import (
    CommentStatus,
    Consultation,
    ConsultationStatus,
    ErrorReport,
    ErrorStatus,
    Message,
    MessageStatus,
    Satisfaction,
)


@dataclass(frozen=True)
class PublicMessage:
    pk: int
    title: str
    kind: str
    mailbox: str
    content: str
    received_date: dt.date
    replied_date: dt.date | None
    reply_unit: str
    reply: str
    follow_up: str
    follow_up_reply: str
    satisfaction: str


def published_messages():
    return Message.objects.filter(is_public=True).select_related("reply_unit")


def message_page(*, unit_id=None, kind="", status="", q="", date_from=None, date_to=None):
    qs = published_messages()
    if unit_id:
        qs = qs.filter(reply_unit_id=unit_id)
    if kind:
        qs = qs.filter(kind=kind)
    if status == "replied":
        qs = qs.filter(status=MessageStatus.REPLIED)
    elif status == "processing":
        qs = qs.exclude(status=MessageStatus.REPLIED)
    if q:
        qs = qs.filter(Q(public_title__icontains=q) | Q(public_content__icontains=q))
    if date_from:
        qs = qs.filter(received_date__gte=date_from)
    if date_to:
        qs = qs.filter(received_date__lte=date_to)
    return qs.order_by("-replied_date", "-pk")


def public_message(m: Message) -> PublicMessage:
    return PublicMessage(
        pk=m.pk,
        title=m.public_title,
        kind=m.get_kind_display(),
        mailbox=m.get_mailbox_display(),
        content=m.public_content,
        received_date=m.received_date,
        replied_date=m.replied_date,
        reply_unit=m.reply_unit.name if m.reply_unit_id else "区政府办公室",
        reply=m.public_reply,
        follow_up=m.public_follow_up,
        follow_up_reply=m.public_follow_up_reply,
        satisfaction=m.get_satisfaction_display() if m.satisfaction else "",
    )


def published_message(pk: int) -> PublicMessage | None:
    m = published_messages().filter(pk=pk).first()
    return public_message(m) if m else None


def _workdays(start: dt.date, end: dt.date) -> int | None:
    try:
        return get_calendar().workdays_between(start, end)
    except CalendarNotCovered:
        return None


def monthly_statistics(year: int) -> list[dict]:
    rows = []
    msgs = list(
        Message.objects.filter(received_date__year=year).values(
            "received_date", "replied_date", "due_date", "status", "satisfaction"
        )
    )
    for month in range(1, 13):
        ms = [m for m in msgs if m["received_date"].month == month]
        answered = [m for m in ms if m["status"] == MessageStatus.REPLIED and m["replied_date"]]
        on_time = [m for m in answered if m["due_date"] and m["replied_date"] <= m["due_date"]]
        days = [
            d
            for d in (_workdays(m["received_date"], m["replied_date"]) for m in answered)
            if d is not None
        ]
        rated = [m for m in ms if m["satisfaction"]]
        good = [m for m in rated if m["satisfaction"] != Satisfaction.UNSATISFIED]
        rows.append(
            {
                "month": month,
                "received": len(ms),
                "answered": len(answered),
                "on_time": len(on_time),
                "avg_workdays": round(sum(days) / len(days), 1) if days else None,
                "rated": len(rated),
                "satisfaction": round(100 * len(good) / len(rated)) if rated else None,
            }
        )
    return rows


@dataclass(frozen=True)
class PublicComment:
    pk: int
    clause: int | None
    text: str
    date: dt.date
    adoption: str
    adoption_reason: str


@dataclass(frozen=True)
class PublicConsultation:
    pk: int
    title: str
    unit: str
    explanation: str
    start_date: dt.date
    end_date: dt.date
    short_reason: str
    status: str
    status_label: str
    clauses: list[tuple[int, int, str]] = field(default_factory=list)  # (pk, number, text)
    attachments: list[tuple[int, str]] = field(default_factory=list)
    comments: list[PublicComment] = field(default_factory=list)
    feedback_summary: str = ""
    feedback_date: dt.date | None = None
    final_item_id: int | None = None


def consultation_queryset(status: str | None = None):
    qs = Consultation.objects.exclude(status=ConsultationStatus.DRAFT).select_related("unit")
    if status == "open":
        qs = qs.filter(status=ConsultationStatus.OPEN)
    elif status == "closed":
        qs = qs.filter(status__in=(ConsultationStatus.CLOSED, ConsultationStatus.FEEDBACK))
    return qs


def _public_consultation(c: Consultation, *, full: bool) -> PublicConsultation:
    extra = {}
    if full:
        feedback = c.status == ConsultationStatus.FEEDBACK
        extra = {
            "clauses": [(cl.pk, cl.number, cl.text) for cl in c.clauses.all()],
            "attachments": [(a.pk, a.name) for a in c.attachments.all()],
            "comments": [
                PublicComment(
                    pk=cm.pk,
                    clause=cm.clause.number if cm.clause_id else None,
                    text=cm.public_text,
                    date=cm.created_at.date(),
                    adoption=cm.get_adoption_display() if feedback and cm.adoption else "",
                    adoption_reason=cm.adoption_reason if feedback else "",
                )
                for cm in c.comments.filter(status=CommentStatus.APPROVED).select_related("clause")
            ],
            "feedback_summary": c.feedback_summary if feedback else "",
            "feedback_date": c.feedback_date if feedback else None,
            "final_item_id": c.final_item_id if feedback else None,
        }
    return PublicConsultation(
        pk=c.pk,
        title=c.title,
        unit=c.unit.name,
        explanation=c.explanation,
        start_date=c.start_date,
        end_date=c.end_date,
        short_reason=c.short_reason,
        status=c.status,
        status_label=c.get_status_display(),
        **extra,
    )


def consultations(status: str | None = None) -> list[PublicConsultation]:
    return [_public_consultation(c, full=False) for c in consultation_queryset(status)]


def consultation(pk: int) -> PublicConsultation | None:
    c = consultation_queryset().filter(pk=pk).first()
    return _public_consultation(c, full=True) if c else None


def error_statistics(year: int) -> list[dict]:
    rows = (
        ErrorReport.objects.filter(received_date__year=year)
        .values("unit__name")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=~Q(status=ErrorStatus.OPEN)),
        )
        .order_by("unit__name")
    )
    return [
        {
            "unit": r["unit__name"] or "区政府办公室",
            "received": r["received"],
            "resolved": r["resolved"],
        }
        for r in rows
    ]


def consultations_for_item(item_id: int) -> list[PublicConsultation]:
    """The consultations whose published feedback names catalog item `item_id` as the final
    policy (for a link back from the item's page)."""
    qs = consultation_queryset().filter(status=ConsultationStatus.FEEDBACK, final_item_id=item_id)
    return [_public_consultation(c, full=False) for c in qs]
