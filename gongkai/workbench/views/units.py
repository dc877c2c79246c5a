from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.orgs import selectors, services
from gongkai.orgs.forms.administration import UnitContactForm, UnitForm, UnitGroupForm
from gongkai.orgs.permissions import Action, check_perm, has_perm


@service_errors
def unit_list(request):
    units = selectors.unit_list(
        user=request.user, include_inactive=has_perm(request.user, Action.MANAGE_UNITS)
    )
    return render(
        request,
        "workbench/units/list.html",
        {"units": units, "can_manage": has_perm(request.user, Action.MANAGE_UNITS)},
    )


@service_errors
def unit_detail(request, unit_id: int):
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    return render(
        request,
        "workbench/units/detail.html",
        {
            "unit": unit,
            "members": selectors.unit_members(user=request.user, unit=unit),
            "can_edit": has_perm(request.user, Action.EDIT, unit)
            or has_perm(request.user, Action.MANAGE_UNITS),
        },
    )


def _unit_initial(unit):
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "aliases": "\n".join(unit.aliases),
        "parent": unit.parent,
        "contact_phone": unit.contact_phone,
        "address": unit.address,
        "sort_order": unit.sort_order,
        "is_active": unit.is_active,
        "task_review_required": unit.task_review_required,
    }


@service_errors
@require_http_methods(["GET", "POST"])
def unit_edit(request, unit_id: int):
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    full = has_perm(request.user, Action.MANAGE_UNITS)
    if not full:
        check_perm(request.user, Action.EDIT, unit)
    form_class = UnitForm if full else UnitContactForm
    kwargs = (
        {"parent_queryset": selectors.unit_list(user=request.user).exclude(pk=unit.pk)}
        if full
        else {}
    )
    kwargs["with_review"] = full or has_perm(request.user, Action.APPROVE, unit)
    form = form_class(request.POST or None, initial=_unit_initial(unit), **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "单位信息已保存")
            return redirect("workbench:unit_detail", unit_id=unit.pk)
    return render(request, "workbench/units/form.html", {"form": form, "unit": unit})


@service_errors
@require_http_methods(["GET", "POST"])
def unit_create(request):
    if not has_perm(request.user, Action.MANAGE_UNITS):
        raise PermissionDenied()
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            unit = services.unit_create(actor=request.user, **data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "单位已创建")
            return redirect("workbench:unit_detail", unit_id=unit.pk)
    return render(request, "workbench/units/form.html", {"form": form, "unit": None})


# -- unit groups (各单位, 各镇（街道）…: the names plans use for several units) ----------------


@service_errors
def group_list(request):
    return render(
        request,
        "workbench/units/groups.html",
        {
            "groups": selectors.unit_group_list(),
            "can_manage": has_perm(request.user, Action.MANAGE_UNITS),
        },
    )


def _group_form_page(request, group=None):
    check_perm(request.user, Action.MANAGE_UNITS)
    initial = {}
    if group is not None:
        initial = {
            "name": group.name,
            "aliases": "\n".join(group.aliases),
            "all_units": group.all_units,
            "members": list(group.members.all()),
            "sort_order": group.sort_order,
        }
    form = UnitGroupForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "aliases": data["aliases"],
            "all_units": data["all_units"],
            "members": list(data["members"]),
            "sort_order": data["sort_order"],
        }
        try:
            if group is None:
                services.unit_group_create(actor=request.user, **fields)
            else:
                services.unit_group_update(actor=request.user, group=group, **fields)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "单位组已保存")
            return redirect("workbench:group_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workbench/units/group_form.html", {"form": form, "group": group}, status=status
    )


@service_errors
@require_http_methods(["GET", "POST"])
def group_create(request):
    return _group_form_page(request)


@service_errors
@require_http_methods(["GET", "POST"])
def group_edit(request, group_id: int):
    return _group_form_page(request, selectors.unit_group_get(group_id=group_id))


@service_errors
@require_POST
def group_delete(request, group_id: int):
    group = selectors.unit_group_get(group_id=group_id)
    services.unit_group_delete(actor=request.user, group=group)
    messages.success(request, "单位组已删除；已导入方案中的任务不受影响")
    return redirect("workbench:group_list")
