"""Changes to the working-day calendar: a year's holidays entered from the State Council notice.

Each change is one transaction with one audit record; the process-wide calendar is invalidated
after commit (see `workdays.invalidate_calendar`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from . import access
from .audit import audit_record
from .errors import NotFound, ValidationFailed
from .models import CalendarDay, CalendarYear
from .signals import calendar_year_changed
from .workdays import WEEKDAYS_ZH, format_date, invalidate_calendar

#: The earliest and latest year an administrator may enter.
MIN_YEAR = 2000
MAX_YEAR = 2100
#: No holiday in a State Council notice is longer than this (the longest, 春节, is 8–9 days).
MAX_HOLIDAY_DAYS = 15


def _counts(calendar_year: CalendarYear | None) -> dict | None:
    if calendar_year is None:
        return None
    days = list(calendar_year.days.values_list("kind", flat=True))
    return {
        "notice": calendar_year.notice,
        "holidays": days.count(CalendarDay.Kind.HOLIDAY),
        "workdays": days.count(CalendarDay.Kind.WORKDAY),
    }


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(f"年份应在{MIN_YEAR}年至{MAX_YEAR}年之间")


def _holiday_days(year: int, holidays) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for start, end, name in holidays:
        name = (name or "").strip()
        label = f"“{name}”" if name else "放假安排"
        if not name:
            raise ValidationFailed(
                f"{format_date(start)}起的放假安排缺少节日名称（如元旦、春节、国庆节）"
            )
        if len(name) > 40:
            raise ValidationFailed(f"节日名称“{name[:40]}…”过长，最多40个字")
        if start > end:
            raise ValidationFailed(
                f"{label}的起始日期{format_date(start)}晚于结束日期{format_date(end)}"
            )
        for day in (start, end):
            if day.year != year:
                raise ValidationFailed(
                    f"{label}的日期{format_date(day)}不在{year}年内。跨年的日期请在"
                    f"{day.year}年的节假日安排中录入"
                )
        length = (end - start).days + 1
        if length > MAX_HOLIDAY_DAYS:
            raise ValidationFailed(
                f"{label}从{format_date(start)}到{format_date(end)}共{length}天，"
                f"超过{MAX_HOLIDAY_DAYS}天，请检查日期"
            )
        for offset in range(length):
            day = start + dt.timedelta(days=offset)
            if day in days:
                raise ValidationFailed(
                    f"{format_date(day)}同时出现在“{days[day]}”和“{name}”的放假安排中"
                )
            days[day] = name
    return days


def _nearest_festival(day: dt.date, holidays: dict[dt.date, str]) -> str:
    """The festival a 调休 day belongs to: the nearest holiday (earlier one on a tie)."""
    if not holidays:
        return ""
    nearest = min(holidays, key=lambda h: (abs((h - day).days), h))
    return holidays[nearest]


def _workday_names(year: int, workdays, holidays: dict[dt.date, str]) -> dict[dt.date, str]:
    names: dict[dt.date, str] = {}
    for day in workdays:
        if day.year != year:
            raise ValidationFailed(
                f"调休上班日{format_date(day)}不在{year}年内。跨年的日期请在"
                f"{day.year}年的节假日安排中录入"
            )
        if day.weekday() < 5:
            raise ValidationFailed(
                f"调休上班日{format_date(day)}是{WEEKDAYS_ZH[day.weekday()]}，"
                "调休上班日应为星期六或星期日"
            )
        if day in holidays:
            raise ValidationFailed(
                f"{format_date(day)}既是“{holidays[day]}”的放假日，又填为调休上班日"
            )
        festival = _nearest_festival(day, holidays)
        names[day] = f"{festival}调休" if festival else "调休"
    return names


@transaction.atomic
def calendar_year_save(
    *,
    actor,
    year: int,
    notice: str = "",
    holidays: list[tuple[dt.date, dt.date, str]],
    workdays: list[dt.date],
) -> CalendarYear:
    """Enter (or replace) a year's holidays and 调休上班 days. From then on this entry, not the
    `chinesecalendar` package, decides which days of `year` are working days."""
    access.check(actor, access.MANAGE_CALENDAR)
    _check_year(year)
    notice = (notice or "").strip()
    if len(notice) > 300:
        raise ValidationFailed("依据（通知标题）最多300个字")
    if not holidays:
        raise ValidationFailed(f"请至少填写一项{year}年的放假安排")
    holiday_days = _holiday_days(year, holidays)
    workday_names = _workday_names(year, workdays, holiday_days)

    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = _counts(calendar_year)
    if calendar_year is None:
        calendar_year = CalendarYear(year=year)
    calendar_year.notice = notice
    calendar_year.entered_by = actor if getattr(actor, "pk", None) else None
    calendar_year.save()
    calendar_year.days.all().delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(
                calendar_year=calendar_year, date=day, kind=CalendarDay.Kind.HOLIDAY, name=name
            )
            for day, name in sorted(holiday_days.items())
        ]
        + [
            CalendarDay(
                calendar_year=calendar_year, date=day, kind=CalendarDay.Kind.WORKDAY, name=name
            )
            for day, name in sorted(workday_names.items())
        ]
    )
    after = {"notice": notice, "holidays": len(holiday_days), "workdays": len(workday_names)}
    verb = "修改" if before else "录入"
    audit_record(
        actor=actor,
        action="calendar_year.save",
        obj=calendar_year,
        summary=(
            f"{verb}{year}年节假日安排：放假{len(holiday_days)}天，调休上班{len(workday_names)}天"
        ),
        before=before,
        after=after,
    )
    invalidate_calendar()
    calendar_year_changed.send(sender=None, year=year, actor=actor)
    return calendar_year


@transaction.atomic
def calendar_year_delete(*, actor, year: int) -> None:
    """Remove an entered year; the package's data (if it covers the year) applies again."""
    access.check(actor, access.MANAGE_CALENDAR)
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is None:
        raise NotFound(f"{year}年没有管理员录入的节假日安排")
    before = _counts(calendar_year)
    audit_record(
        actor=actor,
        action="calendar_year.delete",
        obj=calendar_year,
        summary=f"删除{year}年录入的节假日安排",
        before=before,
        after=None,
    )
    calendar_year.delete()
    invalidate_calendar()
    calendar_year_changed.send(sender=None, year=year, actor=actor)
