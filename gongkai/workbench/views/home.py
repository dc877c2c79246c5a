from django.shortcuts import render

from gongkai.orgs.permissions import roles_of
from gongkai.orgs.selectors import unit_list


def home(request):
    global_roles, unit_roles = roles_of(request.user)
    units = {u.pk: u for u in unit_list(user=request.user)}
    roles = [r.label for r in sorted(global_roles)] + [
        f"{units.get(uid, uid)} · {r.label}" for r, uid in sorted(unit_roles)
    ]
    return render(request, "workbench/home.html", {"roles": roles, "unit_count": len(units)})
