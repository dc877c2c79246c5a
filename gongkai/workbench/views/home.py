"""The workbench home page: what waits for the user (待办), one section per role held."""

from django.shortcuts import render

from gongkai.orgs.permissions import roles_of
from gongkai.orgs.selectors import unit_list

from .. import todo


def home(request):
    global_roles, unit_roles = roles_of(request.user)
    units = {u.pk: u for u in unit_list(user=request.user)} if unit_roles else {}
    roles = [r.label for r in sorted(global_roles)] + [
        f"{units.get(uid, uid)} · {r.label}" for r, uid in sorted(unit_roles)
    ]
    sections = todo.sections_for(request.user)
    return render(
        request,
        "workbench/home.html",
        {
            "roles": roles,
            "sections": sections,
            "has_chart": any(s.key == "leader" and s.extra.get("plans") for s in sections),
        },
    )
