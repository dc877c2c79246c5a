"""Validity pages: the list of amended, abolished and expired policy documents, and the form
that records an item's validity (which creates the marking task on abolition or expiry).

Items are fetched through `selectors.staff_item_get` (only the user's viewable units), so another
unit's item is a 404; a visible item the user may not approve is a 403."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.workdays import format_date
from gongkai.orgs.permissions import Action, has_perm

from ..forms.validity import ValidityForm
from ..models import Column, ReviewEntry, Validity
from ..selectors import staff as selectors
from ..services.validity import item_set_validity


@service_errors
@require_GET
def validity_list(request):
    if not has_perm(request.user, Action.VIEW):
        raise PermissionDenied()
    validity = request.GET.get("validity", "")
    items = list(selectors.validity_list(user=request.user, validity=validity)[:500])
    rows = {row.item.pk: row for row in selectors.marking_rows(user=request.user)}
    return render(
        request,
        "catalog/validity/list.html",
        {
            "rows": [{"item": i, "marking": rows.get(i.pk)} for i in items],
            "choices": [c for c in Validity.choices if c[0] != Validity.IN_FORCE],
            "current": validity,
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def validity_edit(request, item_id: int):
    item = selectors.staff_item_get(user=request.user, item_id=item_id)
    if not has_perm(request.user, Action.APPROVE, item.unit):
        raise PermissionDenied()
    posted = request.method == "POST"
    form = ValidityForm(request.POST if posted else None, initial=ValidityForm.initial_for(item))
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            result = item_set_validity(
                actor=request.user,
                item=item,
                validity=data["validity"],
                date=data["date"],
                note=data["note"],
                replaced_by=data["replaced_by"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("有效性已更新"))
            if result.task is not None:
                messages.info(
                    request,
                    _("已生成标注任务（%(unit)s），完成时限为%(date)s")
                    % {"unit": result.task.unit, "date": format_date(result.task.due_date)},
                )
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("catalog:validity_edit", item_id=item.pk)
    return render(
        request,
        "catalog/validity/edit.html",
        {
            "item": item,
            "form": form,
            "marking_task": selectors.marking_task_for(item),
            "interpretations": selectors.interpretations_of(item),
            "entries": item.review_entries.filter(kind=ReviewEntry.Kind.VALIDITY).select_related(
                "actor"
            ),
            "is_policy": item.column.kind == Column.Kind.POLICY,
        },
        status=400 if posted else 200,
    )
