from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from gongkai.core.forms.audit import AuditFilterForm
from gongkai.core.paging import paginate
from gongkai.orgs.permissions import Action, has_perm, units_for
from gongkai.orgs.selectors import audit_event_list


def audit_list(request):
    if not has_perm(request.user, Action.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, units=units_for(request.user, Action.VIEW_AUDIT))
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "action": data["action"],
            "unit_id": data["unit"].pk if data["unit"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = audit_event_list(user=request.user, **filters)
    page = paginate(request, events, per_page=50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workbench/audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
