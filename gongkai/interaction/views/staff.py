"""Workbench pages of 互动交流 (mounted at /workbench/interaction/, namespace
``interaction_staff``). The /workbench/ gate (orgs middleware) admits staff only; what each user
may see is decided by `selectors.staff`, what they may do by the services.

    message_list / message_detail / message_action (POST, one per service) / message_attachment
    error_list / error_register / error_detail / error_action (POST)
    consultation_list / consultation_create / consultation_detail / consultation_action (POST)
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.catalog.models import Item
from gongkai.core.downloads import download_response
from gongkai.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for
from gongkai.plans import selectors as plan_selectors

from ..deadlines import message_due
from ..models import (
    Adoption,
    AssignmentStatus,
    Comment,
    CommentStatus,
    ErrorKind,
    ErrorSource,
    ErrorStatus,
    MessageStatus,
    Redirect,
    Reply,
    ReplyStatus,
)
from ..selectors import public as public_selectors
from ..selectors import staff as sel
from ..services import consultations as cs
from ..services import errors as es
from ..services import messages as ms


def _error(request, exc: ValidationFailed) -> None:
    fields = (exc.extra or {}).get("fields") or {}
    for message in fields.values() or [exc.message]:
        flash.error(request, message)
    if not fields:
        flash.error(request, exc.message)


# -- messages -----------------------------------------------------------------------------------


@service_errors
@require_GET
def message_list(request):
    if not has_perm(request.user, Action.VIEW):
        raise PermissionDenied()
    status = request.GET.get("status", "")
    status = status if status in MessageStatus.values else ""
    q = (request.GET.get("q") or "")[:100]
    rows = sel.message_list(user=request.user, status=status, q=q)
    state = request.GET.get("state")
    long = state == "long"
    extension = state == "extension"
    if long:  # the home page's warning: open and received long ago
        rows = rows.filter(
            pk__in=sel.messages_unanswered_long(user=request.user, day=timezone.localdate())
        )
    elif extension:  # the home page's group: extensions waiting for the 公开办
        rows = rows.filter(pk__in=sel.extension_requests(user=request.user))
    page = paginate(request, rows)
    return render(
        request,
        "interaction/staff/message_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": MessageStatus.choices,
            "long": long,
            "extension": extension,
            "warn_days": sel.warn_unanswered_days(),
        },
    )


def _detail_context(request, m) -> dict:
    user = request.user
    assignments = list(m.assignments.select_related("unit"))
    mine = [a for a in assignments if has_perm(user, Action.EDIT, a.unit)]
    pending_reply = (
        m.replies.filter(status=ReplyStatus.PENDING).select_related("unit", "drafted_by").first()
    )
    coordinate = has_perm(user, Action.COORDINATE)
    open_ = m.status in ms.OPEN_STATUSES
    return {
        "m": m,
        "assignments": assignments,
        "to_accept": [a for a in mine if a.status == AssignmentStatus.PENDING and open_],
        "can_draft": [a for a in mine if a.status == AssignmentStatus.ACCEPTED]
        if m.status == MessageStatus.PROCESSING
        else [],
        "pending_reply": pending_reply,
        "can_approve": bool(
            pending_reply
            and pending_reply.unit_id
            and has_perm(user, Action.APPROVE, pending_reply.unit)
            and pending_reply.drafted_by_id != user.pk
        ),
        "can_coordinate": coordinate and open_,
        "units": Unit.objects.filter(is_active=True).order_by("pk") if coordinate else [],
        "redirects": Redirect.choices,
        "replies": m.replies.select_related("unit", "drafted_by", "reviewed_by"),
        "events": m.events.select_related("actor"),
        "due_steps": message_due(
            m.received_date if not m.follow_up_at else timezone.localdate(m.follow_up_at),
            m.kind,
            extension=m.extension_workdays,
        ).steps
        if m.due_date
        else [],
    }


@service_errors
@require_GET
def message_detail(request, pk: int):
    m = sel.message_get(user=request.user, pk=pk)
    return render(request, "interaction/staff/message_detail.html", _detail_context(request, m))


def _unit_from(request, field="unit") -> Unit:
    value = request.POST.get(field, "")
    unit = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if unit is None:
        raise ValidationFailed("请选择单位")
    return unit


@service_errors
@require_POST
def message_action(request, pk: int, action: str):
    m = sel.message_get(user=request.user, pk=pk)
    user, post = request.user, request.POST
    try:
        if action == "route":
            ids = [int(v) for v in post.getlist("units") if v.isdigit()]
            ms.message_route(
                actor=user,
                message=m,
                units=list(Unit.objects.filter(pk__in=ids)),
                note=post.get("note", ""),
            )
            flash.success(request, "已分办")
        elif action == "accept":
            ms.message_accept(actor=user, message=m, unit=_unit_from(request))
            flash.success(request, "已签收")
        elif action == "send_back":
            ms.message_send_back(
                actor=user, message=m, unit=_unit_from(request), reason=post.get("reason", "")
            )
            flash.success(request, "已退回公开办")
        elif action == "draft":
            ms.reply_draft(
                actor=user, message=m, unit=_unit_from(request), text=post.get("text", "")
            )
            flash.success(request, "答复已提交审核")
        elif action in ("approve", "return"):
            reply = Reply.objects.filter(pk=int(post.get("reply", "0") or 0), message=m).first()
            if reply is None:
                raise NotFound()
            if action == "approve":
                ms.reply_approve(actor=user, reply=reply)
                flash.success(request, "答复已审核通过并发送给网民")
            else:
                ms.reply_return(actor=user, reply=reply, reason=post.get("reason", ""))
                flash.success(request, "答复已退回修改")
        elif action == "answer":
            ms.message_answer_directly(actor=user, message=m, text=post.get("text", ""))
            flash.success(request, "已直接答复")
        elif action == "extend":
            if post.get("approve_request"):
                ms.message_extend(actor=user, message=m)
            else:
                ms.message_extend(
                    actor=user,
                    message=m,
                    workdays=post.get("workdays"),
                    reason=post.get("reason", ""),
                )
            flash.success(request, "已批准延期")
        elif action == "extension_request":
            ms.message_extension_request(
                actor=user,
                message=m,
                unit=_unit_from(request),
                workdays=post.get("workdays"),
                reason=post.get("reason", ""),
            )
            flash.success(request, "延期申请已提交公开办审批")
        elif action == "extension_refuse":
            ms.message_extension_refuse(actor=user, message=m, reason=post.get("reason", ""))
            flash.success(request, "已退回延期申请")
        elif action == "redirect":
            ms.message_redirect(
                actor=user, message=m, target=post.get("target", ""), reason=post.get("reason", "")
            )
            flash.success(request, "已转其他渠道办理")
        else:
            raise NotFound()
    except ValidationFailed as exc:
        _error(request, exc)
    return redirect("interaction_staff:message_detail", pk=m.pk)


@service_errors
@require_GET
def message_attachment(request, pk: int, attachment_id: int):
    m = sel.message_get(user=request.user, pk=pk)
    a = m.attachments.filter(pk=attachment_id).first()
    if a is None:
        raise NotFound()
    return download_response(a.file, filename=a.name)


# -- error reports --------------------------------------------------------------------------------


@service_errors
@require_GET
def error_list(request):
    if not has_perm(request.user, Action.VIEW):
        raise PermissionDenied()
    status = request.GET.get("status", "")
    status = status if status in ErrorStatus.values else ""
    page = paginate(request, sel.error_list(user=request.user, status=status))
    year = timezone.localdate().year
    return render(
        request,
        "interaction/staff/error_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ErrorStatus.choices,
            "can_register": has_perm(request.user, Action.COORDINATE),
            "stats": public_selectors.error_statistics(year),
            "year": year,
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def error_register(request):
    if not has_perm(request.user, Action.COORDINATE):
        raise PermissionDenied()
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            received = (
                dt.date.fromisoformat(values.get("received_date"))
                if values.get("received_date")
                else None
            )
            due = dt.date.fromisoformat(values.get("due_date")) if values.get("due_date") else None
        except ValueError:
            flash.error(request, "日期格式不正确，请使用 YYYY-MM-DD")
        else:
            try:
                r = es.error_report_register(
                    actor=request.user,
                    source=values.get("source", ""),
                    reference_number=values.get("reference_number", ""),
                    kind=values.get("kind", ""),
                    url=values.get("url", ""),
                    description=values.get("description", ""),
                    received_date=received,
                    due_date=due,
                )
                flash.success(request, "已登记")
                return redirect("interaction_staff:error_detail", pk=r.pk)
            except ValidationFailed as exc:
                _error(request, exc)
    return render(
        request,
        "interaction/staff/error_register.html",
        {
            "values": values,
            "kinds": ErrorKind.choices,
            "sources": [c for c in ErrorSource.choices if c[0] != ErrorSource.PORTAL],
        },
    )


@service_errors
@require_GET
def error_detail(request, pk: int):
    r = sel.error_get(user=request.user, pk=pk)
    may_resolve = (
        has_perm(request.user, Action.EDIT, r.unit)
        if r.unit_id
        else has_perm(request.user, Action.COORDINATE)
    )
    return render(
        request,
        "interaction/staff/error_detail.html",
        {
            "r": r,
            "may_resolve": may_resolve and r.status == ErrorStatus.OPEN,
            "may_close": has_perm(request.user, Action.COORDINATE)
            and r.status in (ErrorStatus.FIXED, ErrorStatus.ANSWERED),
            "may_reassign": has_perm(request.user, Action.COORDINATE)
            and r.status == ErrorStatus.OPEN,
            "units": Unit.objects.filter(is_active=True).order_by("pk"),
        },
    )


@service_errors
@require_POST
def error_action(request, pk: int, action: str):
    r = sel.error_get(user=request.user, pk=pk)
    try:
        if action == "resolve":
            es.error_report_resolve(
                actor=request.user,
                report=r,
                outcome=request.POST.get("outcome", ""),
                answer=request.POST.get("answer", ""),
            )
        elif action == "close":
            es.error_report_close(actor=request.user, report=r)
        elif action == "reassign":
            value = request.POST.get("unit", "")
            unit = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
            es.error_report_reassign(actor=request.user, report=r, unit=unit)
        else:
            raise NotFound()
        flash.success(request, "已保存")
    except ValidationFailed as exc:
        _error(request, exc)
    return redirect("interaction_staff:error_detail", pk=r.pk)


# -- consultations ----------------------------------------------------------------------------------


@service_errors
@require_GET
def consultation_list(request):
    if not has_perm(request.user, Action.VIEW):
        raise PermissionDenied()
    return render(
        request,
        "interaction/staff/consultation_list.html",
        {
            "rows": sel.consultation_list(user=request.user),
            "can_create": has_perm(request.user, Action.EDIT),
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    units = units_for(request.user, Action.EDIT).filter(is_active=True).order_by("pk")
    if not units.exists():
        raise PermissionDenied()
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            start = dt.date.fromisoformat(values.get("start_date", ""))
            end = dt.date.fromisoformat(values.get("end_date", ""))
        except ValueError:
            flash.error(request, "请按 YYYY-MM-DD 填写开始和截止日期")
        else:
            task_id = values.get("task") or ""
            task = (
                plan_selectors.task_list(user=request.user).filter(pk=int(task_id)).first()
                if task_id.isdigit()
                else None
            )
            unit = units.filter(
                pk=int(values.get("unit") or 0) if (values.get("unit") or "").isdigit() else 0
            ).first()
            try:
                if unit is None:
                    raise ValidationFailed("请选择起草单位")
                c = cs.consultation_create(
                    actor=request.user,
                    unit=unit,
                    title=values.get("title", ""),
                    explanation=values.get("explanation", ""),
                    clauses_text=values.get("clauses_text", ""),
                    start_date=start,
                    end_date=end,
                    short_reason=values.get("short_reason", ""),
                    files=request.FILES.getlist("attachments"),
                    task=task,
                )
                flash.success(request, "已保存为草稿，请由单位审核人发布")
                return redirect("interaction_staff:consultation_detail", pk=c.pk)
            except ValidationFailed as exc:
                _error(request, exc)
    today = timezone.localdate()
    return render(
        request,
        "interaction/staff/consultation_create.html",
        {
            "values": values,
            "units": units,
            "tasks": plan_selectors.task_list(user=request.user, status="open")
            .filter(unit__in=units)
            .order_by("due_date")[:200],
            "default_start": today,
            "default_end": today + dt.timedelta(days=29),
        },
    )


@service_errors
@require_GET
def consultation_detail(request, pk: int):
    c = sel.consultation_get(user=request.user, pk=pk)
    return render(
        request,
        "interaction/staff/consultation_detail.html",
        {
            "c": c,
            "comments": c.comments.select_related("clause"),
            "may_edit": has_perm(request.user, Action.EDIT, c.unit),
            "may_approve": has_perm(request.user, Action.APPROVE, c.unit),
            "adoptions": Adoption.choices,
            "pending": CommentStatus.PENDING,
            "approved": CommentStatus.APPROVED,
        },
    )


@service_errors
@require_POST
def consultation_action(request, pk: int, action: str):
    c = sel.consultation_get(user=request.user, pk=pk)
    post = request.POST
    try:
        if action == "publish":
            cs.consultation_publish(actor=request.user, consultation=c)
        elif action in ("approve_comment", "reject_comment", "adopt"):
            comment = Comment.objects.filter(
                pk=int(post.get("comment", "0") or 0), consultation=c
            ).first()
            if comment is None:
                raise NotFound()
            if action == "adopt":
                cs.comment_adopt(
                    actor=request.user,
                    comment=comment,
                    adoption=post.get("adoption", ""),
                    reason=post.get("reason", ""),
                )
            else:
                cs.comment_moderate(
                    actor=request.user,
                    comment=comment,
                    approve=action == "approve_comment",
                    reason=post.get("reason", ""),
                    public_text=post.get("public_text", ""),
                )
        elif action == "feedback":
            item_id = (post.get("final_item") or "").strip()
            final_item = None
            if item_id:
                final_item = Item.objects.filter(
                    pk=int(item_id) if item_id.isdigit() else 0
                ).first()
                if final_item is None:
                    raise ValidationFailed("找不到该编号的信息，请核对正式文件的信息编号")
            cs.consultation_feedback(
                actor=request.user,
                consultation=c,
                summary=post.get("summary", ""),
                final_item=final_item,
            )
        else:
            raise NotFound()
        flash.success(request, "已保存")
    except ValidationFailed as exc:
        _error(request, exc)
    return redirect(reverse("interaction_staff:consultation_detail", args=[c.pk]))
