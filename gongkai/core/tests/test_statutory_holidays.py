"""The provisional calendar: statutory holidays from the 2024 rules, the lunar table checked
against the chinesecalendar package, and deadlines through unpublished years marked 预估."""

from __future__ import annotations

import datetime as dt

import pytest
from chinese_calendar import constants

from gongkai.core import statutory_holidays as sh
from gongkai.core.workdays import (
    SOURCE,
    CalendarNotCovered,
    WorkdayCalendar,
    package_years,
    provisional_year,
)

D = dt.date


def _recorded(day: dt.date, name: str) -> bool:
    """The package lists a festival's weekday days off; a festival on a weekend shows as its
    neighbouring days off."""
    if constants.holidays.get(day) == name or (
        name == "Mid-autumn Festival" and constants.holidays.get(day) == "National Day"
    ):
        return True
    near = [day + dt.timedelta(days=k) for k in (-2, -1, 1, 2)]
    return day.weekday() >= 5 and any(constants.holidays.get(d) == name for d in near)


def test_lunar_table_matches_every_festival_the_package_records():
    # 春节 (正月初一) since 2004; 清明, 端午 and 中秋 became holidays in 2008.
    for year in range(2004, 2027):
        assert _recorded(sh.lunar_new_year(year), "Spring Festival"), year
        if year >= 2008:
            assert _recorded(sh.dragon_boat(year), "Dragon Boat Festival"), year
            assert _recorded(sh.mid_autumn(year), "Mid-autumn Festival"), year
            assert _recorded(sh.qingming(year), "Tomb-sweeping Day"), year


def test_a_wrong_table_entry_would_be_caught():
    assert not _recorded(sh.dragon_boat(2026) + dt.timedelta(days=7), "Dragon Boat Festival")


def test_known_dates_of_the_coming_years():
    assert sh.lunar_new_year(2027) == D(2027, 2, 6)
    assert sh.lunar_new_year(2028) == D(2028, 1, 26)
    assert sh.dragon_boat(2027) == D(2027, 6, 9)
    assert sh.mid_autumn(2027) == D(2027, 9, 15)
    assert sh.qingming(2027) == D(2027, 4, 5)


def test_2027_statutory_days_and_make_up_days():
    days = sh.statutory_holidays(2027)
    # 除夕 2027-02-05 (Fri) through 初三 2027-02-08 (Mon): Sat and Sun are made up Tue and Wed.
    for day in (D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)):
        assert days[day] == "春节"
    assert days[D(2027, 2, 9)] == "春节补假" and days[D(2027, 2, 10)] == "春节补假"
    assert days[D(2027, 1, 1)] == "元旦"
    assert days[D(2027, 5, 1)] == "劳动节" and days[D(2027, 5, 2)] == "劳动节"  # Sat, Sun
    assert days[D(2027, 5, 3)] == "劳动节补假" and days[D(2027, 5, 4)] == "劳动节补假"
    assert [days[D(2027, 10, d)] for d in (1, 2, 3)] == ["国庆节"] * 3
    assert days[D(2027, 10, 4)] == "国庆节补假" and days[D(2027, 10, 5)] == "国庆节补假"
    assert days[D(2027, 4, 5)] == "清明节"
    assert days[D(2027, 6, 9)] == "端午节" and days[D(2027, 9, 15)] == "中秋节"
    # 1 + 4 + 1 + 2 + 1 + 1 + 3 = 13 statutory days, plus 6 falling on weekends made up.
    assert len([n for n in days.values() if not n.endswith("补假")]) == 13
    assert len([n for n in days.values() if n.endswith("补假")]) == 6


def test_mid_autumn_on_national_day_is_one_day():
    days = sh.statutory_holidays(2031)  # 中秋 2031-10-01
    assert sh.mid_autumn(2031) == D(2031, 10, 1)
    assert len([n for n in days.values() if not n.endswith("补假")]) == 12


@pytest.mark.parametrize("year", [2025, 2026])
def test_rules_lose_as_many_working_days_as_the_published_years(year):
    """Swaps (调休) are net zero, so the working days a published year loses — weekday holidays
    minus weekend working days — equal the provisional year's weekday holidays."""
    official = package_years()[year]
    lost = len([d for d in official.holidays if d.weekday() < 5]) - len(official.workdays)
    provisional = sh.statutory_holidays(year)
    assert len([d for d in provisional if d.weekday() < 5]) == lost
    # and every statutory day is a holiday in the published arrangement
    statutory = [d for d, n in provisional.items() if not n.endswith("补假")]
    assert all(d in official.holidays for d in statutory)


def test_outside_the_rules_raises():
    with pytest.raises(CalendarNotCovered):
        provisional_year(2061)
    with pytest.raises(CalendarNotCovered):
        provisional_year(2020)
    assert provisional_year(2027).source == SOURCE.PROVISIONAL


def test_strict_calendar_still_refuses_unpublished_years():
    strict = WorkdayCalendar(package_years())
    with pytest.raises(CalendarNotCovered):
        strict.add_workdays(D(2026, 12, 21), 20)


def test_no_deadline_lands_on_a_holiday_or_weekend_in_unpublished_years():
    cal = WorkdayCalendar(package_years(), provisional=True)
    day = D(2026, 11, 1)
    while day < D(2030, 12, 31):
        for n in (7, 15, 20, 40):
            due = cal.add_workdays(day, n)
            year = provisional_year(due.year) if cal.is_provisional(due.year) else None
            assert due.weekday() < 5 or due in cal.year(due.year).workdays
            if year is not None:
                assert due not in year.holidays
        day += dt.timedelta(days=3)


def test_deadline_estimate_marks_provisional_years():
    cal = WorkdayCalendar(package_years(), provisional=True)
    within = cal.deadline_estimate(D(2026, 9, 28), 20)
    assert within.date == D(2026, 10, 30) and not within.estimated
    across = cal.deadline_estimate(D(2026, 12, 21), 20)
    assert across.date == D(2027, 1, 19) and across.estimated
    assert across.uncovered_years == (2027,)
