"""Public pages of 互动交流 (mounted at /hdjl/, namespace ``interaction``).

    index            /hdjl/                          the channels, latest answers, open consultations
    write            /hdjl/write/                    the message form (captcha, rate limits)
    done             /hdjl/write/done/               the tracking code, shown once
    lookup           /hdjl/lookup/                   tracking code + phone → status, rating, follow-up
    message_list     /hdjl/messages/                 published messages: search, unit, kind, status, dates
    message_detail   /hdjl/messages/<pk>/            受理日期, 答复日期, 答复部门, 答复内容
    statistics       /hdjl/statistics/               monthly figures with ECharts (tables without JS)
    error_report     /hdjl/jiucuo/?url=&text=        我为政府网站找错
    consultations    /hdjl/yjzj/                     open and closed consultations
    consultation     /hdjl/yjzj/<pk>/                clauses, comments, feedback; comment form
    messages_feed / consultations_feed               RSS

Reads go through `selectors.public` only (masked copies, never a submitter's particulars).
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.downloads import download_response
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit

from .. import ratelimits
from ..forms.public import (
    CommentForm,
    ErrorReportForm,
    FollowUpForm,
    LookupForm,
    MessageForm,
    RateForm,
)
from ..models import (
    Clause,
    Consultation,
    ConsultationAttachment,
    Message,
    MessageKind,
    MessageStatus,
)
from ..selectors import public as selectors
from ..services import consultations as consultation_services
from ..services import errors as error_services
from ..services import messages as message_services

DONE_KEY = "hdjl_done"
LOOKUP_KEY = "hdjl_lookup"
PER_PAGE = 20
LOOKUP_SECONDS = 30 * 60  # the looked-up message is forgotten after half an hour


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _captcha_refresh_url() -> str:
    try:
        return reverse("captcha-refresh")
    except NoReverseMatch:
        return ""


def _kept(request) -> dict:
    """What was typed, for the no-JavaScript captcha refresh (files must be chosen again)."""
    return {
        k: v
        for k, v in request.POST.items()
        if not k.startswith("captcha") and k not in {"csrfmiddlewaretoken", "refresh_captcha"}
    }


def _field_errors(form, exc: ValidationFailed) -> None:
    fields = (exc.extra or {}).get("fields") or {}
    for name, message in fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not fields:
        form.add_error(None, exc.message)


@require_GET
def index(request):
    latest = [selectors.public_message(m) for m in selectors.message_page()[:8]]
    return render(
        request,
        "interaction/public/index.html",
        {"nav": "index", "latest": latest, "open": selectors.consultations("open")[:5]},
    )


# -- writing a message --------------------------------------------------------------------------


def _render_write(request, form, status=200):
    return _no_store(
        render(
            request,
            "interaction/public/write.html",
            {
                "form": form,
                "nav": "write",
                "captcha_refresh_url": _captcha_refresh_url(),
                "deadlines": [
                    (label, settings.INTERACTION_DEADLINE_WORKDAYS[value])
                    for value, label in MessageKind.choices
                ],
            },
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def write(request):
    if request.method != "POST":
        initial = {}
        unit = request.GET.get("unit")
        if request.GET.get("mailbox") == "unit":
            initial = {"mailbox": "unit"}
        if unit and unit.isdigit():
            initial = {"mailbox": "unit", "addressee": unit}
        return _render_write(request, MessageForm(initial=initial))
    if request.POST.get("refresh_captcha"):
        return _render_write(request, MessageForm(initial=_kept(request)))
    wait = ratelimits.consume(request, "post") or ratelimits.limited(request, "message")
    if wait:
        return ratelimits.too_many_requests(request, wait)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_write(request, form)
    data = form.cleaned_data
    try:
        message = message_services.message_submit(
            kind=data["kind"],
            mailbox=data["mailbox"],
            addressee=data.get("addressee"),
            title=data["title"],
            content=data["content"],
            name=data["name"],
            phone=data["phone"],
            email=data.get("email", ""),
            consent_public=data.get("consent_public", False),
            files=data.get("attachments") or [],
            submitted_ip_hash=ratelimits.client_hash(request),
        )
    except ValidationFailed as exc:
        _field_errors(form, exc)
        return _render_write(request, form)
    ratelimits.consume(request, "message")
    request.session[DONE_KEY] = {
        "code": message.tracking_code,
        "due": message.due_date.isoformat(),
        "email": bool(message.email),
    }
    return redirect("interaction:done")


@never_cache
@require_GET
def done(request):
    shown = request.session.pop(DONE_KEY, None) or {}
    due = shown.get("due")
    return _no_store(
        render(
            request,
            "interaction/public/done.html",
            {
                "nav": "write",
                "tracking_code": shown.get("code"),
                "due": dt.date.fromisoformat(due) if due else None,
                "emailed": shown.get("email"),
            },
        )
    )


# -- the citizen's own message --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    context = {"nav": "lookup"}
    message = None
    looked_up = request.session.get(LOOKUP_KEY)
    if isinstance(looked_up, dict) and time.time() - looked_up.get("at", 0) < LOOKUP_SECONDS:
        message = Message.objects.filter(pk=looked_up.get("pk")).first()
    elif looked_up:
        request.session.pop(LOOKUP_KEY, None)
    action = request.POST.get("action") if request.method == "POST" else None
    form = LookupForm(request.POST if action == "lookup" else None)
    if action == "lookup":
        wait = ratelimits.consume(request, "lookup")
        if wait:
            return ratelimits.too_many_requests(request, wait)
        if form.is_valid():
            message = message_services.message_lookup(
                form.cleaned_data["tracking_code"], form.cleaned_data["phone"]
            )
            if message is None:
                form.add_error(None, "查询码或联系电话不正确，请核对后重试。")
                request.session.pop(LOOKUP_KEY, None)
            else:
                request.session[LOOKUP_KEY] = {"pk": message.pk, "at": time.time()}
                return redirect("interaction:lookup")
    rate_form = RateForm(request.POST if action == "rate" else None)
    follow_form = FollowUpForm(request.POST if action == "follow_up" else None)
    if message is not None and action in ("rate", "follow_up"):
        wait = ratelimits.consume(request, "post")
        if wait:
            return ratelimits.too_many_requests(request, wait)
        bound = rate_form if action == "rate" else follow_form
        if bound.is_valid():
            try:
                if action == "rate":
                    message_services.message_rate(
                        message=message, satisfaction=bound.cleaned_data["satisfaction"]
                    )
                else:
                    message_services.message_follow_up(
                        message=message, text=bound.cleaned_data["text"]
                    )
                return redirect("interaction:lookup")
            except ValidationFailed as exc:
                _field_errors(bound, exc)
    if action == "end":
        request.session.pop(LOOKUP_KEY, None)
        return redirect("interaction:lookup")
    if message is not None:
        message.refresh_from_db()
        context.update(
            {
                "message": message,
                "events": message.events.filter(public=True),
                "rate_form": rate_form,
                "follow_form": follow_form,
                "replied": message.status == MessageStatus.REPLIED,
            }
        )
    context["form"] = form
    return _no_store(render(request, "interaction/public/lookup.html", context))


# -- published messages ---------------------------------------------------------------------------


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def message_list(request):
    g = request.GET
    unit_id = g.get("unit") if (g.get("unit") or "").isdigit() else None
    kind = g.get("kind") if g.get("kind") in MessageKind.values else ""
    status = g.get("status") if g.get("status") in ("replied", "processing") else ""
    q = (g.get("q") or "").strip()[:50]
    date_from, date_to = _date(g.get("from", "")), _date(g.get("to", ""))
    qs = selectors.message_page(
        unit_id=unit_id, kind=kind, status=status, q=q, date_from=date_from, date_to=date_to
    )
    page = Paginator(qs, PER_PAGE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "interaction/public/message_list.html",
        {
            "nav": "messages",
            "page": page,
            "rows": [selectors.public_message(m) for m in page.object_list],
            "units": Unit.objects.filter(is_active=True).order_by("pk"),
            "kinds": MessageKind.choices,
            "f": {
                "unit": unit_id,
                "kind": kind,
                "status": status,
                "q": q,
                "from": g.get("from", ""),
                "to": g.get("to", ""),
            },
            "query": query.urlencode(),
        },
    )


@require_GET
def message_detail(request, pk: int):
    message = selectors.published_message(pk)
    if message is None:
        raise Http404("留言不存在或未公开")
    return render(
        request, "interaction/public/message_detail.html", {"nav": "messages", "m": message}
    )


@require_GET
def statistics(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    rows = selectors.monthly_statistics(year)
    totals = {
        key: sum(r[key] for r in rows) for key in ("received", "answered", "on_time", "rated")
    }
    chart = {
        "months": [f"{r['month']}月" for r in rows],
        "received": [r["received"] for r in rows],
        "answered": [r["answered"] for r in rows],
        "on_time": [r["on_time"] for r in rows],
        "satisfaction": [r["satisfaction"] for r in rows],
    }
    return render(
        request,
        "interaction/public/statistics.html",
        {
            "nav": "statistics",
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "rows": rows,
            "totals": totals,
            "chart": chart,
            "chart_label": json.dumps(totals, ensure_ascii=False),
            "errors": selectors.error_statistics(year),
        },
    )


# -- error reports ----------------------------------------------------------------------------------


def _render_error(request, form, status=200):
    return _no_store(
        render(
            request,
            "interaction/public/error_report.html",
            {"form": form, "nav": "error", "captcha_refresh_url": _captcha_refresh_url()},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def error_report(request):
    if request.method != "POST":
        initial = {
            "url": (request.GET.get("url") or request.META.get("HTTP_REFERER") or "")[:500],
            "selected_text": (request.GET.get("text") or "")[:500],
        }
        return _render_error(request, ErrorReportForm(initial=initial))
    if request.POST.get("refresh_captcha"):
        return _render_error(request, ErrorReportForm(initial=_kept(request)))
    wait = ratelimits.consume(request, "post") or ratelimits.limited(request, "error")
    if wait:
        return ratelimits.too_many_requests(request, wait)
    form = ErrorReportForm(request.POST)
    if not form.is_valid():
        return _render_error(request, form)
    try:
        report = error_services.error_report_submit(
            **{
                k: form.cleaned_data[k]
                for k in ("kind", "url", "description", "selected_text", "contact")
            }
        )
    except ValidationFailed as exc:
        _field_errors(form, exc)
        return _render_error(request, form)
    ratelimits.consume(request, "error")
    return _no_store(
        render(request, "interaction/public/error_done.html", {"nav": "error", "report": report})
    )


# -- consultations ----------------------------------------------------------------------------------


@require_GET
def consultations(request):
    return render(
        request,
        "interaction/public/consultations.html",
        {
            "nav": "consultations",
            "open": selectors.consultations("open"),
            "closed": selectors.consultations("closed"),
        },
    )


@require_http_methods(["GET", "POST"])
def consultation(request, pk: int):
    c = selectors.consultation(pk)
    if c is None:
        raise Http404("意见征集不存在")
    model = Consultation.objects.get(pk=pk)
    accepting = consultation_services.accepting(model)
    form = CommentForm(request.POST or None, clauses=c.clauses) if accepting else None
    sent = request.GET.get("sent") == "1"
    if request.method == "POST":
        if not accepting:
            raise Http404("不在征集期内")
        wait = ratelimits.consume(request, "post") or ratelimits.limited(request, "comment")
        if wait:
            return ratelimits.too_many_requests(request, wait)
        if form.is_valid():
            clause_pk = form.cleaned_data.get("clause")
            clause = (
                Clause.objects.filter(pk=clause_pk, consultation=model).first()
                if clause_pk
                else None
            )
            try:
                consultation_services.comment_submit(
                    consultation=model,
                    clause=clause,
                    text=form.cleaned_data["text"],
                    contact=form.cleaned_data.get("contact", ""),
                    ip_hash=ratelimits.client_hash(request),
                )
                ratelimits.consume(request, "comment")
                return redirect(reverse("interaction:consultation", args=[pk]) + "?sent=1#comment")
            except ValidationFailed as exc:
                _field_errors(form, exc)
    by_clause: dict = {}
    for cm in c.comments:
        by_clause.setdefault(cm.clause, []).append(cm)
    response = render(
        request,
        "interaction/public/consultation.html",
        {
            "nav": "consultations",
            "c": c,
            "form": form,
            "sent": sent,
            "accepting": accepting,
            "general": by_clause.get(None, []),
            "clauses": [(pk_, n, t, by_clause.get(n, [])) for pk_, n, t in c.clauses],
            "captcha_refresh_url": _captcha_refresh_url(),
        },
    )
    return _no_store(response) if form is not None else response


@require_GET
def consultation_attachment(request, pk: int, attachment_id: int):
    a = (
        ConsultationAttachment.objects.filter(pk=attachment_id, consultation_id=pk)
        .exclude(consultation__status="draft")
        .first()
    )
    if a is None:
        raise Http404()
    return download_response(a.file, filename=a.name)


# -- feeds ----------------------------------------------------------------------------------------


class MessagesFeed(Feed):
    title = "网民留言答复"
    description = "已答复并公开的网民留言"

    def link(self):
        return reverse("interaction:message_list")

    def items(self):
        return [selectors.public_message(m) for m in selectors.message_page()[:30]]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"【{item.kind}】{item.content}\n答复部门：{item.reply_unit}\n答复：{item.reply}"

    def item_link(self, item):
        return reverse("interaction:message_detail", args=[item.pk])

    def item_pubdate(self, item):
        day = item.replied_date or item.received_date
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class ConsultationsFeed(Feed):
    title = "意见征集"
    description = "政策文件草案公开征求意见"

    def link(self):
        return reverse("interaction:consultations")

    def items(self):
        return selectors.consultations()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.unit}；征集时间：{item.start_date}至{item.end_date}；{item.status_label}"

    def item_link(self, item):
        return reverse("interaction:consultation", args=[item.pk])

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item.start_date, dt.time(9)))
