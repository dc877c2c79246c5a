"""Properties of working-day arithmetic over the covered years 2004–2026 (chinesecalendar)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gongkai.core.workdays import WorkdayCalendar, package_years

CALENDAR = WorkdayCalendar(package_years())

# Dates and counts chosen so that every result stays inside 2004–2026: 400 working days never
# span more than 600 calendar days.
dates = st.dates(min_value=dt.date(2006, 1, 1), max_value=dt.date(2024, 12, 31))
counts = st.integers(min_value=-400, max_value=400)
positive = st.integers(min_value=1, max_value=200)
any_covered_date = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31))

common = settings(max_examples=300, deadline=None)


@common
@given(day=dates, n=counts)
def test_between_undoes_add(day, n):
    assert CALENDAR.workdays_between(day, CALENDAR.add_workdays(day, n)) == n


@common
@given(start=dates, end=dates)
def test_add_undoes_between_when_the_end_is_a_working_day(start, end):
    assume(start != end and CALENDAR.is_workday(end))
    assert CALENDAR.add_workdays(start, CALENDAR.workdays_between(start, end)) == end


@common
@given(day=dates, n=counts)
def test_results_fall_on_working_days(day, n):
    assume(n != 0)
    assert CALENDAR.is_workday(CALENDAR.add_workdays(day, n))


@common
@given(day=dates, n=counts, m=counts)
def test_add_is_strictly_monotonic_in_n(day, n, m):
    assume(n != m)
    low, high = sorted((n, m))
    assert CALENDAR.add_workdays(day, low) < CALENDAR.add_workdays(day, high)


@common
@given(start=dates, a=dates, b=dates)
def test_between_is_monotonic_in_the_end(start, a, b):
    low, high = sorted((a, b))
    assert CALENDAR.workdays_between(start, low) <= CALENDAR.workdays_between(start, high)


@common
@given(day=dates, m=positive, n=positive)
def test_adding_in_two_steps_is_adding_once(day, m, n):
    assert CALENDAR.add_workdays(CALENDAR.add_workdays(day, m), n) == CALENDAR.add_workdays(
        day, m + n
    )
    assert CALENDAR.add_workdays(CALENDAR.add_workdays(day, -m), -n) == CALENDAR.add_workdays(
        day, -m - n
    )


@common
@given(day=dates)
def test_next_and_previous_are_one_step(day):
    assert CALENDAR.next_workday(day) == CALENDAR.add_workdays(day, 1)
    assert CALENDAR.previous_workday(day) == CALENDAR.add_workdays(day, -1)
    nxt = CALENDAR.next_workday(day)
    # Nothing between day and its next working day is a working day.
    current = day + dt.timedelta(days=1)
    while current < nxt:
        assert not CALENDAR.is_workday(current)
        current += dt.timedelta(days=1)


@common
@given(day=dates, n=positive)
def test_a_span_of_n_working_days_contains_exactly_n(day, n):
    result = CALENDAR.add_workdays(day, n)
    span = (result - day).days
    stepped = [day + dt.timedelta(days=i) for i in range(1, span + 1)]
    assert sum(CALENDAR.is_workday(d) for d in stepped) == n


@settings(max_examples=500, deadline=None)
@given(day=any_covered_date)
def test_agrees_with_the_package(day):
    assert CALENDAR.is_workday(day) == chinese_calendar.is_workday(day)
