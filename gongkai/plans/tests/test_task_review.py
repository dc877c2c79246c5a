"""The unit's sign-off (单位审核) between the liaison's submission and the coordinator: the
services and the task page."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.tests.factories import user_with_role
from gongkai.plans import services
from gongkai.plans.models import OPEN_STATUSES, Task, TaskEntry, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coordinator, unit_a, unit_b, liaison_a, reviewer_a, liaison_b):
    return SimpleNamespace(
        coordinator=coordinator,
        liaison_a=liaison_a,
        reviewer_a=reviewer_a,
        liaison_b=liaison_b,
        reviewer_b=user_with_role(Role.REVIEWER, unit=unit_b, username="reviewer_b"),
    )


@pytest.fixture
def task(people, unit_a):
    """Unit A's task, due in two weeks (so submitting now is on time)."""
    plan = PlanFactory()
    item_with(plan=plan, units=[unit_a], rules=[{"kind": "once", "month": 6, "day": "end"}])
    services.ledger_generate(actor=people.coordinator, plan=plan)
    Task.objects.update(due_date=timezone.localdate() + dt.timedelta(days=14))
    return Task.objects.get()


def require_review(unit, value=True):
    unit.task_review_required = value
    unit.save(update_fields=["task_review_required"])


def fresh(task) -> Task:
    return Task.objects.select_related("unit").get(pk=task.pk)


def test_without_sign_off_a_submission_goes_straight_to_the_coordinator(task, people):
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    assert fresh(task).status == TaskStatus.SUBMITTED


def test_sign_off_approve_passes_the_task_to_the_coordinator(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    task = fresh(task)
    assert task.status == TaskStatus.REVIEWING and task.submitted_at
    submitted_at = task.submitted_at
    # The coordinator cannot accept before the unit has signed off.
    with pytest.raises(ValidationFailed, match="只有已报送的任务可以验收"):
        services.task_accept(actor=people.coordinator, task=task)

    services.task_review_approve(
        actor=people.reviewer_a, task=task, comment="同意报送", expected_version=task.version
    )
    task = fresh(task)
    assert task.status == TaskStatus.SUBMITTED
    assert task.submitted_at == submitted_at  # the liaison's submission time stays
    entry = task.entries.get(kind=TaskEntry.Kind.REVIEW_APPROVE)
    assert entry.actor == people.reviewer_a and entry.text == "同意报送"
    assert (entry.status_before, entry.status_after) == ("reviewing", "submitted")
    event = AuditEvent.objects.get(action="task.review_approve")
    assert event.actor == people.reviewer_a and event.unit == unit_a
    assert event.before == {"status": "reviewing"} and event.after == {"status": "submitted"}

    services.task_accept(actor=people.coordinator, task=task)
    assert fresh(task).status == TaskStatus.COMPLETED
    kinds = list(task.entries.values_list("kind", flat=True))
    assert kinds == ["submit", "review_approve", "accept"]


def test_sign_off_return_sends_the_task_back_to_the_liaison(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    task = fresh(task)
    with pytest.raises(ValidationFailed, match="退回时须填写理由"):
        services.task_review_return(actor=people.reviewer_a, task=task, reason=" ")
    services.task_review_return(actor=people.reviewer_a, task=task, reason="请补充公开链接")
    task = fresh(task)
    assert task.status == TaskStatus.RETURNED and task.submitted_at is None
    entry = task.entries.get(kind=TaskEntry.Kind.REVIEW_RETURN)
    assert entry.text == "请补充公开链接" and entry.actor == people.reviewer_a
    assert AuditEvent.objects.filter(action="task.review_return").count() == 1
    # The liaison works on it again and resubmits: to the reviewer again.
    services.task_submit(actor=people.liaison_a, task=task, text="已补充链接")
    assert fresh(task).status == TaskStatus.REVIEWING


def test_only_the_units_reviewer_may_sign_off(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    task = fresh(task)
    for outsider in (people.reviewer_b, people.liaison_a, people.liaison_b):
        with pytest.raises(PermissionDenied):
            services.task_review_approve(actor=outsider, task=task)
        with pytest.raises(PermissionDenied):
            services.task_review_return(actor=outsider, task=task, reason="不同意")
    task = fresh(task)
    assert task.status == TaskStatus.REVIEWING
    assert not task.entries.exclude(kind=TaskEntry.Kind.SUBMIT).exists()
    assert not AuditEvent.objects.filter(action__startswith="task.review").exists()


def test_sign_off_refuses_a_stale_version(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    stale = fresh(task).version - 1
    with pytest.raises(ValidationFailed, match="已被他人更新"):
        services.task_review_approve(actor=people.reviewer_a, task=task, expected_version=stale)
    with pytest.raises(ValidationFailed, match="已被他人更新"):
        services.task_review_return(
            actor=people.reviewer_a, task=task, reason="x", expected_version=stale
        )
    assert fresh(task).status == TaskStatus.REVIEWING


def test_sign_off_only_of_a_task_waiting_for_it(task, people):
    with pytest.raises(ValidationFailed, match="不需要单位审核"):
        services.task_review_approve(actor=people.reviewer_a, task=task)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")  # no sign-off: 已报送
    with pytest.raises(ValidationFailed, match="不需要单位审核"):
        services.task_review_return(actor=people.reviewer_a, task=task, reason="x")


def test_liaison_cannot_change_a_task_waiting_for_sign_off(task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    with pytest.raises(ValidationFailed, match="待单位审核"):
        services.task_report_progress(actor=people.liaison_a, task=task, text="再改一下")
    with pytest.raises(ValidationFailed, match="待单位审核"):
        services.task_submit(actor=people.liaison_a, task=task, text="再报一次")


def test_submission_refused_when_the_unit_has_no_reviewer(task, people, unit_a):
    require_review(unit_a)
    Membership.objects.filter(user=people.reviewer_a).delete()
    with pytest.raises(ValidationFailed, match="尚未指定单位审核人"):
        services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    assert fresh(task).status == TaskStatus.NOT_STARTED and not task.entries.exists()


def test_reviewing_still_counts_as_the_units_open_work():
    assert TaskStatus.REVIEWING in OPEN_STATUSES


# --- the task page ----------------------------------------------------------------------------


def url(name, task):
    return reverse(f"plans:{name}", args=[task.pk])


def test_reviewer_signs_off_on_the_task_page(login, task, people, unit_a):
    require_review(unit_a)
    client = login(people.liaison_a)
    page = client.get(url("task_detail", task))
    assert "报送后先由本单位审核人审核" in page.content.decode()
    response = client.post(
        url("task_submit", task), {"submit-text": "已公开", "submit-version": task.version}
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.REVIEWING
    page = client.get(url("task_detail", task))
    assert "待单位审核" in page.content.decode()
    assert page.context["review_approve_form"] is None and page.context["submit_form"] is None
    # The liaison cannot sign off through the view either.
    response = client.post(url("task_review_approve", task), {"review_approve-version": 1})
    assert response.status_code == 403

    client = login(people.reviewer_a)
    page = client.get(url("task_detail", task))
    assert page.context["review_approve_form"] and page.context["review_return_form"]
    assert page.context["accept_form"] is None
    body = page.content.decode()
    assert "审核通过" in body and url("task_review_return", task) in body
    response = client.post(
        url("task_review_return", task),
        {"review_return-reason": "", "review_return-version": task.version},
    )
    assert response.status_code == 400 and "退回时须填写理由" in response.content.decode()
    response = client.post(
        url("task_review_approve", task),
        {"review_approve-comment": "同意", "review_approve-version": task.version},
    )
    assert response.status_code == 302
    assert fresh(task).status == TaskStatus.SUBMITTED

    page = login(people.coordinator).get(url("task_detail", task))
    assert page.context["accept_form"] and page.context["review_approve_form"] is None
    assert "单位审核通过" in page.content.decode()


def test_other_units_reviewer_gets_404_and_stale_form_is_refused(login, task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    task = fresh(task)
    response = login(people.reviewer_b).post(
        url("task_review_approve", task), {"review_approve-version": task.version}
    )
    assert response.status_code == 404
    response = login(people.reviewer_a).post(
        url("task_review_approve", task), {"review_approve-version": task.version - 1}
    )
    assert response.status_code == 400
    assert "该任务已被他人更新" in response.content.decode()
    assert fresh(task).status == TaskStatus.REVIEWING


def test_list_filters_tasks_waiting_for_sign_off(login, task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    client = login(people.reviewer_a)
    response = client.get(reverse("plans:task_list"))  # lands on the unit's open tasks
    assert [t.pk for t in response.context["page"].object_list] == [task.pk]
    badges = {b["kind"]: b["count"] for b in response.context["badges"]}
    assert badges["reviewing"] == 1 and badges["open"] == 1
    response = client.get(reverse("plans:task_list"), {"status": "reviewing"})
    assert [t.pk for t in response.context["page"].object_list] == [task.pk]


def test_progress_import_leaves_a_task_waiting_for_sign_off_alone(task, people, unit_a):
    import io

    import openpyxl

    from gongkai.plans.ledger_xlsx import ledger_export
    from gongkai.plans.services.progress_import import progress_import

    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    task = Task.objects.select_related("item", "unit").get(pk=task.pk)
    content = ledger_export(tasks=[task], roles={}, title="台账", day=timezone.localdate())
    book = openpyxl.load_workbook(io.BytesIO(content))
    header = [c.value for c in book.active[2]]
    book.active.cell(row=3, column=header.index("进展情况") + 1, value="审核中又改了进展")
    out = io.BytesIO()
    book.save(out)
    result = progress_import(actor=people.liaison_a, data=out.getvalue(), file_name="台账.xlsx")
    assert [str(e) for e in result.errors] == ["第3行：状态不允许填报：任务处于“待单位审核”状态"]
    assert fresh(task).progress == "已公开"


def test_dashboard_counts_tasks_waiting_for_sign_off_as_the_units(login, task, people, unit_a):
    require_review(unit_a)
    services.task_submit(actor=people.liaison_a, task=task, text="已公开")
    Task.objects.update(due_date=timezone.localdate() - dt.timedelta(days=1))
    response = login(people.coordinator).get(
        reverse("workbench:dashboard"), {"plan": task.item.plan_id}
    )
    data = response.context["data"]
    assert data["status_counts"]["reviewing"] == 1 and data["status_counts"]["submitted"] == 0
    assert data["overdue_count"] == 1  # still the unit's work, and past its due date
    (unit,) = data["units"]
    assert unit.reviewing == 1 and unit.overdue == 1
    assert [row["task"].pk for row in response.context["overdue"]] == [task.pk]
    body = response.content.decode()
    assert "status=reviewing" in body and "待单位审核" in body
