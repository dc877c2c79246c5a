"""Task binding pages (the 公开办 binds plan tasks to columns) and the oversight page (policies
without interpretation, overdue marking of abolished documents, bound tasks still open).

Viewing needs VIEW_DASHBOARD (公开办, leaders); adding and removing bindings needs COORDINATE,
checked by the services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.orgs.permissions import Action, check_perm, has_perm
from gongkai.plans import selectors as plan_selectors

from ..forms.bindings import BindingForm
from ..selectors import staff as selectors
from ..services.binding import binding_create as binding_create_service
from ..services.binding import binding_delete as binding_delete_service


def _binding_form(plan, data=None) -> BindingForm:
    return BindingForm(
        data,
        plan_items=plan.items.filter(is_task=True, is_removed=False).order_by("position"),
        columns=selectors.active_columns(),
    )


def _render_list(request, plan, *, form=None, status: int = 200):
    can_edit = has_perm(request.user, Action.COORDINATE)
    return render(
        request,
        "catalog/bindings/list.html",
        {
            "plan": plan,
            "plans": plan_selectors.plan_list(user=request.user),
            "items": selectors.binding_plan_items(plan=plan),
            "form": (form or _binding_form(plan)) if can_edit else None,
            "can_edit": can_edit,
        },
        status=status,
    )


@service_errors
@require_GET
def binding_index(request):
    """The current year's plan (or the newest), else a page saying there is none."""
    check_perm(request.user, Action.VIEW_DASHBOARD)
    plans = plan_selectors.plan_list(user=request.user)
    plan = plans.filter(year=timezone.localdate().year).first() or plans.first()
    if plan is None:
        return render(request, "catalog/bindings/list.html", {"plan": None})
    return redirect("catalog:binding_list", plan_id=plan.pk)


@service_errors
@require_GET
def binding_list(request, plan_id: int):
    check_perm(request.user, Action.VIEW_DASHBOARD)
    plan = plan_selectors.plan_get(user=request.user, plan_id=plan_id)
    return _render_list(request, plan)


@service_errors
@require_POST
def binding_create(request, plan_id: int):
    check_perm(request.user, Action.COORDINATE)
    plan = plan_selectors.plan_get(user=request.user, plan_id=plan_id)
    form = _binding_form(plan, request.POST)
    if form.is_valid():
        try:
            binding = binding_create_service(
                actor=request.user,
                plan_item=form.cleaned_data["plan_item"],
                column=form.cleaned_data["column"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已绑定：在“%(column)s”栏目发布信息将自动报送该任务")
                % {"column": binding.column.name},
            )
            return redirect("catalog:binding_list", plan_id=plan.pk)
    return _render_list(request, plan, form=form, status=400)


@service_errors
@require_POST
def binding_delete(request, binding_id: int):
    check_perm(request.user, Action.COORDINATE)
    binding = selectors.binding_get(binding_id=binding_id)
    plan_id = binding.plan_item.plan_id
    binding_delete_service(actor=request.user, binding=binding)
    messages.success(request, _("已解除绑定"))
    return redirect("catalog:binding_list", plan_id=plan_id)


@service_errors
@require_GET
def oversight(request):
    check_perm(request.user, Action.VIEW_DASHBOARD)
    day = timezone.localdate()
    marking = [
        row
        for row in selectors.marking_rows(user=request.user, day=day)
        if row.state in ("overdue", "missing")
    ]
    return render(
        request,
        "catalog/bindings/oversight.html",
        {
            "today": day,
            "policies": list(selectors.policies_without_interpretation(user=request.user)[:200]),
            "marking": marking,
            "bound_tasks": list(selectors.bound_open_tasks(user=request.user, day=day)[:200]),
        },
    )
