"""The reply clock (gongkai.foi.clock) with real dates on the package calendar (2026 covered,
2027 not)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongkai.core.workdays import WorkdayCalendar, package_years
from gongkai.foi.clock import ClockEvent, K, compute_due, warning_text
from gongkai.foi.models import Event

D = dt.date
CAL = WorkdayCalendar({y: c for y, c in package_years().items() if y in (2024, 2025, 2026)})


def ev(kind, day, **data):
    return ClockEvent(kind, day, data)


SEP28 = D(2026, 9, 28)


def received(day=SEP28):
    return [ev(K.ARRIVED, day), ev(K.RECEIVED, day)]


def test_kinds_mirror_event_kinds():
    names = [n for n in vars(K) if n.isupper()]
    assert names
    for name in names:
        assert getattr(K, name) == getattr(Event.Kind, name).value


def test_received_2026_09_28_due_2026_10_30():
    clock = compute_due(received(), CAL)
    assert clock.due == D(2026, 10, 30)
    assert clock.start == D(2026, 9, 28)
    assert not clock.paused and clock.overdue_possible and not clock.estimated
    assert clock.steps == [
        "2026年9月28日收到申请，为第0日",
        "自收到之日起20个工作日：2026年10月30日",
    ]


def test_extension_of_20_is_40_workdays_from_receipt():
    events = [*received(), ev(K.EXTENDED, D(2026, 10, 26), workdays=20, approver="王主任")]
    clock = compute_due(events, CAL)
    assert clock.due == CAL.add_workdays(D(2026, 9, 28), 40) == D(2026, 11, 27)
    assert clock.steps[-1] == "经负责人同意延长20个工作日，期限为2026年11月27日"


def test_partial_extension():
    events = [*received(), ev(K.EXTENDED, D(2026, 10, 26), workdays=5)]
    assert compute_due(events, CAL).due == D(2026, 11, 6)


def test_correction_restarts_twenty_days_from_its_arrival():
    events = [
        *received(),
        ev(K.CORRECTION_REQUESTED, D(2026, 9, 30), deadline="2026-10-20"),
    ]
    pending = compute_due(events, CAL)
    assert pending.due is None
    assert pending.paused and pending.pause_reason == "correction"
    assert not pending.overdue_possible
    assert not pending.is_overdue(D(2027, 6, 1))
    assert "2026年9月30日告知申请人补正（补正期限：2026年10月20日）" in pending.steps[-1]

    events.append(ev(K.CORRECTION_RECEIVED, D(2026, 10, 15)))
    clock = compute_due(events, CAL)
    assert clock.start == D(2026, 10, 15)
    assert clock.due == CAL.add_workdays(D(2026, 10, 15), 20) == D(2026, 11, 12)
    assert clock.steps[-2:] == [
        "2026年10月15日收到补正材料，重新计算，为第0日",
        "自收到补正之日起20个工作日：2026年11月12日",
    ]
    assert not clock.paused and clock.overdue_possible


def test_correction_expired_ends_the_clock():
    events = [
        *received(),
        ev(K.CORRECTION_REQUESTED, D(2026, 9, 30)),
        ev(K.CORRECTION_EXPIRED, D(2026, 10, 30)),
    ]
    clock = compute_due(events, CAL)
    assert clock.due is None and clock.finished and not clock.paused
    assert not clock.overdue_possible
    assert "逾期未补正" in clock.steps[-1]


def test_consultation_moves_due_by_exactly_its_workdays():
    # 2026-10-10 is a Saturday worked in exchange for National Day: 8 working days in (9 Oct, 20 Oct]
    start, end = D(2026, 10, 9), D(2026, 10, 20)
    assert CAL.workdays_between(start, end) == 8
    events = [
        *received(),
        ev(K.CONSULTATION_STARTED, start, id="1", party="third_party"),
        ev(K.CONSULTATION_ENDED, end, id="1"),
    ]
    clock = compute_due(events, CAL)
    assert clock.due == CAL.add_workdays(D(2026, 10, 30), 8) == D(2026, 11, 11)
    assert clock.steps[-1] == (
        "2026年10月9日至2026年10月20日征求第三方意见，不计入期限（8个工作日），"
        "期限顺延至2026年11月11日"
    )
    assert "第三方应在15个工作日内（2026年10月29日前）提出意见" in clock.steps[-2]


def test_open_consultation_pauses_and_never_overdue():
    events = [*received(), ev(K.CONSULTATION_STARTED, D(2026, 10, 12), id="1", party="agency")]
    clock = compute_due(events, CAL)
    assert clock.paused and clock.pause_reason == "consultation"
    assert clock.due is None and not clock.overdue_possible
    assert not clock.is_overdue(D(2026, 12, 31))
    assert "征求其他行政机关意见" in clock.steps[-1]
    assert "暂停时剩余14个工作日" in clock.steps[-1]


def test_overlapping_consultations_count_each_day_once():
    events = [
        *received(),
        ev(K.CONSULTATION_STARTED, D(2026, 10, 12), id="a"),
        ev(K.CONSULTATION_STARTED, D(2026, 10, 14), id="b", party="agency"),
        ev(K.CONSULTATION_ENDED, D(2026, 10, 16), id="b"),
        ev(K.CONSULTATION_ENDED, D(2026, 10, 19), id="a"),
    ]
    clock = compute_due(events, CAL)
    # union (12 Oct, 19 Oct] = 13, 14, 15, 16, 19 → 5 working days
    assert clock.due == CAL.add_workdays(D(2026, 10, 30), 5)


def test_fee_notice_pauses_until_paid():
    events = [*received(), ev(K.FEE_NOTICE, D(2026, 10, 12))]
    assert compute_due(events, CAL).paused
    events.append(ev(K.FEE_PAID, D(2026, 10, 16)))
    clock = compute_due(events, CAL)
    assert clock.due == CAL.add_workdays(D(2026, 10, 30), 4)


def test_art35_delay_sets_the_date():
    events = [*received(), ev(K.DELAYED, D(2026, 10, 20), until="2026-12-15", reason="数量过大")]
    clock = compute_due(events, CAL)
    assert clock.due == D(2026, 12, 15)
    assert clock.steps[-1] == "依据《条例》第三十五条确定延迟答复期限：2026年12月15日"


def test_reply_stops_overdue():
    events = [*received(), ev(K.REPLIED, D(2026, 11, 3))]
    clock = compute_due(events, CAL)
    assert clock.due == D(2026, 10, 30)
    assert not clock.overdue_possible and clock.replied_on == D(2026, 11, 3)
    assert clock.steps[-1] == "2026年11月3日作出答复，超过期限2个工作日"
    assert not clock.is_overdue(D(2026, 12, 1))


def test_not_received_yet_has_no_due():
    clock = compute_due([ev(K.ARRIVED, D(2026, 9, 28))], CAL)
    assert clock.due is None and not clock.overdue_possible and not clock.paused
    assert clock.steps == ["尚未确认收到申请，答复期限尚未开始计算"]


def test_uncovered_year_is_estimated_with_warning():
    clock = compute_due(received(D(2026, 12, 21)), CAL)
    assert clock.estimated
    assert clock.uncovered_years == (2027,)
    assert clock.warnings == ["2027年节假日安排尚未录入，期限按周末推算，可能不准确"]
    assert warning_text(2027) == clock.warnings[0]
    # weekends only in 2027 (its New Year's Day counts as a working day), as deadline_estimate
    assert clock.due == D(2027, 1, 18) == CAL.deadline_estimate(D(2026, 12, 21), 20).date
    assert clock.steps[1] == "自收到之日起20个工作日：2027年1月18日"
    assert clock.overdue_possible


def test_covered_span_is_not_estimated():
    clock = compute_due(received(D(2026, 11, 2)), CAL)
    assert not clock.estimated and clock.warnings == [] and clock.uncovered_years == ()


def test_is_overdue_is_after_the_due_day():
    clock = compute_due(received(), CAL)
    assert not clock.is_overdue(D(2026, 10, 30))
    assert clock.is_overdue(D(2026, 10, 31))


# -- properties ------------------------------------------------------------------------------

covered_days = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 6, 30))


@st.composite
def histories(draw):
    """Random but plausible event histories (no Art. 35 delay: its date is the agency's)."""
    day = draw(covered_days)
    events = [ev(K.RECEIVED, day)]
    current = day
    for _ in range(draw(st.integers(0, 4))):
        current += dt.timedelta(days=draw(st.integers(0, 10)))
        choice = draw(st.sampled_from(["consult", "extend", "correct"]))
        if choice == "consult":
            end = current + dt.timedelta(days=draw(st.integers(0, 20)))
            events += [
                ev(K.CONSULTATION_STARTED, current, id=str(len(events))),
                ev(K.CONSULTATION_ENDED, end, id=str(len(events))),
            ]
            current = end
        elif choice == "extend":
            events.append(ev(K.EXTENDED, current, workdays=draw(st.integers(1, 20))))
        else:
            back = current + dt.timedelta(days=draw(st.integers(0, 15)))
            events += [ev(K.CORRECTION_REQUESTED, current), ev(K.CORRECTION_RECEIVED, back)]
            current = back
    return events


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(histories())
def test_property_due_is_a_working_day(events):
    clock = compute_due(events, CAL)
    assert clock.due is not None
    assert CAL.is_workday(clock.due)


@settings(max_examples=150, deadline=None)
@given(covered_days, st.integers(0, 30), st.integers(0, 30))
def test_property_pause_of_k_workdays_moves_due_by_k(day, offset, length):
    start = day + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=length)
    base = compute_due([ev(K.RECEIVED, day)], CAL).due
    paused = compute_due(
        [
            ev(K.RECEIVED, day),
            ev(K.CONSULTATION_STARTED, start, id="x"),
            ev(K.CONSULTATION_ENDED, end, id="x"),
        ],
        CAL,
    ).due
    k = CAL.workdays_between(start, end)
    assert CAL.workdays_between(base, paused) == k
    assert paused == CAL.add_workdays(base, k)


@settings(max_examples=150, deadline=None)
@given(histories(), st.sampled_from(["consult", "correct", "fee"]), st.integers(0, 400))
def test_property_open_pause_is_never_overdue(events, pause, later):
    last = max(e.date for e in events)
    kind = {
        "consult": K.CONSULTATION_STARTED,
        "correct": K.CORRECTION_REQUESTED,
        "fee": K.FEE_NOTICE,
    }[pause]
    clock = compute_due([*events, ev(kind, last, id="open")], CAL)
    assert clock.paused
    assume(True)
    assert not clock.overdue_possible
    assert not clock.is_overdue(last + dt.timedelta(days=later))


@pytest.mark.parametrize("n", [1, 7, 20])
def test_extension_adds_exactly_n(n):
    base = compute_due(received(), CAL).due
    extended = compute_due([*received(), ev(K.EXTENDED, D(2026, 10, 20), workdays=n)], CAL).due
    assert CAL.workdays_between(base, extended) == n
