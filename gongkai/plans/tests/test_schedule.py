"""Periods and due dates per rule kind, on the real 2026 calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import WorkdayCalendar, package_years
from gongkai.plans.schedule import clean_rule, default_period, event_period, periods

CAL = WorkdayCalendar(package_years())
D = dt.date


def test_monthly_25th_moves_to_previous_workday():
    result = periods("monthly", {"day": 25}, 2026, CAL)
    assert len(result) == 12
    dues = {p.label: p.due for p in result}
    # 2026-01-25 is a Sunday → Friday 23rd; 2026-04-25 Saturday → 24th; 2026-10-25 Sunday → 23rd.
    assert dues["2026年1月"] == D(2026, 1, 23)
    assert dues["2026年4月"] == D(2026, 4, 24)
    assert dues["2026年10月"] == D(2026, 10, 23)
    # A working 25th stays: 2026-03-25 is a Wednesday.
    assert dues["2026年3月"] == D(2026, 3, 25)


def test_month_end_is_last_working_day():
    dues = {p.label: p.due for p in periods("monthly", {"day": "end"}, 2026, CAL)}
    assert dues["2026年1月"] == D(2026, 1, 30)  # 31st is a Saturday
    assert dues["2026年9月"] == D(2026, 9, 30)
    assert dues["2026年5月"] == D(2026, 5, 29)  # 30-31 weekend


def test_once_quarterly_half_yearly_yearly():
    (once,) = periods("once", {"month": 6, "day": "end"}, 2026, CAL)
    assert once.due == D(2026, 6, 30)
    (year_end,) = periods("once", {"month": 12, "day": "end"}, 2026, CAL)
    assert year_end.due == D(2026, 12, 31)
    assert [p.due for p in periods("quarterly", {}, 2026, CAL)] == [
        D(2026, 3, 31),
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
    ]
    assert [p.label for p in periods("half_yearly", {}, 2026, CAL)] == [
        "2026年上半年",
        "2026年下半年",
    ]
    (yearly,) = periods("yearly", {}, 2026, CAL)
    assert yearly.due == D(2026, 12, 31)


def test_quarterly_working_days_after_quarter_end_cross_national_day():
    result = periods("quarterly", {"workdays": 10}, 2026, CAL)
    dues = [p.due for p in result]
    # Q1 ends Tue 31 Mar → 10 working days (Qingming 4–6 Apr off) → Wed 15 Apr.
    assert dues[0] == D(2026, 4, 15)
    # Q3 ends Wed 30 Sep; 1–7 Oct are off and Sat 10 Oct is worked → Tue 20 Oct.
    assert dues[2] == D(2026, 10, 20)
    # Q4's due date is in January of the next year (weekends only while 2027 is unpublished).
    assert dues[3].year == 2027 and dues[3] > D(2027, 1, 1)
    assert [p.end for p in result] == [
        D(2026, 3, 31),
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
    ]


def test_ongoing_work_reports_half_yearly_or_at_the_cadence_set():
    half = periods("continuous", {"report_every": "half_yearly"}, 2026, CAL)
    assert [(p.label, p.due) for p in half] == [
        ("2026年上半年（持续）", D(2026, 6, 30)),
        ("2026年下半年（持续）", D(2026, 12, 31)),
    ]
    assert len(periods("continuous", {"report_every": "quarterly"}, 2026, CAL)) == 4
    assert len(periods("continuous", {"report_every": "yearly"}, 2026, CAL)) == 1
    assert clean_rule({"kind": "continuous", "report_every": "half_yearly"}) == (
        "continuous",
        {"report_every": "half_yearly"},
    )
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "continuous", "report_every": "weekly"})
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "monthly", "report_every": "half_yearly"})


def test_kinds_without_periods():
    assert periods("event", {"workdays": 10}, 2026, CAL) == []
    assert periods("statutory", {}, 2026, CAL) == []
    assert periods("periodic", {}, 2026, CAL) == []
    assert len(periods("periodic", {"interval_days": 90}, 2026, CAL)) == 5
    assert len(periods("continuous", {}, 2026, CAL)) == 1
    assert default_period(2026, CAL).due == D(2026, 12, 31)


def test_event_period_counts_working_days():
    period = event_period({"workdays": 10}, D(2026, 9, 28), CAL)
    assert period.due == D(2026, 10, 16)  # 9-29, 9-30, 10-8, 10-9, 10-10 (调休), 10-12..10-16
    assert CAL.workdays_between(D(2026, 9, 28), period.due) == 10


def test_clean_rule_rejects_bad_input():
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "monthly", "day": 40})
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "nonsense"})
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "event"})
    with pytest.raises(ValidationFailed):
        clean_rule({"kind": "periodic", "interval_days": 0})
    assert clean_rule({"kind": "timely"}) == ("timely", {"workdays": 20})
    assert clean_rule({"kind": "monthly", "label": "x"}) == ("monthly", {"day": "end"})


RULES = st.one_of(
    st.builds(
        lambda d: {"kind": "monthly", "day": d}, st.one_of(st.integers(1, 31), st.just("end"))
    ),
    st.builds(
        lambda m, d: {"kind": "once", "month": m, "day": d},
        st.integers(1, 12),
        st.one_of(st.integers(1, 31), st.just("end")),
    ),
    st.builds(lambda m: {"kind": "yearly", "month": m}, st.integers(1, 12)),
    st.just({"kind": "quarterly"}),
    st.just({"kind": "half_yearly"}),
    st.just({"kind": "weekly"}),
    st.builds(lambda i: {"kind": "periodic", "interval_days": i}, st.integers(1, 366)),
    st.just({"kind": "continuous"}),
)


@settings(max_examples=200, deadline=None)
@given(rule=RULES, year=st.integers(2005, 2026))
def test_every_due_date_is_a_working_day_within_its_year(rule, year):
    kind, params = clean_rule(rule)
    for period in periods(kind, params, year, CAL):
        assert CAL.is_workday(period.due)
        assert period.due.year == year
        assert period.start <= period.end
