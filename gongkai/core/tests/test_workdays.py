"""The working-day calendar on real dates (the 2026 arrangement of the State Council)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core import workdays
from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import CalendarNotCovered, Deadline, WorkdayCalendar, YearCalendar

D = dt.date


class TestRealDates2026:
    @pytest.mark.parametrize("day", [D(2026, 1, 4), D(2026, 10, 10)])
    def test_weekend_days_worked_in_exchange_are_working_days(self, package_calendar, day):
        assert day.weekday() >= 5
        assert package_calendar.is_workday(day) is True

    @pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)] + [D(2026, 6, 19)])
    def test_holidays_are_not_working_days(self, package_calendar, day):
        assert package_calendar.is_workday(day) is False

    def test_ordinary_days(self, package_calendar):
        assert package_calendar.is_workday(D(2026, 11, 26)) is True  # a Thursday
        assert package_calendar.is_workday(D(2026, 11, 28)) is False  # a Saturday

    def test_twenty_working_days_across_national_day(self, package_calendar):
        assert package_calendar.add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)

    def test_seven_working_days_from_a_holiday(self, package_calendar):
        # 2026-09-25 is 中秋节; day 0 is the holiday itself.
        assert package_calendar.add_workdays(D(2026, 9, 25), 7) == D(2026, 10, 12)

    def test_workdays_between_is_the_inverse(self, package_calendar):
        assert package_calendar.workdays_between(D(2026, 9, 28), D(2026, 10, 30)) == 20
        assert package_calendar.workdays_between(D(2026, 9, 25), D(2026, 10, 12)) == 7

    def test_zero_is_the_day_itself(self, package_calendar):
        assert package_calendar.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
        assert package_calendar.workdays_between(D(2026, 10, 3), D(2026, 10, 3)) == 0

    def test_negative_counts_backwards(self, package_calendar):
        assert package_calendar.add_workdays(D(2026, 10, 12), -1) == D(2026, 10, 10)
        assert package_calendar.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
        assert package_calendar.add_workdays(D(2026, 10, 30), -20) == D(2026, 9, 28)
        # From a holiday backwards: the 1st working day before 2026-10-04 is 2026-09-30.
        assert package_calendar.add_workdays(D(2026, 10, 4), -1) == D(2026, 9, 30)

    def test_between_backwards_is_the_inverse_of_negative_add(self, package_calendar):
        assert package_calendar.workdays_between(D(2026, 10, 4), D(2026, 9, 30)) == -1
        assert package_calendar.workdays_between(D(2026, 10, 30), D(2026, 9, 28)) == -20

    def test_next_and_previous_workday(self, package_calendar):
        assert package_calendar.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
        assert package_calendar.next_workday(D(2026, 10, 9)) == D(2026, 10, 10)
        assert package_calendar.previous_workday(D(2026, 10, 8)) == D(2026, 9, 30)
        assert package_calendar.previous_workday(D(2026, 10, 12)) == D(2026, 10, 10)

    def test_inclusive_next_and_previous(self, package_calendar):
        assert package_calendar.next_workday(D(2026, 10, 8), inclusive=True) == D(2026, 10, 8)
        assert package_calendar.next_workday(D(2026, 10, 3), inclusive=True) == D(2026, 10, 8)
        assert package_calendar.previous_workday(D(2026, 10, 3), inclusive=True) == D(2026, 9, 30)

    def test_across_new_year_within_covered_years(self, package_calendar):
        # 2025-12-31 (Wed) + 1 → 2026-01-01..03 are 元旦, 2026-01-04 (Sun) is worked.
        assert package_calendar.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)

    def test_holiday_ranges_and_names(self, package_calendar):
        ranges = package_calendar.year(2026).holiday_ranges()
        assert (D(2026, 10, 1), D(2026, 10, 7), "国庆节") in ranges
        assert (D(2026, 6, 19), D(2026, 6, 21), "端午节") in ranges
        worked = dict(package_calendar.year(2026).workday_list())
        assert worked[D(2026, 10, 10)] == "国庆节调休"
        assert D(2026, 1, 4) in worked


class TestNotCovered:
    def test_a_2027_date_raises(self, package_calendar):
        with pytest.raises(CalendarNotCovered) as info:
            package_calendar.is_workday(D(2027, 1, 4))
        assert info.value.year == 2027
        assert info.value.message == "2027年节假日安排尚未录入，无法按工作日计算期限"
        assert info.value.code == "calendar_not_covered"

    def test_counting_into_2027_raises(self, package_calendar):
        with pytest.raises(CalendarNotCovered):
            package_calendar.add_workdays(D(2026, 12, 20), 20)
        with pytest.raises(CalendarNotCovered):
            package_calendar.workdays_between(D(2026, 12, 20), D(2027, 1, 20))
        with pytest.raises(CalendarNotCovered):
            package_calendar.next_workday(D(2026, 12, 31))
        with pytest.raises(CalendarNotCovered):
            package_calendar.previous_workday(D(2004, 1, 1))

    def test_a_start_day_in_an_uncovered_year_raises_even_for_zero(self, package_calendar):
        with pytest.raises(CalendarNotCovered):
            package_calendar.add_workdays(D(2027, 3, 1), 0)
        with pytest.raises(CalendarNotCovered):
            package_calendar.add_workdays(D(2003, 12, 31), 1)
        with pytest.raises(CalendarNotCovered):
            package_calendar.workdays_between(D(2027, 3, 1), D(2027, 3, 1))
        with pytest.raises(CalendarNotCovered):
            package_calendar.next_workday(D(2003, 12, 31))

    def test_never_a_silent_weekends_only_count(self, package_calendar):
        # There is no fallback in the exact functions: no year 2027 appears from nowhere.
        assert not package_calendar.covers(2027)
        assert [y.year for y in package_calendar.covered_years()] == list(range(2004, 2027))

    def test_huge_counts_are_refused(self, package_calendar):
        with pytest.raises(ValidationFailed):
            package_calendar.add_workdays(D(2026, 1, 5), workdays.MAX_WORKDAYS + 1)
        with pytest.raises(ValidationFailed):
            package_calendar.deadline_estimate(D(2026, 1, 5), -(workdays.MAX_WORKDAYS + 1))


class TestDeadlineEstimate:
    def test_covered_span_is_exact(self, package_calendar):
        assert package_calendar.deadline_estimate(D(2026, 9, 28), 20) == Deadline(D(2026, 10, 30))

    def test_span_into_2027_is_flagged(self, package_calendar):
        result = package_calendar.deadline_estimate(D(2026, 12, 20), 20)
        assert result.estimated is True
        assert result.uncovered_years == (2027,)
        # 12-21..12-31 give 9 working days; 2027 is counted Monday to Friday only.
        assert result.date == D(2027, 1, 15)

    def test_backwards_from_2027_is_flagged(self, package_calendar):
        result = package_calendar.deadline_estimate(D(2027, 1, 20), -20)
        assert result.estimated is True
        assert result.uncovered_years == (2027,)
        assert result.date.year == 2026

    def test_long_backward_span_before_2004(self, package_calendar):
        result = package_calendar.deadline_estimate(D(2004, 1, 20), -600)
        assert result.estimated is True
        assert result.uncovered_years == (2001, 2002, 2003)

    def test_zero_in_an_uncovered_year_is_flagged(self, package_calendar):
        result = package_calendar.deadline_estimate(D(2027, 3, 1), 0)
        assert result == Deadline(D(2027, 3, 1), estimated=True, uncovered_years=(2027,))

    def test_uncovered_years(self, package_calendar):
        assert package_calendar.uncovered_years(D(2026, 1, 1), D(2028, 1, 1)) == (2027, 2028)
        assert package_calendar.uncovered_years(D(2026, 5, 1)) == ()


class TestYearCalendar:
    def test_a_workday_in_exchange_wins_over_the_weekend(self):
        year = YearCalendar(2030, frozenset({D(2030, 1, 1)}), frozenset({D(2030, 1, 5)}), "x")
        calendar = WorkdayCalendar({2030: year})
        assert calendar.is_workday(D(2030, 1, 1)) is False  # holiday, a Tuesday
        assert calendar.is_workday(D(2030, 1, 5)) is True  # worked Saturday
        assert calendar.is_workday(D(2030, 1, 6)) is False  # Sunday

    def test_format_date(self):
        assert workdays.format_date(D(2026, 10, 30)) == "2026年10月30日"
        assert workdays.format_date(D(2027, 1, 1)) == "2027年1月1日"


@pytest.mark.django_db
class TestWithTheDatabase:
    def test_module_functions_use_package_years(self):
        assert workdays.add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)
        assert workdays.is_workday(D(2026, 10, 10)) is True
        assert workdays.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
        assert workdays.previous_workday(D(2026, 10, 8)) == D(2026, 9, 30)
        assert workdays.workdays_between(D(2026, 9, 28), D(2026, 10, 30)) == 20
        assert workdays.is_covered(2026) is True
        assert workdays.is_covered(2027) is False

    def test_2027_raises_until_entered_then_is_computable(self, enter_2027):
        with pytest.raises(CalendarNotCovered):
            workdays.is_workday(D(2027, 1, 4))
        with pytest.raises(CalendarNotCovered):
            workdays.add_workdays(D(2026, 12, 20), 20)
        assert workdays.deadline_estimate(D(2026, 12, 20), 20).estimated is True

        enter_2027()

        assert workdays.is_covered(2027) is True
        assert workdays.is_workday(D(2027, 1, 4)) is True  # a Monday
        assert workdays.is_workday(D(2027, 1, 1)) is False  # 元旦
        assert workdays.is_workday(D(2027, 2, 20)) is True  # worked Saturday
        assert workdays.is_workday(D(2027, 10, 5)) is False
        # 2026-12-21..31: 9 working days; 2027-01-04..: 11 more → 2027-01-18.
        assert workdays.add_workdays(D(2026, 12, 20), 20) == D(2027, 1, 18)
        assert workdays.deadline_estimate(D(2026, 12, 20), 20) == Deadline(D(2027, 1, 18))
        assert workdays.workdays_between(D(2026, 12, 20), D(2027, 1, 18)) == 20

    def test_an_entered_year_replaces_the_package(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        from gongkai.core.services import calendar_year_save

        assert workdays.is_workday(D(2026, 10, 9)) is True
        holidays = [
            (start, end, name)
            for start, end, name in workdays.package_years()[2026].holiday_ranges()
        ]
        holidays = [h for h in holidays if h[2] != "国庆节"] + [
            (D(2026, 10, 1), D(2026, 10, 9), "国庆节")
        ]
        with django_capture_on_commit_callbacks(execute=True):
            calendar_year_save(
                actor=admin_user,
                year=2026,
                notice="更正",
                holidays=holidays,
                workdays=[D(2026, 1, 4), D(2026, 10, 10)],
            )
        assert workdays.is_workday(D(2026, 10, 9)) is False
        assert workdays.is_workday(D(2026, 2, 14)) is False  # no longer listed as worked
        assert workdays.get_calendar().year(2026).source == workdays.SOURCE.ENTERED

    def test_deleting_an_entered_year_makes_it_uncovered_again(
        self, admin_user, enter_2027, django_capture_on_commit_callbacks
    ):
        from gongkai.core.services import calendar_year_delete

        enter_2027()
        assert workdays.is_covered(2027)
        with django_capture_on_commit_callbacks(execute=True):
            calendar_year_delete(actor=admin_user, year=2027)
        assert not workdays.is_covered(2027)


class TestCache:
    def test_the_calendar_is_built_once_and_reused(self, monkeypatch):
        calls = []

        def counting():
            calls.append(1)
            return WorkdayCalendar(workdays.package_years())

        monkeypatch.setattr(workdays, "build_calendar", counting)
        first = workdays.get_calendar()
        assert workdays.get_calendar() is first
        assert len(calls) == 1

    def test_a_new_version_in_the_shared_cache_forces_a_rebuild(self, monkeypatch):
        from django.core.cache import cache

        monkeypatch.setattr(
            workdays, "build_calendar", lambda: WorkdayCalendar(workdays.package_years())
        )
        first = workdays.get_calendar()
        # Another process saved a year: only the shared version changes here.
        cache.set(workdays._VERSION_KEY, "another-process", timeout=None)
        assert workdays.get_calendar() is not first

    def test_a_stale_calendar_is_rebuilt_after_max_age(self, monkeypatch):
        monkeypatch.setattr(
            workdays, "build_calendar", lambda: WorkdayCalendar(workdays.package_years())
        )
        first = workdays.get_calendar()
        version, loaded_at, calendar = workdays._loaded
        workdays._loaded = (version, loaded_at - workdays._MAX_AGE - 1, calendar)
        assert workdays.get_calendar() is not first

    @pytest.mark.django_db
    def test_invalidate_runs_on_commit(self, django_capture_on_commit_callbacks):
        from django.core.cache import cache

        workdays.get_calendar()
        before = cache.get(workdays._VERSION_KEY)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workdays.invalidate_calendar()
        assert workdays._loaded is not None  # nothing happens before commit
        assert len(callbacks) == 1
        callbacks[0]()
        assert workdays._loaded is None
        assert cache.get(workdays._VERSION_KEY) not in (None, before)
