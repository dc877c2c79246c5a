"""The official working-day calendar (工作日).

Every statutory deadline is computed here. A day is a working day when it is Monday to Friday and
not a public holiday, or when it is a weekend day worked in exchange for a holiday (调休上班).

Sources per year, in order:
1. a year an administrator entered from the State Council notice (`CalendarYear`/`CalendarDay`);
2. the `chinesecalendar` package, when it covers the year.
A date in a year neither covers raises `CalendarNotCovered` — never a silent weekends-only count.
`deadline_estimate` is the one place that falls back to weekends, and it says so.

Counting convention: the start day is day 0. `add_workdays(d, n)` is the n-th working day after
`d` (n >= 1), so `add_workdays(2026-09-28, 20) == 2026-10-30`; `workdays_between(a, b)` counts
the working days in (a, b], so the two are inverse.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from .errors import ApplicationError

#: Never walk further than this many calendar days looking for a working day.
_MAX_SCAN_DAYS = 400

_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarNotCovered(ApplicationError):
    code = "calendar_not_covered"

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年节假日安排尚未录入，无法按工作日计算期限")


class SOURCE:
    PACKAGE = "chinesecalendar"
    ENTERED = "entered"


SOURCE_LABELS = {SOURCE.PACKAGE: "chinesecalendar 软件包", SOURCE.ENTERED: "管理员录入"}


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]  # weekend days worked in exchange (调休上班)
    source: str
    names: dict[dt.date, str] = field(default_factory=dict, compare=False, hash=False)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@dataclass(frozen=True)
class Deadline:
    """A due date for display: `estimated` when part of the span is in an uncovered year and
    weekends only were counted there."""

    date: dt.date
    estimated: bool = False
    uncovered_years: tuple[int, ...] = ()


class WorkdayCalendar:
    """Pure working-day arithmetic over a fixed set of covered years."""

    def __init__(self, years: dict[int, YearCalendar]):
        self._years = dict(years)

    # -- coverage ---------------------------------------------------------------------------
    def covered_years(self) -> list[YearCalendar]:
        return [self._years[y] for y in sorted(self._years)]

    def covers(self, year: int) -> bool:
        return year in self._years

    def year(self, year: int) -> YearCalendar:
        try:
            return self._years[year]
        except KeyError:
            raise CalendarNotCovered(year) from None

    # -- days -------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        return self.year(day.year).is_workday(day)

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The first working day after `day` (or `day` itself when inclusive and working)."""
        current = day if inclusive else day + dt.timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(current):
                return current
            current += dt.timedelta(days=1)
        raise ApplicationError("日历数据异常：一年内找不到工作日")

    def previous_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The last working day before `day` (or `day` itself when inclusive and working)."""
        current = day if inclusive else day - dt.timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(current):
                return current
            current -= dt.timedelta(days=1)
        raise ApplicationError("日历数据异常：一年内找不到工作日")

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (day 0). Negative n counts backwards; n == 0 is `day`."""
        if n == 0:
            return day
        step = dt.timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    def deadline_estimate(self, day: dt.date, n: int) -> Deadline:
        """Like add_workdays, but through uncovered years counts weekends only and says so."""
        try:
            return Deadline(self.add_workdays(day, n))
        except CalendarNotCovered:
            pass
        estimate = WorkdayCalendar(self._years)
        missing: set[int] = set()
        lo, hi = sorted((day.year, (day + dt.timedelta(days=2 * abs(n) + 30)).year))
        for y in range(lo - 1, hi + 2):
            if y not in estimate._years:
                missing.add(y)
                estimate._years[y] = YearCalendar(y, frozenset(), frozenset(), "weekends")
        result = estimate.add_workdays(day, n)
        low, high = sorted((day, result))
        touched = tuple(sorted(y for y in missing if low.year <= y <= high.year))
        return Deadline(result, estimated=bool(touched), uncovered_years=touched)


# -- loading from the package and the database --------------------------------------------------

_VERSION_KEY = "gongkai:calendar:version"
_lock = threading.Lock()
_loaded: tuple[object, WorkdayCalendar] | None = None


def package_years() -> dict[int, YearCalendar]:
    from chinese_calendar import constants

    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    names: dict[int, dict[dt.date, str]] = {}
    for day, name in constants.holidays.items():
        holidays.setdefault(day.year, set()).add(day)
        names.setdefault(day.year, {})[day] = _HOLIDAY_NAMES_ZH.get(name, name)
    for day, name in constants.workdays.items():
        workdays.setdefault(day.year, set()).add(day)
        names.setdefault(day.year, {})[day] = _HOLIDAY_NAMES_ZH.get(name, name) + "调休"
    return {
        year: YearCalendar(
            year,
            frozenset(days),
            frozenset(workdays.get(year, ())),
            SOURCE.PACKAGE,
            names.get(year, {}),
        )
        for year, days in holidays.items()
    }


def entered_years() -> dict[int, YearCalendar]:
    from .models import CalendarDay, CalendarYear

    result: dict[int, dict] = {
        y: {"holidays": set(), "workdays": set(), "names": {}}
        for y in CalendarYear.objects.values_list("year", flat=True)
    }
    for year, day, kind, name in CalendarDay.objects.values_list(
        "calendar_year__year", "date", "kind", "name"
    ):
        bucket = result[year]
        bucket["holidays" if kind == CalendarDay.Kind.HOLIDAY else "workdays"].add(day)
        if name:
            bucket["names"][day] = name
    return {
        year: YearCalendar(
            year,
            frozenset(b["holidays"]),
            frozenset(b["workdays"]),
            SOURCE.ENTERED,
            b["names"],
        )
        for year, b in result.items()
    }


def build_calendar() -> WorkdayCalendar:
    years = package_years()
    years.update(entered_years())  # an entered year replaces the package's
    return WorkdayCalendar(years)


def get_calendar() -> WorkdayCalendar:
    """The process-wide calendar, rebuilt when an administrator changes a year."""
    global _loaded
    version = cache.get(_VERSION_KEY, 0)
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    with _lock:
        calendar = build_calendar()
        _loaded = (version, calendar)
    return calendar


def invalidate_calendar() -> None:
    """Called by services after a change to entered years; takes effect after commit."""

    def bump():
        global _loaded
        try:
            cache.incr(_VERSION_KEY)
        except ValueError:
            cache.set(_VERSION_KEY, 1, timeout=None)
        _loaded = None

    transaction.on_commit(bump)


# -- module-level shortcuts over the current calendar -------------------------------------------


def is_workday(day: dt.date) -> bool:
    return get_calendar().is_workday(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    return get_calendar().add_workdays(day, n)


def workdays_between(start: dt.date, end: dt.date) -> int:
    return get_calendar().workdays_between(start, end)


def next_workday(day: dt.date, *, inclusive: bool = False) -> dt.date:
    return get_calendar().next_workday(day, inclusive=inclusive)


def previous_workday(day: dt.date, *, inclusive: bool = False) -> dt.date:
    return get_calendar().previous_workday(day, inclusive=inclusive)


def deadline_estimate(day: dt.date, n: int) -> Deadline:
    return get_calendar().deadline_estimate(day, n)
