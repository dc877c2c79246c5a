"""The annual report's section 三 table (收到和处理政府信息公开申请情况) on screen and as .xlsx:
all units for COORDINATE / VIEW_DASHBOARD holders, else the units the user may view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from gongkai.core.downloads import download_response
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for

from .. import statistics
from ..forms.replies import StatisticsForm


def _statistics_scope(request):
    """(form, year or None, unit or None) from the query; last year by default."""
    user = request.user
    allow_all = has_perm(user, Action.COORDINATE) or has_perm(user, Action.VIEW_DASHBOARD)
    units = Unit.objects.filter(is_active=True) if allow_all else units_for(user, Action.VIEW)
    if not allow_all and not units.exists():
        raise PermissionDenied()
    data = request.GET if "year" in request.GET else None
    form = StatisticsForm(data, units=units, allow_all=allow_all)
    if data is None:
        year = timezone.localdate().year - 1
        unit = None if allow_all else units.first()
        return form, year, unit
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["year"], form.cleaned_data.get("unit")


def statistics_page(request):
    form, year, unit = _statistics_scope(request)
    table = statistics.annual_table(year, unit=unit) if year else None
    query = ""
    if year:
        query = f"year={year}" + (f"&unit={unit.pk}" if unit else "")
    return render(
        request,
        "foi/replies/statistics.html",
        {"form": form, "table": table, "unit": unit, "query": query},
    )


def statistics_xlsx(request):
    _form, year, unit = _statistics_scope(request)
    if not year:
        raise Http404("参数有误")
    table = statistics.annual_table(year, unit=unit)
    name = f"{year}-ysqgk{'-' + str(unit.pk) if unit else ''}.xlsx"
    return download_response(statistics.annual_table_xlsx(table), filename=name)
