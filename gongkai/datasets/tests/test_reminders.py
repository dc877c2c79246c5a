"""双公示 publication deadline (7 working days from the decision date) through the reminder
engine: due soon, overdue, once per due date, cleared by publication; republished rows do not
restart the clock."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from gongkai.core.models import Notification
from gongkai.core.reminders.engine import run_reminders
from gongkai.datasets.models import Period
from gongkai.datasets.services.imports import import_rows
from gongkai.datasets.services.periods import period_publish, period_submit
from gongkai.datasets.tests.factories import builtin_dataset, credit_code, csv_bytes

pytestmark = pytest.mark.django_db


def licence_row(labels, decided: str, n: int = 1) -> list[str]:
    code = credit_code()
    values = {
        "行政相对人名称": f"某某餐饮店{n}",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": code,
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": f"珠高市监许〔2026〕{n}号",
        "许可类别": "普通",
        "许可内容": "食品经营（餐饮服务）",
        "许可决定日期": decided,
        "有效期自": decided,
        "有效期至": "2031-10-08",
        "许可机关": "珠海高新区市场监督管理局",
        "许可机关统一社会信用代码": code,
        "当前状态": "有效",
        "数据来源单位": "珠海高新区市场监督管理局",
        "数据来源单位统一社会信用代码": code,
    }
    return [values.get(label, "") for label in labels]


@pytest.fixture
def licensing(unit_a):
    return builtin_dataset("admin-licensing", unit_a)


def load(actor, dataset, rows):
    labels = [f.label for f in dataset.fields.all()]
    result = import_rows(
        actor=actor,
        dataset=dataset,
        stream=io.BytesIO(csv_bytes([labels, *[licence_row(labels, *r) for r in rows]])),
        name="xk.csv",
    )
    assert result.ok, result.errors
    return Period.objects.get(dataset=dataset)


def test_deadline_is_seven_working_days_from_the_earliest_new_decision(staff, licensing):
    # 2026-10-09 (Fri) + 7 working days = 2026-10-19 (Mon): Saturday 10-10 is a working day
    # made up for the National Day holiday
    period = load(staff["liaison"], licensing, [("2026-10-12", 1), ("2026-10-09", 2)])
    assert period.due_date == dt.date(2026, 10, 19)


def test_due_soon_then_overdue_once_each_cleared_by_publication(staff, licensing):
    period = load(staff["liaison"], licensing, [("2026-10-09", 1)])
    run_reminders(day=dt.date(2026, 10, 14), sources=["datasets"])  # not yet
    assert not Notification.objects.exists()
    run_reminders(day=dt.date(2026, 10, 15), sources=["datasets"])
    run_reminders(day=dt.date(2026, 10, 16), sources=["datasets"])
    soon = Notification.objects.filter(kind="datasets.deadline_due_soon")
    assert soon.filter(user=staff["liaison"]).count() == 1
    assert soon.filter(user=staff["reviewer"]).count() == 1
    run_reminders(day=dt.date(2026, 10, 20), sources=["datasets"])
    overdue = Notification.objects.filter(kind="datasets.deadline_overdue", user=staff["liaison"])
    assert overdue.count() == 1 and "某某" not in overdue.get().body
    sent = Notification.objects.filter(kind__startswith="datasets.deadline").count()
    assert sent == 8  # two events, each to the unit's two liaisons and two reviewers
    period_submit(actor=staff["liaison"], period=period)
    period = period_publish(actor=staff["reviewer"], period=period)
    assert period.due_date is None
    run_reminders(day=dt.date(2026, 10, 22), sources=["datasets"])
    assert Notification.objects.filter(kind__startswith="datasets.deadline").count() == sent


def test_republished_rows_do_not_restart_the_clock(staff, licensing):
    period = load(staff["liaison"], licensing, [("2026-10-09", 1)])
    period_submit(actor=staff["liaison"], period=period)
    period_publish(actor=staff["reviewer"], period=period)
    # the whole register again with one new decision
    period = load(staff["liaison"], licensing, [("2026-10-09", 1), ("2026-11-02", 2)])
    assert period.due_date == dt.date(2026, 11, 11)
