"""The column pages (公开目录): the tree of columns with their kind, maintaining units, update
cycle and item counts; creating and editing columns is for the 公开办 (Action.COORDINATE)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for

from ..forms.columns import ColumnForm
from ..models import Column, PublicState
from ..services.columns import column_create as svc_column_create
from ..services.columns import column_update as svc_column_update


def _tree(columns: list[Column]) -> list[Column]:
    """Columns depth first under their parents, each with `depth` set."""
    children: dict[int | None, list[Column]] = {}
    ids = {c.pk for c in columns}
    for column in columns:
        parent = column.parent_id if column.parent_id in ids else None
        children.setdefault(parent, []).append(column)
    out: list[Column] = []
    seen: set[int] = set()

    def walk(parent, depth):
        for column in children.get(parent, []):
            if column.pk in seen:
                continue
            seen.add(column.pk)
            column.depth = depth
            column.indent = range(depth)
            out.append(column)
            walk(column.pk, depth + 1)

    walk(None, 0)
    for column in columns:  # a cycle written around the services: still listed
        if column.pk not in seen:
            column.depth, column.indent = 0, range(0)
            out.append(column)
    return out


@service_errors
@require_GET
def column_list(request):
    user = request.user
    if not has_perm(user, Action.VIEW):
        raise PermissionDenied()
    visible = Q(items__unit__in=units_for(user, Action.VIEW))
    live = visible & Q(items__public_state=PublicState.LIVE)
    columns = list(
        Column.objects.annotate(
            item_count=Count("items", filter=visible, distinct=True),
            live_count=Count("items", filter=live, distinct=True),
            last_published=Max(
                "items__published_at", filter=Q(items__public_state=PublicState.LIVE)
            ),
        )
        .prefetch_related("units")
        .order_by("sort_order", "pk")
    )
    now = timezone.now()
    for column in columns:
        column.is_stale = bool(
            column.is_active
            and column.stale_after_days
            and (
                column.last_published is None
                or now - column.last_published > dt.timedelta(days=column.stale_after_days)
            )
        )
    return render(
        request,
        "catalog/staff/column_list.html",
        {"columns": _tree(columns), "can_manage": has_perm(user, Action.COORDINATE)},
    )


def _form_units():
    return Unit.objects.filter(is_active=True)


@service_errors
@require_http_methods(["GET", "POST"])
def column_create(request):
    if not has_perm(request.user, Action.COORDINATE):
        raise PermissionDenied()
    posted = request.method == "POST"
    form = ColumnForm(request.POST if posted else None, units=_form_units())
    if posted and form.is_valid():
        try:
            column = svc_column_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("栏目“%(name)s”已创建") % {"name": column.name})
            return redirect("catalog:column_list")
    return render(
        request,
        "catalog/staff/column_form.html",
        {"form": form, "column": None},
        status=400 if posted else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def column_edit(request, column_id: int):
    if not has_perm(request.user, Action.COORDINATE):
        raise PermissionDenied()
    column = Column.objects.filter(pk=column_id).first()
    if column is None:
        raise Http404
    posted = request.method == "POST"
    initial = {
        "name": column.name,
        "code": column.code,
        "kind": column.kind,
        "parent": column.parent_id,
        "units": list(column.units.values_list("pk", flat=True)),
        "description": column.description,
        "stale_after_days": column.stale_after_days,
        "sort_order": column.sort_order,
        "is_active": column.is_active,
    }
    units = _form_units() | Unit.objects.filter(pk__in=initial["units"])
    form = ColumnForm(
        request.POST if posted else None, units=units.distinct(), column=column, initial=initial
    )
    if posted and form.is_valid():
        try:
            svc_column_update(actor=request.user, column=column, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("栏目已保存"))
            return redirect("catalog:column_list")
    return render(
        request,
        "catalog/staff/column_form.html",
        {"form": form, "column": column},
        status=400 if posted else 200,
    )
