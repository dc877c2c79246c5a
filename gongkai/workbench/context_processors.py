from __future__ import annotations

from gongkai.orgs.permissions import is_staff_member


def workbench(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/workbench/"):
        return {}
    from . import menu

    return {"workbench_menu": menu.items_for(user), "is_staff_member": is_staff_member(user)}
