"""Monthly statistics: received, answered, on time, average working days to reply, satisfaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.interaction.selectors import public
from gongkai.interaction.services import messages as svc

from .factories import message, replied

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def on_day(monkeypatch):
    """Make `timezone.localdate()` (no argument) answer a given day."""
    original = timezone.localdate

    def set_day(day):
        monkeypatch.setattr(
            timezone, "localdate", lambda *a, **k: original(*a, **k) if a or k else day
        )

    return set_day


def test_monthly_figures(on_day, unit_a, liaison_a, reviewer_a):
    early = message(unit=unit_a, received=D(2026, 9, 28))
    late = message(unit=unit_a, received=D(2026, 9, 28))
    message(unit=unit_a, received=D(2026, 9, 29))  # not answered
    message(unit=unit_a, received=D(2026, 10, 12))
    on_day(D(2026, 10, 9))
    replied(early, unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    on_day(D(2026, 10, 12))
    replied(late, unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    svc.message_rate(message=early, satisfaction="satisfied")
    svc.message_rate(message=late, satisfaction="unsatisfied")
    rows = public.monthly_statistics(2026)
    sep, octo = rows[8], rows[9]
    assert (sep["received"], sep["answered"], sep["on_time"]) == (3, 2, 1)
    # 4 working days (9/29, 9/30, 10/8, 10/9) and 6 (… 10/10 is a make-up working day, 10/12)
    assert sep["avg_workdays"] == 5.0
    assert (sep["rated"], sep["satisfaction"]) == (2, 50)
    assert (octo["received"], octo["answered"], octo["avg_workdays"]) == (1, 0, None)
    assert rows[0]["received"] == 0 and rows[0]["satisfaction"] is None
