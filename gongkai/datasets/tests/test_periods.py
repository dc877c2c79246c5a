"""Review and publishing of periods: permissions, the personal-data scan, corrections as new
versions, and the bound plan task submitted on publication."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from unittest import mock

import pytest
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, Notification
from gongkai.datasets.models import Period, PeriodStatus, PeriodVersion, Record
from gongkai.datasets.services.imports import import_rows, record_add
from gongkai.datasets.services.periods import (
    SYSTEM_NOTE,
    period_discard_draft,
    period_publish,
    period_return,
    period_submit,
)
from gongkai.datasets.tests.factories import WATER_HEADER, builtin_dataset, csv_bytes, water_rows
from gongkai.plans.models import Task, TaskLink, TaskStatus
from gongkai.plans.services.ledger import ledger_generate
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db
BASE = "https://gongkai.example.gov.cn"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.GONGKAI_BASE_URL = BASE + "/"


@contextlib.contextmanager
def on(day: dt.date):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def water(unit_a):
    return builtin_dataset("water-quality", unit_a)


def imported(actor, dataset, rows, **kwargs) -> Period:
    result = import_rows(
        actor=actor,
        dataset=dataset,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *rows])),
        name="w.csv",
        **kwargs,
    )
    assert result.ok, result.errors
    return Period.objects.get(dataset=dataset, key=result.period_key)


def test_submit_approve_publish(staff, water):
    period = imported(staff["liaison"], water, water_rows(n=3))
    with pytest.raises(PermissionDenied):
        period_submit(actor=staff["liaison_b"], period=period)
    period = period_submit(actor=staff["liaison"], period=period)
    assert period.status == PeriodStatus.SUBMITTED
    assert Notification.objects.filter(
        kind="datasets.period_submitted", user=staff["reviewer"]
    ).exists()
    with pytest.raises(PermissionDenied):  # a liaison cannot approve
        period_publish(actor=staff["liaison"], period=period)
    with pytest.raises(ValidationFailed):  # nor can anything be imported while in review
        imported(staff["liaison"], water, water_rows(n=1))
    period = period_publish(actor=staff["reviewer"], period=period)
    assert period.status == PeriodStatus.PUBLISHED
    assert period.published_revision == 1 and period.published_rows == 3
    assert period.draft_revision == 0
    assert PeriodVersion.objects.get(period=period).rows == 3
    assert AuditEvent.objects.filter(action="datasets.period_publish").count() == 1


def test_return_needs_a_reason_and_notifies_liaisons(staff, water):
    period = period_submit(
        actor=staff["liaison"], period=imported(staff["liaison"], water, water_rows())
    )
    with pytest.raises(ValidationFailed, match="退回理由"):
        period_return(actor=staff["reviewer"], period=period, reason=" ")
    period = period_return(actor=staff["reviewer"], period=period, reason="断面名称有误")
    assert period.status == PeriodStatus.RETURNED and period.return_reason == "断面名称有误"
    assert Notification.objects.filter(kind="datasets.period_returned", user=staff["liaison"])


def test_correction_is_a_new_version_with_a_public_change_note(staff, water):
    period = imported(staff["liaison"], water, water_rows(n=3))
    period_submit(actor=staff["liaison"], period=period)
    period_publish(actor=staff["reviewer"], period=period)
    # a correction: the published rows stay public while the draft is prepared
    period = imported(staff["liaison"], water, water_rows(n=5))
    assert period.status == PeriodStatus.DRAFT and period.published_revision == 1
    assert Record.objects.filter(period=period, revision=1).count() == 3
    assert Record.objects.filter(period=period, revision=2).count() == 5
    period_submit(actor=staff["liaison"], period=period)
    with pytest.raises(ValidationFailed, match="更正说明"):
        period_publish(actor=staff["reviewer"], period=period)
    period = period_publish(actor=staff["reviewer"], period=period, change_note="补充两个水源")
    assert period.published_revision == 2 and period.published_rows == 5
    assert not Record.objects.filter(period=period, revision=1).exists()
    assert [v.change_note for v in period.versions.all()] == ["补充两个水源", ""]


def test_hand_entry_on_a_published_period_copies_it_into_a_draft(staff, water):
    period = imported(staff["liaison"], water, water_rows(n=2))
    period_submit(actor=staff["liaison"], period=period)
    period_publish(actor=staff["reviewer"], period=period)
    values = dict(zip([f.name for f in water.fields.all()], water_rows(n=3)[2], strict=True))
    record_add(actor=staff["liaison"], dataset=water, period_key="2026-10", values=values)
    period.refresh_from_db()
    assert period.draft_rows == 3 and period.published_rows == 2
    period = period_discard_draft(actor=staff["liaison"], period=period)
    assert period.status == PeriodStatus.PUBLISHED and period.draft_revision == 0
    assert Record.objects.filter(period=period).count() == 2


def test_personal_data_in_a_cell_blocks_publishing_until_released(staff, water):
    rows = water_rows(n=2)
    rows[1][7] = "联系人张三，电话13800138000"
    period = period_submit(actor=staff["liaison"], period=imported(staff["liaison"], water, rows))
    with pytest.raises(ValidationFailed, match="个人信息") as exc:
        period_publish(actor=staff["reviewer"], period=period)
    assert exc.value.extra["pii"][0]["row"] == 3 and exc.value.extra["pii"][0]["column"] == "备注"
    period = period_publish(actor=staff["reviewer"], period=period, pii_override_reason="公开电话")
    assert period.versions.get().pii_override_reason == "公开电话"


@pytest.fixture
def bound(unit_a, coordinator, water):
    plan = PlanFactory(year=2026)
    item = item_with(
        plan=plan,
        units=[unit_a],
        rules=[{"kind": "monthly"}],
        title="每月发布集中式生活饮用水水源水质监测信息",
    )
    ledger_generate(actor=coordinator, plan=plan)
    water.plan_item = item
    water.save()
    return item


def test_publishing_submits_the_bound_task_of_the_month(staff, water, bound):
    with on(dt.date(2026, 11, 10)):
        period = imported(staff["liaison"], water, water_rows("2026-10"))
        period_submit(actor=staff["liaison"], period=period)
        period_publish(actor=staff["reviewer"], period=period)
    task = Task.objects.get(item=bound, period_start=dt.date(2026, 11, 1))
    assert task.status == TaskStatus.SUBMITTED
    link = TaskLink.objects.get(task=task)
    assert link.url == f"{BASE}/sjfb/water-quality/2026-10/"
    assert SYSTEM_NOTE in task.entries.get(kind="submit").text
    others = Task.objects.filter(item=bound).exclude(pk=task.pk)
    assert not others.exclude(status=TaskStatus.NOT_STARTED).exists()


def test_a_publisher_who_may_submit_submits_in_their_own_name(staff, water, bound):
    with on(dt.date(2026, 11, 10)):
        period = imported(staff["coordinator"], water, water_rows("2026-10"))
        period_submit(actor=staff["coordinator"], period=period)
        period_publish(actor=staff["coordinator"], period=period)
    task = Task.objects.get(item=bound, period_start=dt.date(2026, 11, 1))
    assert task.status == TaskStatus.SUBMITTED
    assert task.entries.get(kind="submit").actor == staff["coordinator"]
