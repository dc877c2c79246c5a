"""Task binding: publishing into a bound column submits the period's task with the item as
evidence — first publication only, within the period only, once per task."""

from __future__ import annotations

import contextlib
import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from gongkai.catalog.models import Column, ColumnBinding
from gongkai.catalog.services.binding import (
    SYSTEM_NOTE,
    binding_create,
    binding_delete,
    bindings_on_publish,
)
from gongkai.catalog.services.items import item_approve, item_publish, item_revise, item_submit
from gongkai.catalog.tests.factories import ColumnFactory, published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.plans.models import Task, TaskEntry, TaskLink, TaskStatus
from gongkai.plans.services.ledger import ledger_generate
from gongkai.plans.services.tasks import task_return
from gongkai.plans.tests.factories import PlanFactory, PlanItemFactory, item_with

pytestmark = pytest.mark.django_db

BASE = "https://gongkai.example.gov.cn"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.GONGKAI_BASE_URL = BASE + "/"


@contextlib.contextmanager
def on(day: dt.date, hour: int = 10):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def column():
    return ColumnFactory(code="czszyb", name="财政收支月报", kind=Column.Kind.DATA)


@pytest.fixture
def plan_item(unit_a, unit_b, coordinator):
    """A monthly obligation of two units in the 2026 plan, with its ledger generated."""
    plan = PlanFactory(year=2026)
    item = item_with(
        plan=plan,
        units=[unit_a, unit_b],
        rules=[{"kind": "monthly", "day": 25}],
        title="按月公开一般公共预算收支完成情况",
    )
    ledger_generate(actor=coordinator, plan=plan)
    return item


@pytest.fixture
def bound(plan_item, column, coordinator):
    return binding_create(actor=coordinator, plan_item=plan_item, column=column)


def publish(*, unit, column, actor, day: dt.date, title="2026年1—4月一般公共预算收支完成情况"):
    """Publish through the services on `day`, running the on-commit receivers."""
    with on(day):
        return published_item(unit=unit, column=column, actor=actor, title=title)


def task_of(plan_item, unit, month):
    return Task.objects.get(item=plan_item, unit=unit, period_start=dt.date(2026, month, 1))


def test_publishing_submits_the_period_task_with_the_item_as_evidence(
    bound, plan_item, column, unit_a, unit_b, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 5, 14))
    task = task_of(plan_item, unit_a, 5)
    assert task.status == TaskStatus.SUBMITTED
    entry = task.entries.get(kind=TaskEntry.Kind.SUBMIT)
    assert entry.actor == coordinator
    assert entry.text == f"已在“财政收支月报”栏目发布《{item.title}》（索引号 {item.index_number}）"
    link = TaskLink.objects.get(task=task)
    assert link.url == f"{BASE}/xxgk/item/{item.pk}/" and link.title == item.title
    assert AuditEvent.objects.filter(
        action="task.submit", object_id=str(task.pk), actor=coordinator
    ).exists()
    # other months and the other unit's task stay as they were
    assert task_of(plan_item, unit_a, 4).status == TaskStatus.NOT_STARTED
    assert task_of(plan_item, unit_a, 6).status == TaskStatus.NOT_STARTED
    assert task_of(plan_item, unit_b, 5).status == TaskStatus.NOT_STARTED
    assert Task.objects.filter(status=TaskStatus.SUBMITTED).count() == 1


def test_a_reviewer_publishing_submits_as_the_system(
    bound, plan_item, column, unit_a, reviewer_a, liaison_a, django_capture_on_commit_callbacks
):
    from gongkai.catalog.services.items import item_create

    with django_capture_on_commit_callbacks(execute=True), on(dt.date(2026, 7, 2)):
        item = item_create(
            actor=liaison_a,
            unit=unit_a,
            column=column,
            title="2026年1—6月收支情况",
            body="<p>数据。</p>",
        )
        item = item_submit(actor=liaison_a, item=item)
        item = item_approve(actor=reviewer_a, item=item, publish=True)
    task = task_of(plan_item, unit_a, 7)
    assert task.status == TaskStatus.SUBMITTED
    entry = task.entries.get(kind=TaskEntry.Kind.SUBMIT)
    assert entry.actor is None
    assert entry.text.startswith(SYSTEM_NOTE) and str(reviewer_a) in entry.text
    assert entry.links.get().url.endswith(f"/xxgk/item/{item.pk}/")
    audit = AuditEvent.objects.get(action="task.submit", object_id=str(task.pk))
    assert audit.actor is None and audit.actor_label == "系统"
    assert audit.summary.startswith(SYSTEM_NOTE)
    assert audit.after["published_by"] == reviewer_a.pk and audit.after["catalog_item"] == item.pk


def test_publishing_outside_every_period_does_nothing(plan_item, column, unit_a, coordinator):
    once = item_with(plan=plan_item.plan, units=[unit_a], rules=[{"kind": "once", "month": 3}])
    ledger_generate(actor=coordinator, plan=plan_item.plan)
    ColumnBinding.objects.all().delete()
    binding_create(actor=coordinator, plan_item=once, column=column)
    item = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 4, 2))
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk, first=True) == []
    assert not Task.objects.filter(status=TaskStatus.SUBMITTED).exists()
    assert not TaskLink.objects.exists()


def test_an_unbound_column_does_nothing(bound, plan_item, unit_a, coordinator):
    other = ColumnFactory(kind=Column.Kind.NEWS)
    item = publish(unit=unit_a, column=other, actor=coordinator, day=dt.date(2026, 5, 14))
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk, first=True) == []
    assert not Task.objects.filter(status=TaskStatus.SUBMITTED).exists()


def test_a_second_publication_does_nothing(
    plan_item, column, unit_a, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 5, 14))
    # bound only after the first publication: publishing the revision must not submit the task
    binding_create(actor=coordinator, plan_item=plan_item, column=column)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, on(dt.date(2026, 5, 20)):
        item = item_revise(actor=coordinator, item=item)
        item = item_submit(actor=coordinator, item=item)
        item = item_approve(actor=coordinator, item=item)
        item_publish(actor=coordinator, item=item, change_note="更正数据")
    assert callbacks  # the publish event did run
    task = task_of(plan_item, unit_a, 5)
    assert task.status == TaskStatus.NOT_STARTED and not task.entries.exists()
    # and the receiver itself recognises a revision when not told
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk) == []
    assert task_of(plan_item, unit_a, 5).status == TaskStatus.NOT_STARTED


def test_the_receiver_is_idempotent_per_task(bound, plan_item, column, unit_a, coordinator):
    item = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 5, 14))
    task = task_of(plan_item, unit_a, 5)
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk, first=True) == [task.pk]
    task_return(actor=coordinator, task=task, reason="请补充说明")
    # a replay of the same publication finds the item already linked to the (returned) task
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk, first=True) == []
    assert TaskLink.objects.filter(task=task).count() == 1
    assert task.entries.filter(kind=TaskEntry.Kind.SUBMIT).count() == 1


def test_only_open_tasks_are_submitted(bound, plan_item, column, unit_a, coordinator):
    first = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 5, 14))
    bindings_on_publish(item_id=first.pk, actor_id=coordinator.pk, first=True)
    second = publish(
        unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 5, 15), title="另一条"
    )
    assert bindings_on_publish(item_id=second.pk, actor_id=coordinator.pk, first=True) == []


def test_publishing_in_a_sub_column_of_a_bound_column(plan_item, unit_a, coordinator):
    parent = ColumnFactory(code="yjs", name="预决算", kind=Column.Kind.OTHER)
    child = ColumnFactory(code="zfyjs", name="政府预决算", kind=Column.Kind.DATA, parent=parent)
    binding_create(actor=coordinator, plan_item=plan_item, column=parent)
    item = publish(unit=unit_a, column=child, actor=coordinator, day=dt.date(2026, 8, 3))
    assert bindings_on_publish(item_id=item.pk, actor_id=coordinator.pk, first=True) == [
        task_of(plan_item, unit_a, 8).pk
    ]


def test_the_shortest_period_is_submitted(column, unit_a, coordinator):
    plan = PlanFactory(year=2026)
    item = item_with(
        plan=plan, units=[unit_a], rules=[{"kind": "monthly", "day": "end"}, {"kind": "continuous"}]
    )
    ledger_generate(actor=coordinator, plan=plan)
    binding_create(actor=coordinator, plan_item=item, column=column)
    published = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 9, 9))
    submitted = bindings_on_publish(item_id=published.pk, actor_id=coordinator.pk, first=True)
    task = Task.objects.get(pk__in=submitted)
    assert task.rule.kind == "monthly" and task.period_start == dt.date(2026, 9, 1)
    assert Task.objects.get(item=item, rule__kind="continuous").status == TaskStatus.NOT_STARTED
    # a second publication that month does not fall through to the yearly task
    again = publish(
        unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 9, 20), title="又一条"
    )
    assert bindings_on_publish(item_id=again.pk, actor_id=coordinator.pk, first=True) == []
    assert Task.objects.get(item=item, rule__kind="continuous").status == TaskStatus.NOT_STARTED


def test_event_tasks_are_not_completed_by_publishing(column, unit_a, coordinator):
    from gongkai.plans.services.ledger import task_create_for_event

    plan = PlanFactory(year=2026)
    item = item_with(
        plan=plan, units=[unit_a], rules=[{"kind": "event", "event": "abolition", "workdays": 10}]
    )
    task = task_create_for_event(
        actor=coordinator,
        rule=item.rules.get(),
        unit=unit_a,
        event_date=dt.date(2026, 9, 1),
        note="某文件废止",
    )
    binding_create(actor=coordinator, plan_item=item, column=column)
    published = publish(unit=unit_a, column=column, actor=coordinator, day=dt.date(2026, 9, 3))
    assert bindings_on_publish(item_id=published.pk, actor_id=coordinator.pk, first=True) == []
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_binding_services_need_the_coordinator(plan_item, column, liaison_a, leader, coordinator):
    for actor in (liaison_a, leader):
        with pytest.raises(PermissionDenied):
            binding_create(actor=actor, plan_item=plan_item, column=column)
    binding = binding_create(actor=coordinator, plan_item=plan_item, column=column)
    assert AuditEvent.objects.filter(action="catalog.binding_create").exists()
    with pytest.raises(ValidationFailed, match="已绑定"):
        binding_create(actor=coordinator, plan_item=plan_item, column=column)
    heading = PlanItemFactory(plan=plan_item.plan, is_task=False)
    with pytest.raises(ValidationFailed, match="工作任务"):
        binding_create(actor=coordinator, plan_item=heading, column=column)
    with pytest.raises(PermissionDenied):
        binding_delete(actor=liaison_a, binding=binding)
    binding_delete(actor=coordinator, binding=binding)
    assert not ColumnBinding.objects.exists()
    assert AuditEvent.objects.filter(action="catalog.binding_delete").exists()


# ---------------------------------------------------------------------------------------------
# The pages.


def test_binding_pages(plan_item, column, coordinator, leader, liaison_a, login):
    url = f"/workbench/catalog/bindings/plan/{plan_item.plan_id}/"
    client = login(coordinator)
    response = client.post(url + "add/", {"plan_item": plan_item.pk, "column": column.pk})
    assert response.status_code == 302
    binding = ColumnBinding.objects.get()
    page = client.get(url).content.decode()
    assert "按月公开一般公共预算收支完成情况" in page and "财政收支月报" in page and "解除" in page
    assert client.get("/workbench/catalog/bindings/").status_code == 302

    leader_page = login(leader).get(url)
    assert leader_page.status_code == 200 and "解除" not in leader_page.content.decode()
    assert (
        login(leader)
        .post(url + "add/", {"plan_item": plan_item.pk, "column": column.pk})
        .status_code
        == 403
    )
    assert login(liaison_a).get(url).status_code == 403
    assert (
        login(liaison_a).post(f"/workbench/catalog/bindings/{binding.pk}/delete/").status_code
        == 403
    )

    assert (
        login(coordinator).post(f"/workbench/catalog/bindings/{binding.pk}/delete/").status_code
        == 302
    )
    assert not ColumnBinding.objects.exists()


def test_binding_page_shows_a_duplicate_as_an_error(bound, plan_item, column, coordinator, login):
    response = login(coordinator).post(
        f"/workbench/catalog/bindings/plan/{plan_item.plan_id}/add/",
        {"plan_item": plan_item.pk, "column": column.pk},
    )
    assert response.status_code == 400 and "已绑定此栏目" in response.content.decode()
    assert ColumnBinding.objects.count() == 1
