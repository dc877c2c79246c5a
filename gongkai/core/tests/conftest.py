"""Fixtures for the core tests.

The working-day calendar is cached per process and invalidated on commit. Test transactions
never commit, so every test starts and ends with an empty cache: what one test entered cannot
leak into the next.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core import workdays


@pytest.fixture
def package_calendar() -> workdays.WorkdayCalendar:
    """The calendar from the chinesecalendar package alone (2004–2026), no database."""
    return workdays.WorkdayCalendar(workdays.package_years())


@pytest.fixture
def enter_2027(admin_user, django_capture_on_commit_callbacks):
    """Enter 2027 through the service, as an administrator would (a plausible arrangement)."""

    def _enter(**overrides):
        from gongkai.core.services import calendar_year_save

        arguments = {
            "actor": admin_user,
            "year": 2027,
            "notice": "国务院办公厅关于2027年部分节假日安排的通知",
            "holidays": [
                (dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦"),
                (dt.date(2027, 2, 6), dt.date(2027, 2, 13), "春节"),
                (dt.date(2027, 4, 3), dt.date(2027, 4, 5), "清明节"),
                (dt.date(2027, 5, 1), dt.date(2027, 5, 5), "劳动节"),
                (dt.date(2027, 6, 9), dt.date(2027, 6, 11), "端午节"),
                (dt.date(2027, 9, 15), dt.date(2027, 9, 17), "中秋节"),
                (dt.date(2027, 10, 1), dt.date(2027, 10, 7), "国庆节"),
            ],
            "workdays": [
                dt.date(2027, 2, 14),
                dt.date(2027, 2, 20),
                dt.date(2027, 4, 25),
                dt.date(2027, 5, 8),
                dt.date(2027, 9, 26),
                dt.date(2027, 10, 9),
            ],
        }
        arguments.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return calendar_year_save(**arguments)

    return _enter
