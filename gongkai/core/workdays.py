"""The official working-day calendar (工作日).

Every statutory deadline is computed here. A day is a working day when it is Monday to Friday and
not a public holiday, or when it is a weekend day worked in exchange for a holiday (调休上班).

Sources per year, in order:
1. a year an administrator entered from the State Council notice (`CalendarYear`/`CalendarDay`);
2. the `chinesecalendar` package, when it covers the year;
3. only on a calendar asked for with `get_calendar(provisional=True)` (the FOI reply clock): the
   statutory holidays computed from the rules (`provisional_year`, 2025–2060), marked 预估.
A date in a year none covers raises `CalendarNotCovered` — never a silent weekends-only count.
`deadline_estimate` is the one place that falls back to weekends, and it says so.

Counting convention: the start day is day 0. `add_workdays(d, n)` is the n-th working day after
`d` (n >= 1), so `add_workdays(2026-09-28, 20) == 2026-10-30`; a negative n counts backwards and
n == 0 is `d` itself. `workdays_between(a, b)` counts the working days stepped on when walking
from `a` to `b`: those in (a, b] going forwards, minus those in [b, a) going backwards. So the two
are inverse both ways: `workdays_between(d, add_workdays(d, n)) == n` for every n, and
`add_workdays(a, workdays_between(a, b)) == b` whenever `b` is a working day (and b != a).

The start day's year must be covered as well, even though day 0 itself is never counted: a date
in an uncovered year always raises.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from .errors import ApplicationError, ValidationFailed

logger = logging.getLogger(__name__)

#: Never walk further than this many calendar days looking for a working day.
_MAX_SCAN_DAYS = 400

#: The largest number of working days any calculation accepts (about forty years).
MAX_WORKDAYS = 10_000

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


WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def format_date(day: dt.date) -> str:
    """The house date format: 2026年10月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


class CalendarNotCovered(ApplicationError):
    code = "calendar_not_covered"

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年节假日安排尚未录入，无法按工作日计算期限")


class SOURCE:
    PACKAGE = "chinesecalendar"
    ENTERED = "entered"
    PROVISIONAL = "provisional"


SOURCE_LABELS = {
    SOURCE.PACKAGE: "chinesecalendar 软件包",
    SOURCE.ENTERED: "管理员录入",
    SOURCE.PROVISIONAL: "按法定节假日规则预估",
}

#: Shown next to every date computed through a provisional year.
ESTIMATED_LABEL = "预估"


def provisional_warning(year: int) -> str:
    return (
        f"{year}年节假日安排尚未公布，期限按《全国年节及纪念日放假办法》规定的法定节假日预估"
        "（未计调休），以国务院办公厅公布的安排为准"
    )


@functools.lru_cache(maxsize=64)
def provisional_year(year: int) -> YearCalendar:
    """The year computed from the statutory holiday rules (`gongkai.core.statutory_holidays`);
    CalendarNotCovered outside the years those rules and the lunar table cover."""
    from . import statutory_holidays

    if not statutory_holidays.covers(year):
        raise CalendarNotCovered(year)
    days = statutory_holidays.statutory_holidays(year)
    return YearCalendar(year, frozenset(days), frozenset(), SOURCE.PROVISIONAL, days)


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

    def holiday_ranges(self) -> list[tuple[dt.date, dt.date, str]]:
        """The holidays as (first day, last day, festival name), consecutive days of one name
        grouped together, in date order."""
        ranges: list[tuple[dt.date, dt.date, str]] = []
        for day in sorted(self.holidays):
            name = self.names.get(day, "")
            if ranges:
                first, last, last_name = ranges[-1]
                if day - last == dt.timedelta(days=1) and name == last_name:
                    ranges[-1] = (first, day, name)
                    continue
            ranges.append((day, day, name))
        return ranges

    def workday_list(self) -> list[tuple[dt.date, str]]:
        """The weekend days worked in exchange, with their name (e.g. 国庆节调休), in date order."""
        return [(day, self.names.get(day, "")) for day in sorted(self.workdays)]


@dataclass(frozen=True)
class Deadline:
    """A due date for display: `estimated` when part of the span is in an uncovered year and
    weekends only were counted there."""

    date: dt.date
    estimated: bool = False
    uncovered_years: tuple[int, ...] = ()


class WorkdayCalendar:
    """Pure working-day arithmetic over a fixed set of covered years."""

    def __init__(self, years: dict[int, YearCalendar], *, provisional: bool = False):
        self._years = dict(years)
        #: when True, a year without an official calendar (from 2025 on) is computed from the
        #: statutory holiday rules (`provisional_year`) instead of raising CalendarNotCovered
        self.provisional = provisional

    def with_provisional(self) -> WorkdayCalendar:
        """The same official years, with provisional years for the others."""
        return WorkdayCalendar(self._years, provisional=True)

    # -- coverage ---------------------------------------------------------------------------
    def covered_years(self) -> list[YearCalendar]:
        return [self._years[y] for y in sorted(self._years)]

    def covers(self, year: int) -> bool:
        """Whether an OFFICIAL calendar (package or entered) covers `year`."""
        return year in self._years

    def year(self, year: int) -> YearCalendar:
        try:
            return self._years[year]
        except KeyError:
            if self.provisional:
                return provisional_year(year)
            raise CalendarNotCovered(year) from None

    def is_provisional(self, year: int) -> bool:
        """Whether `year` is counted on the provisional (estimated) calendar."""
        return self.provisional and year not in self._years

    def provisional_years(self, *days: dt.date) -> tuple[int, ...]:
        """The provisional years in the span of `days` (inclusive)."""
        if not days or not self.provisional:
            return ()
        low, high = min(days).year, max(days).year
        return tuple(y for y in range(low, high + 1) if y not in self._years)

    # -- days -------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        return self.year(day.year).is_workday(day)

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The first working day after `day` (or `day` itself when inclusive and working)."""
        self.year(day.year)
        current = day if inclusive else day + dt.timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(current):
                return current
            current += dt.timedelta(days=1)
        raise ApplicationError("日历数据异常：一年内找不到工作日")

    def previous_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The last working day before `day` (or `day` itself when inclusive and working)."""
        self.year(day.year)
        current = day if inclusive else day - dt.timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(current):
                return current
            current -= dt.timedelta(days=1)
        raise ApplicationError("日历数据异常：一年内找不到工作日")

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (day 0). Negative n counts backwards; n == 0 is `day`."""
        _check_span(n)
        self.year(day.year)  # a start day in an uncovered year raises too
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
        """Working days in (start, end]; when end is before start, minus those in [end, start)."""
        self.year(start.year)
        self.year(end.year)
        one = dt.timedelta(days=1)
        count = 0
        if end >= start:
            current = start
            while current < end:
                current += one
                if self.is_workday(current):
                    count += 1
            return count
        current = start
        while current > end:
            current -= one
            if self.is_workday(current):
                count += 1
        return -count

    def deadline_estimate(self, day: dt.date, n: int) -> Deadline:
        """Like add_workdays, but through uncovered years counts weekends only and says so."""
        _check_span(n)
        try:
            result = self.add_workdays(day, n)
        except CalendarNotCovered:
            pass
        else:
            touched = self.provisional_years(day, result)
            return Deadline(result, estimated=bool(touched), uncovered_years=touched)
        reach = 2 * abs(n) + 30  # calendar days: far more than n working days can span
        lo = _shift(day, -reach).year if n < 0 else day.year
        hi = _shift(day, reach).year if n > 0 else day.year
        years = dict(self._years)
        missing: set[int] = set()
        for y in range(max(lo - 1, dt.MINYEAR), min(hi + 1, dt.MAXYEAR) + 1):
            if y not in years:
                missing.add(y)
                years[y] = YearCalendar(y, frozenset(), frozenset(), "weekends")
        result = WorkdayCalendar(years).add_workdays(day, n)
        low, high = sorted((day, result))
        touched = tuple(sorted(y for y in missing if low.year <= y <= high.year))
        return Deadline(result, estimated=bool(touched), uncovered_years=touched)

    def uncovered_years(self, start: dt.date, end: dt.date | None = None) -> tuple[int, ...]:
        """The years from start to end (inclusive, either order) that no source covers."""
        end = start if end is None else end
        low, high = sorted((start.year, end.year))
        return tuple(y for y in range(low, high + 1) if y not in self._years)


def _check_span(n: int) -> None:
    if abs(n) > MAX_WORKDAYS:
        raise ValidationFailed(f"工作日数超出范围：最多 {MAX_WORKDAYS} 个工作日")


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


# -- loading from the package and the database --------------------------------------------------

_VERSION_KEY = "gongkai:calendar:version"
#: Rebuild at least this often (seconds) even without a change signal, in case the shared cache
#: lost the version key (restart, eviction) while this process held an older calendar.
_MAX_AGE = 300.0
_lock = threading.Lock()
#: (version token, monotonic load time, calendar); tests reset it to None.
_loaded: tuple[object, float, WorkdayCalendar] | None = None


@functools.lru_cache(maxsize=1)
def _package_years() -> dict[int, YearCalendar]:
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


def package_years() -> dict[int, YearCalendar]:
    """The years the `chinesecalendar` package covers (static; computed once per process)."""
    return dict(_package_years())


def entered_years(year: int | None = None) -> dict[int, YearCalendar]:
    """The years administrators entered, read fresh from the database (only `year` if given)."""
    from .models import CalendarDay, CalendarYear

    years = CalendarYear.objects.all()
    days = CalendarDay.objects.all()
    if year is not None:
        years = years.filter(year=year)
        days = days.filter(calendar_year__year=year)
    result: dict[int, dict] = {
        y: {"holidays": set(), "workdays": set(), "names": {}}
        for y in years.values_list("year", flat=True)
    }
    for y, day, kind, name in days.values_list("calendar_year__year", "date", "kind", "name"):
        bucket = result[y]
        bucket["holidays" if kind == CalendarDay.Kind.HOLIDAY else "workdays"].add(day)
        if name:
            bucket["names"][day] = name
    return {
        y: YearCalendar(
            y,
            frozenset(b["holidays"]),
            frozenset(b["workdays"]),
            SOURCE.ENTERED,
            b["names"],
        )
        for y, b in result.items()
    }


def build_calendar() -> WorkdayCalendar:
    years = package_years()
    years.update(entered_years())  # an entered year replaces the package's
    return WorkdayCalendar(years)


def _current_version() -> object:
    try:
        return cache.get(_VERSION_KEY)
    except Exception:
        # A cache outage must not stop deadlines; _MAX_AGE still bounds staleness.
        logger.warning("calendar version unavailable from the cache", exc_info=True)
        return None


def get_calendar(*, provisional: bool = False) -> WorkdayCalendar:
    """The process-wide calendar, rebuilt when an administrator changes a year. With
    `provisional`, years without an official calendar are estimated from the statutory holiday
    rules (see `gongkai.core.statutory_holidays`) and the caller must mark what it computes
    through them as 预估 (`WorkdayCalendar.provisional_years`)."""
    global _loaded
    version = _current_version()
    loaded = _loaded
    if loaded is not None and loaded[0] == version and time.monotonic() - loaded[1] < _MAX_AGE:
        calendar = loaded[2]
    else:
        with _lock:
            calendar = build_calendar()
            _loaded = (version, time.monotonic(), calendar)
    return calendar.with_provisional() if provisional else calendar


def invalidate_calendar() -> None:
    """Called by services after a change to entered years; takes effect after commit."""

    def bump():
        global _loaded
        _loaded = None
        try:
            # A fresh random token, never expiring: an incremented counter could come back to a
            # value some idle process already holds after the key is evicted.
            cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:
            # Other processes catch up within _MAX_AGE.
            logger.warning("could not publish the calendar version", exc_info=True)

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


def is_covered(year: int) -> bool:
    """Whether the package or an administrator's entry covers `year`."""
    return get_calendar().covers(year)


def uncovered_years(start: dt.date, end: dt.date | None = None) -> tuple[int, ...]:
    return get_calendar().uncovered_years(start, end)
