"""Staff pages for applications (/workbench/foi/, namespace `foi`): the queue, staff entry, the
application page with its timeline, its clock explained step by step and the action forms, and
the audited display of the full identity number.

Every application is fetched through `selectors.application_get`, which sees only what the user
may see, so another unit's application is a 404 on every URL here; what the user may *do* is
decided by the services (a refused action is a 403).

The reply panel (`views.panel.reply_panel_context`, template `foi/replies/_panel.html`) is part
of the page. Other modules add sections with
`register_detail_section(template, context=None)`: `context(request, app) -> dict` is merged
into the page context (`app`, `clock`, `can_handle`, …) before the template is included.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm

from .. import crypto, selectors, similarity, transitions
from ..forms.staff import (
    AssignForm,
    CloseForm,
    ConfirmReceiptForm,
    DelayForm,
    EndConsultationForm,
    ExpireCorrectionForm,
    ExtendForm,
    ReceiveCorrectionForm,
    RequestCorrectionForm,
    StaffApplicationForm,
    StartConsultationForm,
)
from ..models import Event
from ..services import application_register
from ..services import handling as h
from .panel import reply_panel_context

DETAIL_SECTIONS: list[tuple[str, object]] = []


def register_detail_section(template_name: str, context=None) -> None:
    """Add a template to the application page (below the built-in action forms)."""
    if all(name != template_name for name, _ in DETAIL_SECTIONS):
        DETAIL_SECTIONS.append((template_name, context))


def _sections(request, app) -> tuple[list[str], dict]:
    names, extra = [], {}
    for name, context in DETAIL_SECTIONS:
        names.append(name)
        if context is not None:
            extra.update(context(request, app))
    return names, extra


# -- the queue -----------------------------------------------------------------------------------


@service_errors
@require_GET
def queue(request):
    if not has_perm(request.user, Action.VIEW):
        raise PermissionDenied()
    current = request.GET.get("filter", "")
    q = request.GET.get("q", "")[:100]
    # ?unit=3&unit=5: only those units' applications (the home page's links for one role)
    scope = _queue_units(request)
    rows, counts = selectors.application_queue(
        user=request.user,
        filter=current,
        q=q,
        unit_ids=[u.pk for u in scope] if scope else None,
    )
    page = paginate(request, rows, per_page=50)
    page.object_list = list(page.object_list)
    flags = similarity.repeat_flags(page.object_list)
    for app in page.object_list:
        app.masked_id = crypto.mask_id(app.id_number_tail)
        app.repeat_matches = flags.get(app.pk, [])
    units = [("unit", u.pk) for u in scope]

    def query(filter: str, *scope) -> str:
        return urlencode([(k, v) for k, v in [("filter", filter), ("q", q), *scope] if v])

    # the personal filters only for those who handle or approve in some unit
    hidden = {"mine": not has_perm(request.user, Action.EDIT)}
    hidden["approve"] = not has_perm(request.user, Action.APPROVE)
    badges = [
        {
            "key": key or "all",
            "label": label,
            "count": counts[key],
            "query": query(key, *units) or "filter=",
            "current": key == (current if current in selectors.QUEUE_FILTERS else ""),
        }
        for key, label in selectors.QUEUE_FILTERS.items()
        if not hidden.get(key) or key == current
    ]
    return render(
        request,
        "foi/staff/queue.html",
        {
            "page": page,
            "badges": badges,
            "q": q,
            "current": current,
            "scope": scope,
            "all_units_query": query(current) or "filter=",
            "query": query(current, *units),
            "today": selectors.today(),
            "can_create": has_perm(request.user, Action.COORDINATE),
        },
    )


def _queue_units(request) -> list[Unit]:
    """The units named by `?unit=` (unknown ids and bad values are dropped)."""
    ids = [int(v) for v in request.GET.getlist("unit")[:20] if v.isdigit()]
    return list(Unit.objects.filter(pk__in=ids).order_by("sort_order", "pk")) if ids else []


# -- staff entry ---------------------------------------------------------------------------------


@service_errors
@require_http_methods(["GET", "POST"])
def application_create(request):
    if not has_perm(request.user, Action.COORDINATE):
        raise PermissionDenied()
    if request.method == "POST":
        form = StaffApplicationForm(request.POST)
        if form.is_valid():
            try:
                app = application_register(
                    actor=request.user,
                    normalized_text=similarity.normalize(
                        form.cleaned_data.get("description") or ""
                    ),
                    **form.service_kwargs(),
                )
            except ValidationFailed as exc:
                fields = exc.extra.get("fields") or {}
                for name, message in fields.items():
                    form.add_error(name if name in form.fields else None, message)
                if not fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, f"申请已登记，查询码 {app.tracking_code}")
                return redirect("foi:application_detail", application_id=app.pk)
        return render(request, "foi/staff/create.html", {"form": form}, status=400)
    return render(request, "foi/staff/create.html", {"form": StaffApplicationForm()})


# -- the application page ------------------------------------------------------------------------

#: action → (form class, label of the submit button, css class)
ACTION_FORMS = {
    "confirm_receipt": ConfirmReceiptForm,
    "assign": AssignForm,
    "request_correction": RequestCorrectionForm,
    "receive_correction": ReceiveCorrectionForm,
    "expire_correction": ExpireCorrectionForm,
    "start_consultation": StartConsultationForm,
    "end_consultation": EndConsultationForm,
    "extend": ExtendForm,
    "delay": DelayForm,
    "close": CloseForm,
}


def _assign_units(user, app):
    if has_perm(user, Action.COORDINATE):
        return Unit.objects.filter(is_active=True)
    if app.unit_id:
        return Unit.objects.filter(pk=app.unit_id, is_active=True)
    return Unit.objects.none()


def _make_form(action: str, request, app, data=None):
    cls = ACTION_FORMS[action]
    kwargs = {"prefix": action, "initial": {"version": app.version}}
    if action == "assign":
        kwargs["units"] = _assign_units(request.user, app)
        if app.unit_id:
            kwargs["initial"].update(unit=app.unit_id, handler=app.handler_id)
    if action == "end_consultation":
        kwargs["consultations"] = h.open_consultations(app)
    if action == "confirm_receipt":
        kwargs["initial"]["confirmed_on"] = selectors.today()
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


def _offered(action: str, user, app) -> bool:
    """Whether the page offers `action` now (the service checks again)."""
    if not transitions.can(app, action):
        return False
    if not h.can_handle(user, app):
        return False
    if action == "assign":
        return app.received_date is not None
    if action == "confirm_receipt":
        return app.received_date is None
    if (
        action in ("request_correction", "start_consultation", "extend", "delay")
        and app.received_date is None
    ):
        return False
    kinds = set(app.events.values_list("kind", flat=True))
    if action == "request_correction":
        return Event.Kind.CORRECTION_REQUESTED not in kinds
    if action == "extend":
        return Event.Kind.EXTENDED not in kinds
    if action == "end_consultation":
        return bool(h.open_consultations(app))
    return True


def _event_lines(event) -> list[str]:
    d = event.data or {}
    k = Event.Kind
    lines: list[str] = []
    if event.kind == k.CORRECTION_REQUESTED:
        lines += [f"需要补正的事项：{d.get('items', '')}", f"补正期限：{d.get('deadline', '')}"]
    elif event.kind == k.CORRECTION_RECEIVED:
        if d.get("channel") == "online":
            lines.append("申请人通过网上提交补正")
        if d.get("after_deadline"):
            lines.append("（收到时已超过补正期限）")
        if d.get("text"):
            lines.append(f"补正内容：{d['text']}")
        if d.get("previous_description"):
            lines.append(f"原内容描述：{d['previous_description']}")
    elif event.kind == k.CONSULTATION_STARTED:
        lines.append(f"征求对象：{h.PARTY_LABELS.get(d.get('party'), '')} {d.get('name', '')}")
        if d.get("answer_by"):
            lines.append(f"第三方答复期限：{d['answer_by']}")
    elif event.kind == k.CONSULTATION_ENDED and d.get("outcome"):
        lines.append(f"意见情况：{d['outcome']}")
    elif event.kind == k.EXTENDED:
        lines.append(f"延长{d.get('workdays')}个工作日，经负责人 {d.get('approver', '')} 同意")
        if d.get("reason"):
            lines.append(f"理由：{d['reason']}")
    elif event.kind == k.DELAYED:
        lines += [f"延迟答复期限：{d.get('until', '')}", f"理由：{d.get('reason', '')}"]
    elif event.kind == k.ASSIGNED and d.get("unit_name"):
        lines.append(f"办理单位：{d['unit_name']}")
    if event.note:
        lines.append(event.note)
    return lines


def _detail(request, app, *, status: int = 200, bound: dict | None = None, revealed_id: str = ""):
    user = request.user
    bound = bound or {}
    action_forms = []
    for action in ACTION_FORMS:
        if action in bound or _offered(action, user, app):
            action_forms.append(
                {
                    "action": action,
                    "label": transitions.ACTIONS[action],
                    "form": bound.get(action) or _make_form(action, request, app),
                }
            )
    clock = selectors.clock_for(app)
    events = list(app.events.select_related("actor").order_by("date", "created_at", "pk"))
    materials = {m.pk: m for m in app.materials.all()}
    for event in events:
        event.lines = _event_lines(event)
        event.material = materials.get((event.data or {}).get("material"))
    section_names, section_context = _sections(request, app)
    reply_panel = reply_panel_context(request, app)
    similar = reply_panel["similar"]
    context = {
        **section_context,
        "reply_panel": reply_panel,
        "repeat_matches": similar.answered_repeats if similar.is_repeat else [],
        "app": app,
        "clock": clock,
        "overdue": clock.is_overdue(selectors.today()),
        "masked_id": crypto.mask_id(app.id_number_tail),
        "revealed_id": revealed_id,
        "can_reveal": h.can_reveal_id(user, app),
        "can_handle": h.can_handle(user, app),
        "events": events,
        "action_forms": action_forms,
        "extra_sections": section_names,
        "today": selectors.today(),
    }
    response = render(request, "foi/staff/detail.html", context, status=status)
    if revealed_id:
        response["Cache-Control"] = "no-store"
    return response


@service_errors
@require_GET
def application_detail(request, application_id: int):
    return _detail(
        request, selectors.application_get(user=request.user, application_id=application_id)
    )


@service_errors
@require_POST
def application_reveal_id(request, application_id: int):
    app = selectors.application_get(user=request.user, application_id=application_id)
    number = h.application_reveal_id(actor=request.user, application=app)
    return _detail(request, app, revealed_id=number)


def _run(action: str, user, app, data: dict):
    common = {"actor": user, "application": app, "version": data.get("version")}
    on = data.get("on")
    if action == "confirm_receipt":
        return h.application_confirm_receipt(confirmed_on=data["confirmed_on"], **common)
    if action == "assign":
        return h.application_assign(
            unit=data["unit"], handler=data.get("handler"), note=data.get("note", ""), **common
        )
    if action == "request_correction":
        return h.application_request_correction(
            items=data["items"], deadline=data["deadline"], on=on, **common
        )
    if action == "receive_correction":
        return h.application_receive_correction(
            text=data.get("text", ""),
            replace_description=data.get("replace_description", False),
            on=on,
            **common,
        )
    if action == "expire_correction":
        return h.application_expire_correction(on=on, **common)
    if action == "start_consultation":
        return h.application_start_consultation(
            party=data["party"], name=data["name"], note=data.get("note", ""), on=on, **common
        )
    if action == "end_consultation":
        return h.application_end_consultation(
            consultation_id=data["consultation"], outcome=data.get("outcome", ""), on=on, **common
        )
    if action == "extend":
        return h.application_extend(
            workdays=data["workdays"],
            approver=data["approver"],
            reason=data.get("reason", ""),
            on=on,
            **common,
        )
    if action == "delay":
        return h.application_delay(until=data["until"], reason=data["reason"], on=on, **common)
    if action == "close":
        return h.application_close(
            result=data.get("result", ""), note=data.get("note", ""), on=on, **common
        )
    raise Http404()


@service_errors
@require_POST
def application_action(request, application_id: int, action: str):
    action = action.replace("-", "_")
    if action not in ACTION_FORMS:
        raise Http404()
    app = selectors.application_get(user=request.user, application_id=application_id)
    form = _make_form(action, request, app, data=request.POST)
    if form.is_valid():
        try:
            _run(action, request.user, app, form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已{transitions.ACTIONS[action]}")
            return redirect("foi:application_detail", application_id=app.pk)
    elif not h.can_handle(request.user, app):
        raise PermissionDenied()
    return _detail(request, app, status=400, bound={action: form})
