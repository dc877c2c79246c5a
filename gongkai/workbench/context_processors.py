from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from gongkai.core import calendar_banner
from gongkai.orgs.permissions import Action, has_perm, is_staff_member


def workbench(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/workbench/"):
        return {}
    from . import menu

    return {"workbench_menu": menu.items_for(user), "is_staff_member": is_staff_member(user)}


def admin_notices(request) -> dict:
    """Context processor: a notice on workbench pages for those who may enter the calendar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/workbench/"):
        return {}
    if not has_perm(user, Action.MANAGE_CALENDAR):
        return {}
    notices = []
    for year in calendar_banner.years_to_enter():
        text = gettext("%(year)s年节假日安排尚未录入，请根据国务院办公厅通知录入") % {"year": year}
        try:
            url = reverse("workbench:calendar_edit", kwargs={"year": year})
        except NoReverseMatch:
            notices.append(format_html("{}", text))
            continue
        notices.append(format_html('{} <a href="{}">{}</a>', text, url, gettext("去录入")))
    return {"admin_notices": notices} if notices else {}
