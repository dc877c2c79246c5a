"""节假日安排: the working-day calendar's years, and entering a year from the State Council notice.

Only holders of Action.MANAGE_CALENDAR (administrators) reach these pages. The pages read the
package and the database fresh rather than the process-wide cached calendar, so what was just
saved is what is shown.
"""

from __future__ import annotations

import calendar as pycalendar

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from gongkai.core import services
from gongkai.core.calendar_banner import expected_years
from gongkai.core.errors import ValidationFailed
from gongkai.core.forms.calendar import CalendarYearForm, default_notice, initial_from_year
from gongkai.core.http import service_errors
from gongkai.core.models import CalendarYear
from gongkai.core.workdays import (
    SOURCE,
    SOURCE_LABELS,
    WEEKDAYS_ZH,
    YearCalendar,
    entered_years,
    package_years,
)
from gongkai.orgs.permissions import Action, check_perm

_WEEK_HEADER = ("一", "二", "三", "四", "五", "六", "日")


def _year_row(calendar: YearCalendar, entry: CalendarYear | None) -> dict:
    return {
        "year": calendar.year,
        "source": calendar.source,
        "source_label": SOURCE_LABELS[calendar.source],
        "entered": calendar.source == SOURCE.ENTERED,
        "holiday_count": len(calendar.holidays),
        "workday_count": len(calendar.workdays),
        "ranges": len(calendar.holiday_ranges()),
        "entry": entry,
    }


def _month_grid(calendar: YearCalendar, month: int) -> dict:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(calendar.year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            if day in calendar.holidays:
                kind = "holiday"
            elif day in calendar.workdays:
                kind = "workday"
            elif day.weekday() >= 5:
                kind = "weekend"
            else:
                kind = "normal"
            cells.append({"day": day, "kind": kind, "name": calendar.names.get(day, "")})
        weeks.append(cells)
    return {"month": month, "weeks": weeks}


@service_errors
def calendar_list(request):
    check_perm(request.user, Action.MANAGE_CALENDAR)
    years = package_years()
    packaged = set(years)
    years.update(entered_years())
    entries = {e.year: e for e in CalendarYear.objects.select_related("entered_by")}
    rows = [_year_row(years[y], entries.get(y)) for y in sorted(years, reverse=True)]
    for row in rows:
        row["in_package"] = row["year"] in packaged
    missing = [y for y in expected_years(timezone.localdate()) if y not in years]
    return render(
        request,
        "workbench/calendar/list.html",
        {"rows": rows, "missing": missing, "package_label": SOURCE_LABELS[SOURCE.PACKAGE]},
    )


@service_errors
def calendar_detail(request, year: int):
    check_perm(request.user, Action.MANAGE_CALENDAR)
    entered = entered_years(year).get(year)
    packaged = package_years().get(year)
    calendar = entered or packaged
    if calendar is None:
        return render(request, "workbench/calendar/missing.html", {"year": year}, status=404)
    entry = CalendarYear.objects.select_related("entered_by").filter(year=year).first()
    ranges = [
        {"start": start, "end": end, "name": name, "days": (end - start).days + 1}
        for start, end, name in calendar.holiday_ranges()
    ]
    workdays = [
        {"day": day, "weekday": WEEKDAYS_ZH[day.weekday()], "name": name}
        for day, name in calendar.workday_list()
    ]
    return render(
        request,
        "workbench/calendar/detail.html",
        {
            "year": year,
            "calendar": calendar,
            "source_label": SOURCE_LABELS[calendar.source],
            "entered": calendar.source == SOURCE.ENTERED,
            "in_package": packaged is not None,
            "entry": entry,
            "ranges": ranges,
            "workdays": workdays,
            "months": [_month_grid(calendar, m) for m in range(1, 13)],
            "week_header": _WEEK_HEADER,
        },
    )


def _save(request, form, *, creating: bool):
    """Validate, call the service, and redirect; None when the form must be shown again."""
    if not form.is_valid():
        return None
    arguments = form.service_arguments()
    year = arguments["year"]
    if creating and CalendarYear.objects.filter(year=year).exists():
        form.add_error("year", f"{year}年已录入，请在该年的页面上修改")
        return None
    try:
        services.calendar_year_save(actor=request.user, **arguments)
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, f"{year}年节假日安排已保存")
    return redirect("workbench:calendar_detail", year=year)


@service_errors
@require_http_methods(["GET", "POST"])
def calendar_create(request):
    """Enter a year not yet entered; ?year=2027 pre-selects it, &from=package starts from the
    package's data for that year."""
    check_perm(request.user, Action.MANAGE_CALENDAR)
    initial: dict = {}
    year = request.GET.get("year", "")
    if year.isdigit():
        year_number = int(year)
        initial = {"year": year_number, "notice": default_notice(year_number)}
        packaged = package_years().get(year_number)
        if packaged is not None and request.GET.get("from") == "package":
            initial = initial_from_year(packaged, notice=default_notice(year_number))
    form = CalendarYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and (response := _save(request, form, creating=True)):
        return response
    return render(
        request,
        "workbench/calendar/form.html",
        {"form": form, "year": None, "prefilled_from_package": False},
    )


@service_errors
@require_http_methods(["GET", "POST"])
def calendar_edit(request, year: int):
    """Enter or correct one year. Pre-filled from the entered data, else from the package's
    (a correction), else blank; ?from=package starts over from the package's data."""
    check_perm(request.user, Action.MANAGE_CALENDAR)
    entry = CalendarYear.objects.filter(year=year).first()
    entered = entered_years(year).get(year)
    packaged = package_years().get(year)
    from_package = packaged is not None and (
        entered is None or request.GET.get("from") == "package"
    )
    if from_package:
        initial = initial_from_year(
            packaged, notice=entry.notice if entry else default_notice(year)
        )
    elif entered is not None:
        initial = initial_from_year(entered, notice=entry.notice if entry else "")
    else:
        initial = {"notice": default_notice(year)}
    form = CalendarYearForm(request.POST or None, initial=initial, year=year)
    if request.method == "POST" and (response := _save(request, form, creating=False)):
        return response
    return render(
        request,
        "workbench/calendar/form.html",
        {
            "form": form,
            "year": year,
            "entered": entered is not None,
            "in_package": packaged is not None,
            "prefilled_from_package": from_package and request.method == "GET",
            "package_label": SOURCE_LABELS[SOURCE.PACKAGE],
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def calendar_delete(request, year: int):
    check_perm(request.user, Action.MANAGE_CALENDAR)
    entry = CalendarYear.objects.filter(year=year).first()
    if entry is None:
        messages.error(request, f"{year}年没有管理员录入的节假日安排")
        return redirect("workbench:calendar_list")
    in_package = year in package_years()
    if request.method == "POST":
        services.calendar_year_delete(actor=request.user, year=year)
        if in_package:
            messages.success(request, f"已删除{year}年录入的节假日安排，恢复使用软件包数据")
        else:
            messages.success(request, f"已删除{year}年录入的节假日安排")
        return redirect("workbench:calendar_list")
    return render(
        request,
        "workbench/calendar/delete.html",
        {
            "year": year,
            "entry": entry,
            "in_package": in_package,
            "package_label": SOURCE_LABELS[SOURCE.PACKAGE],
        },
    )
