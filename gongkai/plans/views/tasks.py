"""The ledger pages: a unit's task list, the task page with its forms, attachment downloads,
event registration, and the XLSX export and progress import.

Every task is fetched through `selectors.task_get` / `task_list`, which only see the units the
user may view, so another unit's task is a 404 on every URL here; what the user may *do* with a
visible task is decided by the services (a refused action is a 403)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.downloads import download_response
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.core.workdays import CalendarNotCovered, format_date
from gongkai.orgs.permissions import Action, has_perm, units_for

from .. import selectors
from ..forms.tasks import (
    AcceptForm,
    EventForm,
    ProgressForm,
    ProgressImportForm,
    ReturnForm,
    ReviewApproveForm,
    ReviewReturnForm,
    TaskFilterForm,
)
from ..ledger_xlsx import ledger_export
from ..models import EDITABLE_STATUSES, RuleKind, TaskStatus
from ..services import ledger as ledger_services
from ..services import tasks as task_services
from ..services.progress_import import progress_import

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_LABELS = {"lead": gettext_lazy("牵头"), "cooperating": gettext_lazy("配合")}


# ---------------------------------------------------------------------------------------------
# The list and the export share the filters.


def _filter_form(request) -> TaskFilterForm:
    user = request.user
    units = units_for(user, Action.VIEW).filter(is_active=True)
    data = request.GET.copy()
    data.pop("page", None)
    if not data and not has_perm(user, Action.VIEW_DASHBOARD):
        # A unit's liaison lands on their own unit's open tasks.
        data["status"] = "open"
        own = list(units.values_list("pk", flat=True)[:2])
        if len(own) == 1:
            data["unit"] = str(own[0])
    return TaskFilterForm(data, plans=selectors.plan_list(user=user), units=units)


def _query(params: dict, **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


def _badges(form: TaskFilterForm, filters: dict, counts: dict) -> list[dict]:
    params = {k: form.data.get(k, "") for k in ("plan", "unit", "month", "q")}
    current = (filters["status"], filters["state"])
    entries = [
        ("", "", _("全部"), counts["all"]),
        ("open", "", _("待办"), counts["open"]),
        *((s.value, "", s.label, counts[s.value]) for s in TaskStatus),
        ("", "due_soon", _("即将到期"), counts["due_soon"]),
        ("", "overdue", _("已逾期"), counts["overdue"]),
        ("", "completed_late", _("逾期完成"), counts["completed_late"]),
    ]
    return [
        {
            "label": label,
            "count": count,
            "query": _query(params, status=status, state=state) or "status=",
            "current": (status, state) == current,
            "kind": state or status or "all",
        }
        for status, state, label, count in entries
    ]


def _annotate(tasks, day) -> None:
    """Attach the computed state and the unit's role on the item, for display."""
    roles = selectors.task_unit_roles(tasks=tasks)
    for task in tasks:
        task.row_state = selectors.task_state(task, day)
        task.row_state_label = selectors.STATE_LABELS.get(task.row_state, "")
        task.row_role = ROLE_LABELS.get(roles.get((task.item_id, task.unit_id), ""), "")


@service_errors
@require_GET
def task_list(request):
    form = _filter_form(request)
    filters = form.filters()
    base = {k: v for k, v in filters.items() if k not in ("status", "state")}
    counts = selectors.task_counts(selectors.task_list(user=request.user, **base))
    page = paginate(request, selectors.task_list(user=request.user, **filters), per_page=50)
    day = selectors.today()
    page.object_list = list(page.object_list)
    _annotate(page.object_list, day)
    query = form.data.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/tasks/list.html",
        {
            "form": form,
            "page": page,
            "badges": _badges(form, filters, counts),
            "query": query.urlencode(),
            "today": day,
            "can_submit": has_perm(request.user, Action.SUBMIT),
        },
    )


def _export_title(form: TaskFilterForm, filters: dict) -> str:
    data = getattr(form, "cleaned_data", {})
    plan = data.get("plan") if filters["plan_id"] else None
    unit = data.get("unit") if filters["unit_id"] else None
    title = _("%(plan)s 任务台账") % {"plan": plan.title} if plan else _("工作任务台账")
    return f"{title}（{unit.name}）" if unit else title


@service_errors
@require_GET
def task_export(request):
    form = _filter_form(request)
    filters = form.filters()
    tasks = list(selectors.task_list(user=request.user, **filters).select_related("item"))
    day = selectors.today()
    content = ledger_export(
        tasks=tasks,
        roles=selectors.task_unit_roles(tasks=tasks),
        title=_export_title(form, filters),
        day=day,
    )
    return download_response(
        content, filename=f"任务台账-{format_date(day)}.xlsx", content_type=XLSX_MIME
    )


# ---------------------------------------------------------------------------------------------
# The task page and its forms.


def _detail(request, task, *, status: int = 200, **bound_forms):
    user = request.user
    initial = {"version": task.version}
    can_report = task.status in EDITABLE_STATUSES and has_perm(user, Action.SUBMIT, task.unit)
    can_review = task.status == TaskStatus.REVIEWING and has_perm(user, Action.APPROVE, task.unit)
    can_decide = task.status == TaskStatus.SUBMITTED and has_perm(
        user, Action.COORDINATE, task.unit
    )
    late = selectors.submission_is_late(task)
    submit_initial = {**initial, "late_reason": task.late_reason}
    forms = {
        "progress_form": ProgressForm(prefix="progress", initial=initial) if can_report else None,
        "submit_form": ProgressForm(prefix="submit", initial=submit_initial, submit=True, late=late)
        if can_report
        else None,
        "review_approve_form": ReviewApproveForm(prefix="review_approve", initial=initial)
        if can_review
        else None,
        "review_return_form": ReviewReturnForm(prefix="review_return", initial=initial)
        if can_review
        else None,
        "accept_form": AcceptForm(prefix="accept", initial=initial) if can_decide else None,
        "return_form": ReturnForm(prefix="return", initial=initial) if can_decide else None,
    }
    forms.update(bound_forms)
    rule = task.rule
    state = selectors.task_state(task)
    can_event = bool(
        rule and rule.kind == RuleKind.EVENT and has_perm(user, Action.SUBMIT, task.unit)
    )
    context = {
        "task": task,
        "item": task.item,
        "plan": task.item.plan,
        "rule": rule,
        "state": state,
        "state_label": selectors.STATE_LABELS.get(state, ""),
        "peers": [
            {"unit": p.unit, "role": p.get_role_display(), "is_self": p.unit_id == task.unit_id}
            for p in selectors.task_peers(task=task)
        ],
        "entries": task.entries.all(),
        "can_event": can_event,
        "late": late,
        **forms,
    }
    return render(request, "plans/tasks/detail.html", context, status=status)


@service_errors
@require_GET
def task_detail(request, task_id: int):
    return _detail(request, selectors.task_get(user=request.user, task_id=task_id))


def _report(request, task_id: int, *, submit: bool):
    task = selectors.task_get(user=request.user, task_id=task_id)
    prefix = "submit" if submit else "progress"
    late = submit and selectors.submission_is_late(task)
    form = ProgressForm(request.POST, request.FILES, prefix=prefix, submit=submit, late=late)
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "task": task,
            "text": data["text"],
            "files": data["attachments"],
            "links": data["links"],
            "expected_version": data["version"],
        }
        try:
            if submit:
                task = task_services.task_submit(**common, late_reason=data.get("late_reason", ""))
            else:
                task = task_services.task_report_progress(**common)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            if not submit:
                message = _("进展已保存")
            elif task.status == TaskStatus.REVIEWING:
                message = _("已报送，等待本单位审核人审核")
            else:
                message = _("已报送，等待公开办验收")
            messages.success(request, message)
            return redirect("plans:task_detail", task_id=task.pk)
    elif not has_perm(request.user, Action.SUBMIT, task.unit):
        raise PermissionDenied()
    return _detail(request, task, status=400, **{f"{prefix}_form": form})


@service_errors
@require_POST
def task_progress(request, task_id: int):
    return _report(request, task_id, submit=False)


@service_errors
@require_POST
def task_submit(request, task_id: int):
    return _report(request, task_id, submit=True)


#: The four decisions on a reported task, each: the form (its prefix is the key), the name of
#: the service, the field carrying the comment or reason (the same name in form and service),
#: the permission whose absence turns an invalid form into a 403, the success message. The reviewer's sign-off
#: (单位审核) passes the task on to the coordinator or returns it to the liaison; the
#: coordinator's acceptance (验收) completes it or returns it to the unit.
_DECISIONS = {
    "review_approve": (
        ReviewApproveForm,
        "task_review_approve",
        "comment",
        Action.APPROVE,
        gettext_lazy("审核通过，已报送公开办验收"),
    ),
    "review_return": (
        ReviewReturnForm,
        "task_review_return",
        "reason",
        Action.APPROVE,
        gettext_lazy("已退回，并已通知本单位联络员"),
    ),
    "accept": (
        AcceptForm,
        "task_accept",
        "comment",
        Action.COORDINATE,
        gettext_lazy("已验收通过"),
    ),
    "return": (
        ReturnForm,
        "task_return",
        "reason",
        Action.COORDINATE,
        gettext_lazy("已退回，并已通知责任单位"),
    ),
}


def _decide(request, task_id: int, decision: str):
    form_class, service, text_field, action, success = _DECISIONS[decision]
    service = getattr(task_services, service)
    task = selectors.task_get(user=request.user, task_id=task_id)
    form = form_class(request.POST, prefix=decision)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service(
                actor=request.user,
                task=task,
                expected_version=data["version"],
                **{text_field: data[text_field]},
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect("plans:task_detail", task_id=task.pk)
    elif not has_perm(request.user, action, task.unit):
        raise PermissionDenied()
    return _detail(request, task, status=400, **{f"{decision}_form": form})


@service_errors
@require_POST
def task_review_approve(request, task_id: int):
    return _decide(request, task_id, "review_approve")


@service_errors
@require_POST
def task_review_return(request, task_id: int):
    return _decide(request, task_id, "review_return")


@service_errors
@require_POST
def task_accept(request, task_id: int):
    return _decide(request, task_id, "accept")


@service_errors
@require_POST
def task_return(request, task_id: int):
    return _decide(request, task_id, "return")


@service_errors
@require_GET
def task_attachment(request, task_id: int, attachment_id: int):
    task = selectors.task_get(user=request.user, task_id=task_id)
    attachment = next((a for a in task.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    return download_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type or None,
    )


# ---------------------------------------------------------------------------------------------
# Events that trigger a task (e.g. 文件废止之日起10个工作日内完成标注).


@service_errors
@require_GET
def event_rule_list(request):
    if not has_perm(request.user, Action.SUBMIT):
        raise PermissionDenied()
    rules = list(selectors.event_rule_list(user=request.user))
    return render(request, "plans/tasks/event_list.html", {"rules": rules})


@service_errors
@require_http_methods(["GET", "POST"])
def task_event(request, rule_id: int):
    rule = selectors.event_rule_get(user=request.user, rule_id=rule_id)
    units = selectors.event_rule_units(user=request.user, rule=rule)
    form = EventForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = ledger_services.task_create_for_event(
                actor=request.user,
                rule=rule,
                unit=data["unit"],
                event_date=data["event_date"],
                note=data["note"],
            )
        except (ValidationFailed, CalendarNotCovered) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("事件已登记，已生成任务，完成时限为%(date)s")
                % {"date": format_date(task.due_date)},
            )
            return redirect("plans:task_detail", task_id=task.pk)
    recent = selectors.task_list(user=request.user).filter(rule=rule).order_by("-period_start")[:20]
    return render(
        request,
        "plans/tasks/event_form.html",
        {"rule": rule, "item": rule.item, "form": form, "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------------------------
# XLSX progress import.


@service_errors
@require_http_methods(["GET", "POST"])
def task_import(request):
    if not has_perm(request.user, Action.SUBMIT):
        raise PermissionDenied()
    posted = request.method == "POST"
    form = ProgressImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = progress_import(
                    actor=request.user, data=upload.data, file_name=upload.name
                )
            except ValidationFailed as exc:
                form.add_error("file", exc.message)
            else:
                if result.applied:
                    status = 200
                    messages.success(
                        request, _("已导入 %(n)d 条任务的进展") % {"n": result.updated}
                    )
                    form = ProgressImportForm()
                elif not result.errors:
                    status = 200
    return render(
        request, "plans/tasks/import.html", {"form": form, "result": result}, status=status
    )
