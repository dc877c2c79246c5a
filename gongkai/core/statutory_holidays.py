"""Provisional holidays for years whose official arrangement is not yet published (预估日历).

The State Council publishes each year's arrangement (放假安排, with its swapped working days,
调休) in November of the year before. Until then, the days off are still known by law:
《全国年节及纪念日放假办法》 as revised by the State Council on 12 November 2024 (in force
1 January 2025), Art. 2 — holidays for all citizens:

    元旦   1 day   1月1日
    春节   4 days  农历除夕、正月初一至初三
    清明节 1 day   农历清明当日 (the solar term, from `chinese_calendar.get_solar_terms`)
    劳动节 2 days  5月1日、2日
    端午节 1 day   农历端午当日 (五月初五)
    中秋节 1 day   农历中秋当日 (八月十五)
    国庆节 3 days  10月1日至3日

and Art. 6: a holiday for all citizens that falls on a Saturday or Sunday is made up on a working
day (补假). The provisional calendar gives each such day one weekday off, the first weekday after
the holiday that is not a holiday itself. The swaps (调休上班 on weekends, 调休放假 on weekdays)
cannot be known before the notice; a provisional year has none. A deadline counted through a
provisional year is therefore an estimate (预估) and every place that shows it says so.

Lunar dates: the project has no lunar-calendar library (chinesecalendar knows the solar terms but
not lunar months), so the Gregorian dates of 正月初一, 五月初五 and 八月十五 are kept in the small
table `LUNAR_DATES` below for 2004–2060. It was generated once with the `lunardate` package (a
pure-Python port of the Hong Kong Observatory tables) and is checked in the tests against every
Spring Festival, Dragon Boat and Mid-autumn holiday the `chinesecalendar` package records
(2004–2026). A table beats a new dependency here: 57 lines, no runtime import, and a year outside
it raises `CalendarNotCovered` instead of guessing.

    statutory_holidays(year) -> dict[date, str]       the statutory days off and their 补假
    provisional_year(year) -> YearCalendar            source SOURCE.PROVISIONAL
    PROVISIONAL_FROM, PROVISIONAL_UNTIL                the years the rules above apply to
"""

from __future__ import annotations

import datetime as dt
import functools

#: The 2024 revision applies from 2025; the lunar table ends in 2060.
PROVISIONAL_FROM = 2025
PROVISIONAL_UNTIL = 2060

#: year: (正月初一 month, day, 端午 month, day, 中秋 month, day) in the Gregorian calendar.
LUNAR_DATES: dict[int, tuple[int, int, int, int, int, int]] = {
    2004: (1, 22, 6, 22, 9, 28),
    2005: (2, 9, 6, 11, 9, 18),
    2006: (1, 29, 5, 31, 10, 6),
    2007: (2, 18, 6, 19, 9, 25),
    2008: (2, 7, 6, 8, 9, 14),
    2009: (1, 26, 5, 28, 10, 3),
    2010: (2, 14, 6, 16, 9, 22),
    2011: (2, 3, 6, 6, 9, 12),
    2012: (1, 23, 6, 23, 9, 30),
    2013: (2, 10, 6, 12, 9, 19),
    2014: (1, 31, 6, 2, 9, 8),
    2015: (2, 19, 6, 20, 9, 27),
    2016: (2, 8, 6, 9, 9, 15),
    2017: (1, 28, 5, 30, 10, 4),
    2018: (2, 16, 6, 18, 9, 24),
    2019: (2, 5, 6, 7, 9, 13),
    2020: (1, 25, 6, 25, 10, 1),
    2021: (2, 12, 6, 14, 9, 21),
    2022: (2, 1, 6, 3, 9, 10),
    2023: (1, 22, 6, 22, 9, 29),
    2024: (2, 10, 6, 10, 9, 17),
    2025: (1, 29, 5, 31, 10, 6),
    2026: (2, 17, 6, 19, 9, 25),
    2027: (2, 6, 6, 9, 9, 15),
    2028: (1, 26, 5, 28, 10, 3),
    2029: (2, 13, 6, 16, 9, 22),
    2030: (2, 3, 6, 5, 9, 12),
    2031: (1, 23, 6, 24, 10, 1),
    2032: (2, 11, 6, 12, 9, 19),
    2033: (1, 31, 6, 1, 9, 8),
    2034: (2, 19, 6, 20, 9, 27),
    2035: (2, 8, 6, 10, 9, 16),
    2036: (1, 28, 5, 30, 10, 4),
    2037: (2, 15, 6, 18, 9, 24),
    2038: (2, 4, 6, 7, 9, 13),
    2039: (1, 24, 5, 27, 10, 2),
    2040: (2, 12, 6, 14, 9, 20),
    2041: (2, 1, 6, 3, 9, 10),
    2042: (1, 22, 6, 22, 9, 28),
    2043: (2, 10, 6, 11, 9, 17),
    2044: (1, 30, 5, 31, 10, 5),
    2045: (2, 17, 6, 19, 9, 25),
    2046: (2, 6, 6, 8, 9, 15),
    2047: (1, 26, 5, 29, 10, 4),
    2048: (2, 14, 6, 15, 9, 22),
    2049: (2, 2, 6, 4, 9, 11),
    2050: (1, 23, 6, 23, 9, 30),
    2051: (2, 11, 6, 13, 9, 19),
    2052: (2, 1, 6, 1, 9, 7),
    2053: (2, 19, 6, 20, 9, 26),
    2054: (2, 8, 6, 10, 9, 16),
    2055: (1, 28, 5, 30, 10, 5),
    2056: (2, 15, 6, 17, 9, 24),
    2057: (2, 4, 6, 6, 9, 13),
    2058: (1, 24, 6, 25, 10, 2),
    2059: (2, 12, 6, 14, 9, 21),
    2060: (2, 2, 6, 3, 9, 9),
}

NEW_YEAR = "元旦"
SPRING = "春节"
QINGMING = "清明节"
LABOUR = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL = "国庆节"
MAKE_UP = "补假"


def lunar_new_year(year: int) -> dt.date:
    m, d, *_ = LUNAR_DATES[year]
    return dt.date(year, m, d)


def dragon_boat(year: int) -> dt.date:
    _, _, m, d, _, _ = LUNAR_DATES[year]
    return dt.date(year, m, d)


def mid_autumn(year: int) -> dt.date:
    *_, m, d = LUNAR_DATES[year]
    return dt.date(year, m, d)


def qingming(year: int) -> dt.date:
    from chinese_calendar import get_solar_terms

    for day, name in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)):
        if "清明" in str(name):
            return day
    raise ValueError(f"no 清明 found in {year}")  # pragma: no cover - the package covers 1900-2100


def _festivals(year: int) -> list[tuple[str, list[dt.date]]]:
    """The statutory days off in `year` by festival (Art. 2). A 除夕 in the previous Gregorian
    year is not returned here (it belongs to that year's list)."""
    one = dt.timedelta(days=1)
    spring = [lunar_new_year(year) - one + i * one for i in range(4)]
    # 春节 of the next lunar year may start on 31 December (除夕) — never since 1900, but cheap.
    if year + 1 in LUNAR_DATES and (eve := lunar_new_year(year + 1) - one).year == year:
        spring.append(eve)  # pragma: no cover
    return [
        (NEW_YEAR, [dt.date(year, 1, 1)]),
        (SPRING, [d for d in spring if d.year == year]),
        (QINGMING, [qingming(year)]),
        (LABOUR, [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
        (DRAGON_BOAT, [dragon_boat(year)]),
        (MID_AUTUMN, [mid_autumn(year)]),
        (NATIONAL, [dt.date(year, 10, d) for d in (1, 2, 3)]),
    ]


@functools.lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[tuple[dt.date, str], ...]:
    if not PROVISIONAL_FROM <= year <= PROVISIONAL_UNTIL:
        raise KeyError(year)
    days: dict[dt.date, str] = {}
    for name, dates in _festivals(year):
        for day in dates:
            # 中秋 and 国庆 can coincide (2020, 2031): the day is one holiday, not two.
            days.setdefault(day, name)
    one = dt.timedelta(days=1)
    # Art. 6: each holiday on a Saturday or Sunday is made up on the next free weekday after it.
    for name, dates in _festivals(year):
        for day in dates:
            if day.weekday() < 5:
                continue
            candidate = max(dates) + one
            while candidate.weekday() >= 5 or candidate in days:
                candidate += one
            if candidate.year == year:
                days[candidate] = f"{name}{MAKE_UP}"
    return tuple(sorted(days.items()))


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory days off of `year` (Art. 2) with the make-up days of Art. 6, by name.
    KeyError outside PROVISIONAL_FROM..PROVISIONAL_UNTIL."""
    return dict(_statutory(year))


def covers(year: int) -> bool:
    return PROVISIONAL_FROM <= year <= PROVISIONAL_UNTIL
