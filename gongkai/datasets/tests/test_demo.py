"""Demo data of 数据发布: built-in datasets, published months, one month waiting for review;
a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.datasets.demo import demo_datasets_load
from gongkai.datasets.models import Dataset, Period, PeriodStatus
from gongkai.orgs.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_datasets(client):
    demo_load()
    result = demo_datasets_load(today=dt.date(2026, 10, 15))
    assert len(result.created) == 8 and Dataset.objects.count() == 8
    water = Period.objects.filter(dataset__slug="water-quality").order_by("key")
    assert [p.key for p in water] == [f"2026-{m:02d}" for m in range(1, 10)]
    assert {p.status for p in water[:8]} == {PeriodStatus.PUBLISHED}
    assert water.last().status == PeriodStatus.SUBMITTED
    assert result.periods_waiting == 1 and result.periods_published == 9 + 9 + 3 + 1 - 1
    assert client.get("/sjfb/water-quality/2026-08/").status_code == 200
    assert client.get("/sjfb/blacklist/register/").status_code == 200
    periods = Period.objects.count()
    again = demo_datasets_load(today=dt.date(2026, 10, 15))
    assert again.created == [] and again.skipped == "演示数据已存在"
    assert Period.objects.count() == periods
