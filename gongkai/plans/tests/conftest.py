"""Fixtures shared by the plans tests."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def whole_year_plans(monkeypatch):
    """New plans start on 1 January instead of today (tests written against the full-year
    ledger of a plan year that may be the current one; the start date itself is tested in
    test_effective_from.py)."""
    from gongkai.plans.services import imports, ledger

    monkeypatch.setattr(imports, "default_effective_from", lambda year, today: None)
    # and edits regenerate the whole year (keeping the past is tested in test_item_units.py)
    monkeypatch.setattr(ledger, "_today", lambda: dt.date(2000, 1, 1))


@pytest.fixture
def fresh_calendar():
    """The working-day calendar rebuilt from the packaged years before and after the test."""
    from gongkai.plans.tests.importing import reset_calendar

    reset_calendar()
    yield
    reset_calendar()
