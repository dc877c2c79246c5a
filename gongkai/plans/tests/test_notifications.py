"""Every hand-off of the plans app tells exactly the people who act next, once each, and never
the person who acted."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from gongkai.core.models import Notification
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.permissions import forget_roles
from gongkai.orgs.tests.factories import user_with_role
from gongkai.plans import notifications, services
from gongkai.plans.models import Task
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.plans.tests.importing import make_seed_units, reset_calendar, seed_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans")]


@pytest.fixture
def people(coordinator, unit_a, unit_b, liaison_a, reviewer_a, liaison_b):
    """Two coordinators, two liaisons and a reviewer in A, a liaison and a reviewer in B, a
    leader, and an inactive liaison of A (never notified)."""
    return SimpleNamespace(
        coordinator=coordinator,
        coordinator2=user_with_role(Role.COORDINATOR, username="coord2"),
        liaison_a=liaison_a,
        liaison_a2=user_with_role(Role.LIAISON, unit=unit_a, username="liaison_a2"),
        reviewer_a=reviewer_a,
        liaison_b=liaison_b,
        reviewer_b=user_with_role(Role.REVIEWER, unit=unit_b, username="reviewer_b"),
        leader=user_with_role(Role.LEADER, username="leader_x"),
        gone=user_with_role(Role.LIAISON, unit=unit_a, username="gone", is_active=False),
    )


@pytest.fixture
def task(people, unit_a):
    plan = PlanFactory()
    item_with(
        plan=plan,
        title="公开财政预决算信息" * 5,  # long: the title is cut
        units=[unit_a],
        rules=[{"kind": "once", "month": 6, "day": "end"}],
    )
    services.ledger_generate(actor=people.coordinator, plan=plan)
    Task.objects.update(due_date=timezone.localdate() + dt.timedelta(days=14))
    return Task.objects.get()


def sent(kind: str) -> Counter:
    """{user: number of notifications of `kind`}."""
    return Counter(n.user for n in Notification.objects.filter(kind=kind).select_related("user"))


def assert_told(kind: str, *users) -> None:
    assert sent(kind) == Counter(set(users)), kind


def require_review(unit):
    unit.task_review_required = True
    unit.save(update_fields=["task_review_required"])


def test_submit_tells_the_coordinators(task, people):
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    assert_told(notifications.TASK_SUBMITTED, people.coordinator, people.coordinator2)
    assert Notification.objects.count() == 2
    note = Notification.objects.filter(kind=notifications.TASK_SUBMITTED).first()
    assert note.title == "任务已报送：" + Truncator(task.item.title).chars(40)
    assert task.item.title not in note.title and len(note.title) < 50
    assert note.url == reverse("plans:task_detail", args=[task.pk])
    assert "高新区甲局" in note.body


def test_submit_with_sign_off_tells_the_units_reviewers_only(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    assert_told(notifications.TASK_SUBMITTED, people.reviewer_a)
    assert Notification.objects.count() == 1
    assert Notification.objects.get().title.startswith("任务待单位审核：")


def test_sign_off_tells_the_coordinators(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    Notification.objects.all().delete()
    services.task_review_approve(actor=people.reviewer_a, task=task)
    assert_told(notifications.TASK_REVIEWED, people.coordinator, people.coordinator2)
    assert Notification.objects.count() == 2


def test_return_by_the_reviewer_tells_the_units_liaisons(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    Notification.objects.all().delete()
    services.task_review_return(actor=people.reviewer_a, task=task, reason="请补充链接")
    assert_told(notifications.TASK_RETURNED, people.liaison_a, people.liaison_a2)
    assert Notification.objects.count() == 2
    note = Notification.objects.filter(user=people.liaison_a).get()
    assert note.title.startswith("任务被单位审核人退回：") and note.body == "请补充链接"


def test_accept_tells_the_units_liaisons(task, people):
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    Notification.objects.all().delete()
    services.task_accept(actor=people.coordinator, task=task, comment="验收通过")
    assert_told(notifications.TASK_ACCEPTED, people.liaison_a, people.liaison_a2)
    assert Notification.objects.count() == 2


def test_return_by_the_coordinator_tells_the_units_liaisons_and_reviewers(task, people):
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    Notification.objects.all().delete()
    services.task_return(actor=people.coordinator, task=task, reason="缺少截图")
    assert_told(notifications.TASK_RETURNED, people.liaison_a, people.liaison_a2, people.reviewer_a)
    assert Notification.objects.count() == 3


def test_the_actor_is_never_told(task, people, unit_a):
    # A coordinator submitting on the unit's behalf is not told of the submission.
    services.task_submit(actor=people.coordinator, task=task, text="代为报送")
    assert_told(notifications.TASK_SUBMITTED, people.coordinator2)
    # A user who is both liaison and reviewer of A returns it: the other liaison is told.
    services.task_return(actor=people.coordinator2, task=task, reason="补充")
    Membership.objects.create(user=people.liaison_a, role=Role.REVIEWER, unit=unit_a)
    forget_roles(people.liaison_a)
    require_review(unit_a)
    Notification.objects.all().delete()
    services.task_submit(actor=people.liaison_a, task=task, text="再报")
    assert_told(notifications.TASK_SUBMITTED, people.reviewer_a)
    services.task_review_return(actor=people.liaison_a, task=task, reason="自己退回")
    assert_told(notifications.TASK_RETURNED, people.liaison_a2)


# --- plans handed out ---------------------------------------------------------------------------


@pytest.fixture
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def test_import_tells_the_other_coordinators_and_each_units_liaisons(people, fresh_calendar):
    units = make_seed_units()
    fgcz, shsy = units["区发改财政局"], units["区社会事业局"]
    fgcz_liaison = user_with_role(Role.LIAISON, unit=fgcz, username="fgcz")
    fgcz_reviewer = user_with_role(Role.REVIEWER, unit=fgcz, username="fgcz_r")
    shsy_liaison = user_with_role(Role.LIAISON, unit=shsy, username="shsy")
    imp = services.plan_import_prepare(
        actor=people.coordinator, data=seed_bytes(), filename="seed.txt", title="方案", year=2026
    )
    result = services.plan_import_confirm(actor=people.coordinator, plan_import=imp)
    assert_told(
        notifications.IMPORT_CONFIRMED, people.coordinator2, fgcz_liaison, shsy_liaison
    )  # not the importing coordinator, not reviewers, not units without tasks (A, B)
    assert not Notification.objects.filter(user=fgcz_reviewer).exists()
    counts = {
        unit.pk: Task.objects.filter(item__plan=result.plan, unit=unit).count()
        for unit in (fgcz, shsy)
    }
    note = Notification.objects.get(user=fgcz_liaison)
    assert note.title == f"新的工作任务已下达：{counts[fgcz.pk]}项"
    assert note.url.startswith(reverse("plans:task_list") + f"?plan={result.plan.pk}")
    assert Notification.objects.get(user=shsy_liaison).title == (
        f"新的工作任务已下达：{counts[shsy.pk]}项"
    )
    coord_note = Notification.objects.get(user=people.coordinator2)
    assert coord_note.title == "工作方案已导入：方案"
    assert coord_note.url == reverse("plans:plan_detail", args=[result.plan.pk])


def test_copy_tells_the_units_of_their_new_tasks(people, unit_a, unit_b):
    plan = PlanFactory(title="2026年方案")
    item_with(plan=plan, units=[unit_a], rules=[{"kind": "quarterly"}])
    item_with(plan=plan, units=[unit_a, unit_b], rules=[{"kind": "once", "month": 6, "day": "end"}])
    result = services.plan_copy(actor=people.coordinator, plan=plan, year=2026, title="副本")
    assert result.tasks_created == 6 and result.tasks_by_unit == {unit_a.pk: 5, unit_b.pk: 1}
    assert_told(
        notifications.IMPORT_CONFIRMED,
        people.coordinator2,
        people.liaison_a,
        people.liaison_a2,
        people.liaison_b,
    )
    assert Notification.objects.get(user=people.liaison_a).title == "新的工作任务已下达：5项"
    assert Notification.objects.get(user=people.liaison_b).title == "新的工作任务已下达：1项"
