"""Fixtures for the core tests.

The working-day calendar is cached per process and invalidated on commit. Test transactions
never commit, so every test starts and ends with an empty cache: what one test entered cannot
leak into the next.
"""

from __future__ import annotations

import pytest

from gongkai.core import workdays


@pytest.fixture
def package_calendar() -> workdays.WorkdayCalendar:
    """The calendar from the chinesecalendar package alone (2004–2026), no database."""
    return workdays.WorkdayCalendar(workdays.package_years())
