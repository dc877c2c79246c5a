"""From a schedule rule to the periods of a year and their due dates on the working-day calendar.

Pure functions over `WorkdayCalendar`: `periods(kind, params, year, calendar)` returns the
ledger periods a rule creates in a plan year. A due date that is not a working day moves to the
previous working day ("遇节假日提前至前一工作日"), so every due date is a working day.

Kinds that create no periods at generation time:
- event: a task is created when the event is recorded (`task_create_for_event`);
- statutory: deadlines belong to the applications module;
- periodic without an interval: waits for the coordinator to set one.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass
from typing import Any

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import WorkdayCalendar

from .models import RuleKind

TIMELY_WORKDAYS = 20
_KINDS = {k.value for k in RuleKind}
_PARAM_KEYS = {
    "month",
    "day",
    "interval_days",
    "workdays",
    "days",
    "months",
    "event",
    "event_text",
    "year",
    "report_every",
}
# How often ongoing work (持续推进, 长期坚持) reports its progress.
REPORT_CADENCES = ("quarterly", "half_yearly", "yearly")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str
    due: dt.date


def clean_rule(rule: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Validate a rule dict (from the parser or a form); return (kind, params)."""
    kind = rule.get("kind")
    if kind == "daily":  # daily work is continuous work for the ledger
        kind = "continuous"
    if kind not in _KINDS:
        raise ValidationFailed(f"未知的时限类型：{kind}")
    params = {k: v for k, v in rule.items() if k in _PARAM_KEYS and v is not None}
    month, day = params.get("month"), params.get("day")
    if month is not None and (not isinstance(month, int) or not 1 <= month <= 12):
        raise ValidationFailed("月份应为1到12")
    if day is not None and day != "end" and (not isinstance(day, int) or not 1 <= day <= 31):
        raise ValidationFailed("日期应为1到31或“月底”")
    if kind == "once" and month is None:
        raise ValidationFailed("一次性任务须指定完成月份")
    if kind == "monthly" and day is None:
        params["day"] = "end"
    if kind == "event" and not any(params.get(k) for k in ("workdays", "days", "months")):
        raise ValidationFailed("事件触发的任务须指定期限（工作日数）")
    if kind == "periodic":
        interval = params.get("interval_days")
        if interval is not None and (not isinstance(interval, int) or not 1 <= interval <= 366):
            raise ValidationFailed("定期任务的间隔应为1到366天")
    if kind == "timely":
        params.setdefault("workdays", TIMELY_WORKDAYS)
    report = params.get("report_every")
    if report is not None and (kind != "continuous" or report not in REPORT_CADENCES):
        raise ValidationFailed("持续性任务的报告周期应为每季度、每半年或每年")
    for key in ("workdays", "days", "months"):
        value = params.get(key)
        if value is not None and (not isinstance(value, int) or not 1 <= value <= 366):
            raise ValidationFailed("期限天数应为1到366")
    return kind, params


def _day_in_month(year: int, month: int, day: int | str | None) -> dt.date:
    last = pycal.monthrange(year, month)[1]
    if day in (None, "end"):
        return dt.date(year, month, last)
    return dt.date(year, month, min(int(day), last))


def _due(calendar: WorkdayCalendar, day: dt.date) -> dt.date:
    """The due date for a target day: the previous working day when the target is not one,
    unless that would leave the target's year (1 January: then the next working day)."""
    due = calendar.previous_workday(day, inclusive=True)
    if due.year != day.year:
        due = calendar.next_workday(day, inclusive=True)
    return due


def periods(
    kind: str, params: dict[str, Any], year: int, calendar: WorkdayCalendar
) -> list[Period]:
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "once":
        target = _day_in_month(params.get("year") or year, params["month"], params.get("day"))
        if target.year != year:
            return []
        return [Period(jan1, target, f"{year}年", _due(calendar, target))]
    if kind == "monthly":
        result = []
        for month in range(1, 13):
            target = _day_in_month(year, month, params.get("day", "end"))
            start = dt.date(year, month, 1)
            end = _day_in_month(year, month, "end")
            result.append(Period(start, end, f"{year}年{month}月", _due(calendar, target)))
        return result
    if kind == "quarterly":
        offset = params.get("workdays")
        result = []
        for q in range(1, 5):
            end = _day_in_month(year, q * 3, "end")
            # 每季度结束后N个工作日内: N working days after the quarter's last day (the fourth
            # quarter's due date is in January; weekends only while that calendar is unpublished).
            due = calendar.deadline_estimate(end, offset).date if offset else _due(calendar, end)
            label = f"{year}年第{'一二三四'[q - 1]}季度"
            result.append(Period(dt.date(year, q * 3 - 2, 1), end, label, due))
        return result
    if kind == "half_yearly":
        return [
            Period(
                jan1, dt.date(year, 6, 30), f"{year}年上半年", _due(calendar, dt.date(year, 6, 30))
            ),
            Period(dt.date(year, 7, 1), dec31, f"{year}年下半年", _due(calendar, dec31)),
        ]
    if kind == "yearly":
        target = _day_in_month(year, params.get("month") or 12, params.get("day"))
        return [Period(jan1, dec31, f"{year}年度", _due(calendar, target))]
    if kind == "weekly":
        result = []
        monday = jan1 - dt.timedelta(days=jan1.weekday())
        week = 1
        while monday <= dec31:
            sunday = monday + dt.timedelta(days=6)
            start, end = max(monday, jan1), min(sunday, dec31)
            result.append(Period(start, end, f"{year}年第{week}周", _due(calendar, end)))
            monday += dt.timedelta(days=7)
            week += 1
        return result
    if kind == "periodic":
        interval = params.get("interval_days")
        if not interval:
            return []
        result = []
        start = jan1
        n = 1
        while start <= dec31:
            end = min(start + dt.timedelta(days=interval - 1), dec31)
            result.append(Period(start, end, f"{year}年第{n}期", _due(calendar, end)))
            start = end + dt.timedelta(days=1)
            n += 1
        return result
    if kind == "continuous" and params.get("report_every") in ("quarterly", "half_yearly"):
        # Ongoing work reporting its progress at a cadence (half-yearly by default for
        # 持续推进 / 长期坚持; the coordinator may change it).
        cadence = periods(params["report_every"], {}, year, calendar)
        return [Period(p.start, p.end, f"{p.label}（持续）", p.due) for p in cadence]
    if kind in ("continuous", "timely"):
        # Work as matters arise; the ledger keeps one row per year, reported by year end.
        return [Period(jan1, dec31, f"{year}年（持续）", _due(calendar, dec31))]
    # event and statutory create no periods here.
    return []


def default_period(year: int, calendar: WorkdayCalendar) -> Period:
    """For an item without any timing phrase: done within the plan year."""
    dec31 = dt.date(year, 12, 31)
    return Period(dt.date(year, 1, 1), dec31, f"{year}年", _due(calendar, dec31))


def event_period(params: dict[str, Any], event_date: dt.date, calendar: WorkdayCalendar) -> Period:
    if params.get("workdays"):
        due = calendar.add_workdays(event_date, params["workdays"])
    elif params.get("months"):
        month = event_date.month - 1 + params["months"]
        y, m = event_date.year + month // 12, month % 12 + 1
        due = _due(calendar, _day_in_month(y, m, min(event_date.day, pycal.monthrange(y, m)[1])))
    else:
        due = _due(calendar, event_date + dt.timedelta(days=params.get("days", 0)))
    label = f"{event_date.year}年{event_date.month}月{event_date.day}日事件"
    return Period(event_date, due, label, due)


def default_effective_from(year: int, today: dt.date) -> dt.date | None:
    """A new plan's effective-from date: today when today falls in the plan year (nothing is
    overdue on the day it is imported), otherwise None, i.e. from 1 January (a plan for next
    year, or one recorded after its year, keeps every period)."""
    return today if today.year == year else None


def check_effective_from(day: dt.date | None, year: int) -> None:
    """An effective-from date must fall in the plan year (None: from 1 January)."""
    if day is not None and day.year != year:
        raise ValidationFailed(f"生效日期应在方案年度（{year}年）之内")


def planned_periods(
    rules: list[tuple[Any, str, dict[str, Any]]],
    year: int,
    calendar: WorkdayCalendar,
    starts_on: dt.date | None = None,
) -> list[tuple[Any, Period]]:
    """The (rule key, period) pairs the ledger generates for one item whose rules are
    [(key, kind, params)]: every rule's periods, or the year-end default period when the item
    has no rule (key None); periods due before `starts_on` are left out."""
    planned: list[tuple[Any, Period]] = []
    for key, kind, params in rules:
        planned.extend((key, period) for period in periods(kind, params, year, calendar))
    if not rules:
        planned.append((None, default_period(year, calendar)))
    if starts_on is not None:
        planned = [(key, period) for key, period in planned if period.due >= starts_on]
    return planned
