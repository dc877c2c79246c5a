"""`gongkai demo` loads a demo catalog: the column tree, task bindings and published samples."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.catalog.demo import COLUMNS, SAMPLE_SUFFIX, demo_catalog_load
from gongkai.catalog.models import (
    Column,
    ColumnBinding,
    Item,
    ItemStatus,
    PublicState,
    ReviewEntry,
    Validity,
)
from gongkai.catalog.selectors.staff import interpretations_of, policies_without_interpretation
from gongkai.core.workdays import get_calendar
from gongkai.orgs.demo import demo_load
from gongkai.orgs.models import Unit, User
from gongkai.plans.demo import demo_plan_load
from gongkai.plans.models import ItemUnit, Task, TaskLink, TaskStatus

pytestmark = pytest.mark.django_db

SEED_CODES = {
    "zfxxgkzn",
    "zfxxgkzd",
    "fdzdgknr",
    "zfxxgkndbg",
    "qzqd",
    "gfxwj",
    "zcjd",
    "yjs",
    "zdjsxm",
    "hjxx",
    "spyp",
    "fdc",
    "aqsc",
    "fpyshjz",
    "tzgg",
    "gzdt",
}


@pytest.fixture
def loaded(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
        demo_plan_load(today=today)
        result = demo_catalog_load(today=today)
    return result


def test_column_tree_covers_the_seed_obligations(loaded):
    codes = set(Column.objects.values_list("code", flat=True))
    assert codes >= SEED_CODES
    assert codes == {c.code for c in COLUMNS}
    kinds = dict(Column.objects.values_list("code", "kind"))
    assert kinds["zfxxgkzn"] == Column.Kind.GUIDE
    assert kinds["zfxxgkndbg"] == Column.Kind.ANNUAL_REPORT
    assert kinds["gfxwj"] == Column.Kind.POLICY
    assert kinds["zcjd"] == Column.Kind.INTERPRETATION
    assert kinds["tzgg"] == Column.Kind.NOTICE and kinds["gzdt"] == Column.Kind.NEWS
    stale = dict(Column.objects.values_list("code", "stale_after_days"))
    assert stale["tzgg"] == 180 and stale["gzdt"] == 14
    assert Column.objects.get(code="fdzdgknr").parent.code == "zfxxgk"
    assert Column.objects.get(code="gfxwj").parent.code == "fdzdgknr"
    assert list(Column.objects.get(code="yjs").units.values_list("short_name", flat=True)) == [
        "区发改财政局"
    ]


def test_every_sample_is_published_and_marked(loaded):
    items = list(Item.objects.all())
    assert 28 <= len(items) == len(loaded.items) <= 40
    for item in items:
        assert item.is_sample, item.title
        assert item.title.endswith(SAMPLE_SUFFIX), item.title
        assert item.status == ItemStatus.PUBLISHED and item.public_state == PublicState.LIVE, (
            item.title
        )
        assert item.current_version is not None and item.current_version.title == item.title
        assert item.review_entries.filter(kind=ReviewEntry.Kind.PUBLISH).exists()
    # several items per domain column, published by the demo accounts
    per_column = {c.code: c.items.count() for c in Column.objects.all()}
    for code in (
        "zfxxgkzn",
        "zfxxgkzd",
        "zfxxgkndbg",
        "qzqd",
        "gfxwj",
        "zcjd",
        "spyp",
        "aqsc",
        "fpyshjz",
        "tzgg",
        "gzdt",
    ):
        assert per_column[code] >= 1, code
    publishers = set(Item.objects.values_list("current_version__published_by__username", flat=True))
    assert {"gongkaiban", "fgcz_reviewer", "shsy_reviewer"} <= publishers
    # news columns are fresh, so the demo site shows no stale column
    today = timezone.localdate()
    news = Item.objects.filter(column__code="gzdt").order_by("-publish_date").first()
    assert (today - news.publish_date).days <= 14


def test_policy_interpretation_and_flags(loaded):
    fund = Item.objects.get(title="珠海高新区财政专项资金管理办法" + SAMPLE_SUFFIX)
    interpretation = Item.objects.get(
        title="《珠海高新区财政专项资金管理办法》政策解读" + SAMPLE_SUFFIX
    )
    assert interpretation.interprets == fund
    assert list(interpretations_of(fund)) == [interpretation]
    coordinator = User.objects.get(username="gongkaiban")
    flagged = set(policies_without_interpretation(user=coordinator).values_list("title", flat=True))
    assert "珠海高新区政府投资项目管理办法" + SAMPLE_SUFFIX in flagged
    assert fund.title not in flagged
    assert "珠海高新区政府投资项目管理暂行办法" + SAMPLE_SUFFIX not in flagged  # abolished


def test_abolished_policy_has_its_marking_task(loaded):
    old = Item.objects.get(title="珠海高新区政府投资项目管理暂行办法" + SAMPLE_SUFFIX)
    new = Item.objects.get(title="珠海高新区政府投资项目管理办法" + SAMPLE_SUFFIX)
    assert old.validity == Validity.ABOLISHED and old.replaced_by == new
    assert old.validity_date == new.publish_date
    task = loaded.marking_task
    assert task is not None and task.unit == old.unit
    assert task.event_date == old.validity_date
    assert task.due_date == get_calendar().add_workdays(old.validity_date, 10)
    assert "已废止" in task.event_note
    assert ItemUnit.objects.filter(item=task.item, unit=old.unit).exists()


def test_monthly_budget_item_submits_the_bound_task_8(loaded):
    fgcz = Unit.objects.get(short_name="区发改财政局")
    binding = ColumnBinding.objects.get(column__code="czszyb")
    assert "一般公共预算收支完成情况" in binding.plan_item.text
    revenue = Item.objects.filter(column__code="czszyb").order_by("-publish_date").first()
    day = revenue.publish_date
    tasks = Task.objects.filter(
        item=binding.plan_item,
        unit=fgcz,
        period_start__lte=day,
        period_end__gte=day,
        rule__kind="monthly",
    )
    assert tasks.exists()
    for task in tasks:
        assert task.status == TaskStatus.SUBMITTED
        link = TaskLink.objects.get(task=task, url__endswith=f"/xxgk/item/{revenue.pk}/")
        assert link.title == revenue.title
        # published by the reviewer (no SUBMIT): submitted by the system, said so
        entry = task.entries.get(kind="submit")
        assert entry.actor is None and entry.text.startswith("发布信息自动报送")
    assert loaded.bindings_created == 4 and loaded.tasks_submitted >= 2


def test_demo_catalog_is_idempotent(loaded, django_capture_on_commit_callbacks):
    counts = (
        Column.objects.count(),
        Item.objects.count(),
        ColumnBinding.objects.count(),
        Task.objects.count(),
    )
    links = TaskLink.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = demo_catalog_load(today=timezone.localdate())
    assert not again.created and again.columns_created == 0 and again.bindings_created == 0
    after = (
        Column.objects.count(),
        Item.objects.count(),
        ColumnBinding.objects.count(),
        Task.objects.count(),
    )
    assert after == counts and TaskLink.objects.count() == links


def test_demo_command_loads_the_catalog_once(django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=out)
    n = Item.objects.filter(is_sample=True).count()
    assert n >= 28
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=out)
    assert Item.objects.filter(is_sample=True).count() == n


def test_demo_dates_never_in_the_future(loaded):
    now = timezone.now()
    today = timezone.localdate()
    assert not Item.objects.filter(published_at__gt=now).exists()
    assert not Item.objects.filter(publish_date__gt=today).exists()
    assert not Item.objects.filter(written_date__gt=today).exists()
