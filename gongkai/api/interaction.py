"""Open API for citizen interaction (互动交流), mounted in `gongkai.api.public` under /api/v1/:

    GET messages?page=&unit=&kind=&q=      published messages (masked; never name, phone, email)
    GET messages/statistics?year=          monthly figures: received, answered, on time,
                                           average working days to reply, satisfaction %
    GET messages/{id}                      one published message with 受理日期, 答复日期, 答复部门, 答复内容
    GET consultations?status=open|closed   consultations (never drafts)
    GET consultations/{id}                 clauses, approved comments (masked), feedback

Reads go through `gongkai.interaction.selectors.public` only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status

from gongkai.interaction.models import MessageKind
from gongkai.interaction.selectors import public

PER_PAGE = 20

messages_router = Router(tags=["互动交流"])
consultations_router = Router(tags=["意见征集"])


class Error(Schema):
    detail: str


class MessageOut(Schema):
    id: int
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
    url: str


class MessagePage(Schema):
    count: int
    page: int
    pages: int
    results: list[MessageOut]


class MonthOut(Schema):
    month: int
    received: int
    answered: int
    on_time: int
    avg_workdays: float | None
    rated: int
    satisfaction: int | None


class StatisticsOut(Schema):
    year: int
    months: list[MonthOut]


class CommentOut(Schema):
    id: int
    clause: int | None
    text: str
    date: dt.date
    adoption: str
    adoption_reason: str


class ClauseOut(Schema):
    number: int
    text: str


class ConsultationOut(Schema):
    id: int
    title: str
    unit: str
    start_date: dt.date
    end_date: dt.date
    status: str
    status_label: str
    url: str


class ConsultationDetail(ConsultationOut):
    explanation: str
    short_reason: str
    clauses: list[ClauseOut]
    comments: list[CommentOut]
    feedback_summary: str
    feedback_date: dt.date | None


def _message(request, m) -> dict:
    data = dataclasses.asdict(m)
    data["id"] = data.pop("pk")
    data["url"] = request.build_absolute_uri(reverse("interaction:message_detail", args=[m.pk]))
    return data


@messages_router.get("", response=MessagePage, summary="公开的网民留言及答复")
def messages_list(request, page: int = 1, unit: int | None = None, kind: str = "", q: str = ""):
    kind = kind if kind in MessageKind.values else ""
    qs = public.message_page(unit_id=unit, kind=kind, q=q[:50])
    paginator = Paginator(qs, PER_PAGE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_message(request, public.public_message(m)) for m in current.object_list],
    }


@messages_router.get("/statistics", response=StatisticsOut, summary="留言办理按月统计")
def messages_statistics(request, year: int | None = None):
    today = timezone.localdate()
    year = year if year and 2000 <= year <= today.year else today.year
    return {"year": year, "months": public.monthly_statistics(year)}


@messages_router.get(
    "/{message_id}", response={200: MessageOut, 404: Error}, summary="一条公开的留言"
)
def message_detail(request, message_id: int):
    m = public.published_message(message_id)
    if m is None:
        return Status(404, {"detail": "留言不存在或未公开"})
    return _message(request, m)


def _consultation(request, c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "unit": c.unit,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "status": c.status,
        "status_label": c.status_label,
        "url": request.build_absolute_uri(reverse("interaction:consultation", args=[c.pk])),
    }


@consultations_router.get("", response=list[ConsultationOut], summary="意见征集列表")
def consultations_list(request, status: str = ""):
    return [_consultation(request, c) for c in public.consultations(status or None)]


@consultations_router.get(
    "/{consultation_id}", response={200: ConsultationDetail, 404: Error}, summary="一次意见征集"
)
def consultation_detail(request, consultation_id: int):
    c = public.consultation(consultation_id)
    if c is None:
        return Status(404, {"detail": "意见征集不存在"})
    return {
        **_consultation(request, c),
        "explanation": c.explanation,
        "short_reason": c.short_reason,
        "clauses": [{"number": n, "text": t} for _pk, n, t in c.clauses],
        "comments": [dataclasses.asdict(cm) | {"id": cm.pk} for cm in c.comments],
        "feedback_summary": c.feedback_summary,
        "feedback_date": c.feedback_date,
    }
