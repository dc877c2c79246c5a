"""Late work: a late reason (逾期说明) when submitting after the due date, 逾期完成 for tasks
completed after it, and both with the completion date (完成日期) in the ledger export."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.plans import selectors, services
from gongkai.plans.ledger_xlsx import HEADER
from gongkai.plans.models import Task, TaskEntry, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def ledger(coordinator, unit_a):
    """Two tasks of unit A: one due ten days ago (late), one due in ten days (on time)."""
    plan = PlanFactory(title="2026年政务公开工作要点分工方案")
    late_item = item_with(
        plan=plan,
        title="公开财政预决算信息",
        units=[unit_a],
        rules=[{"kind": "once", "month": 6, "day": "end"}],
    )
    on_time_item = item_with(
        plan=plan,
        title="公开重大建设项目信息",
        units=[unit_a],
        rules=[{"kind": "once", "month": 9, "day": "end"}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    Task.objects.filter(item=late_item).update(due_date=TODAY() - dt.timedelta(days=10))
    Task.objects.filter(item=on_time_item).update(due_date=TODAY() + dt.timedelta(days=10))
    return SimpleNamespace(
        plan=plan,
        late=Task.objects.get(item=late_item),
        on_time=Task.objects.get(item=on_time_item),
    )


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- the late reason ----------------------------------------------------------------------------


def test_late_submission_needs_a_reason(ledger, liaison_a):
    with pytest.raises(ValidationFailed, match="已超过完成时限，报送时请填写逾期说明"):
        services.task_submit(actor=liaison_a, task=ledger.late, text="已公开", late_reason="  ")
    task = fresh(ledger.late)
    assert task.status == TaskStatus.NOT_STARTED and not task.entries.exists()
    assert not AuditEvent.objects.filter(action="task.submit").exists()

    services.task_submit(
        actor=liaison_a, task=ledger.late, text="已公开", late_reason="预算批复晚于计划"
    )
    task = fresh(ledger.late)
    assert task.status == TaskStatus.SUBMITTED and task.late_reason == "预算批复晚于计划"
    entry = task.entries.get(kind=TaskEntry.Kind.SUBMIT)
    assert entry.text == "已公开" and entry.late_reason == "预算批复晚于计划"
    event = AuditEvent.objects.get(action="task.submit")
    assert "逾期报送" in event.summary and event.after["late_reason"] == "预算批复晚于计划"


def test_on_time_submission_needs_no_reason_and_keeps_none(ledger, liaison_a):
    services.task_submit(actor=liaison_a, task=ledger.on_time, text="已公开", late_reason="多余")
    task = fresh(ledger.on_time)
    assert task.status == TaskStatus.SUBMITTED and task.late_reason == ""


def test_the_form_asks_for_the_reason_only_when_late(login, ledger, liaison_a, coordinator):
    client = login(liaison_a)
    page = client.get(reverse("plans:task_detail", args=[ledger.on_time.pk]))
    assert "late_reason" not in page.context["submit_form"].fields
    page = client.get(reverse("plans:task_detail", args=[ledger.late.pk]))
    assert "late_reason" in page.context["submit_form"].fields
    assert "报送时须填写逾期说明" in page.content.decode()

    submit = reverse("plans:task_submit", args=[ledger.late.pk])
    response = client.post(submit, {"submit-text": "已公开", "submit-version": 0})
    assert response.status_code == 400
    assert "该任务已超过完成时限，报送时请填写逾期说明" in response.content.decode()
    assert fresh(ledger.late).status == TaskStatus.NOT_STARTED
    response = client.post(
        submit,
        {"submit-text": "已公开", "submit-version": 0, "submit-late_reason": "数据晚到"},
    )
    assert response.status_code == 302

    # The coordinator sees the reason on the task page.
    body = login(coordinator).get(reverse("plans:task_detail", args=[ledger.late.pk]))
    body = body.content.decode()
    assert "逾期说明" in body and "数据晚到" in body


def test_a_returned_late_task_offers_the_previous_reason(login, ledger, liaison_a, coordinator):
    services.task_submit(actor=liaison_a, task=ledger.late, text="已公开", late_reason="数据晚到")
    services.task_return(actor=coordinator, task=fresh(ledger.late), reason="补充截图")
    page = login(liaison_a).get(reverse("plans:task_detail", args=[ledger.late.pk]))
    assert page.context["submit_form"]["late_reason"].value() == "数据晚到"


# --- 逾期完成 ------------------------------------------------------------------------------------


def complete(task, liaison, coordinator, **kwargs):
    services.task_submit(actor=liaison, task=task, text="已公开", **kwargs)
    services.task_accept(actor=coordinator, task=fresh(task))
    return fresh(task)


def test_completed_late_is_computed_from_the_completion_date(ledger, liaison_a, coordinator):
    late = complete(ledger.late, liaison_a, coordinator, late_reason="数据晚到")
    on_time = complete(ledger.on_time, liaison_a, coordinator)
    assert late.completion_date == TODAY() and late.completed_late
    assert on_time.completion_date == TODAY() and not on_time.completed_late
    assert selectors.task_state(late) == "completed_late"
    assert selectors.task_state(on_time) == ""
    assert selectors.STATE_LABELS["completed_late"] == "逾期完成"
    # An open task has no completion date.
    assert Task(status=TaskStatus.IN_PROGRESS, due_date=TODAY()).completion_date is None
    # The completion date is the submission's, not the acceptance's: work submitted on time
    # and accepted after the due date is not late.
    task = fresh(ledger.on_time)
    Task.objects.filter(pk=task.pk).update(
        due_date=TODAY() - dt.timedelta(days=1),
        submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    assert not fresh(task).completed_late
    assert list(selectors.task_list(user=coordinator, state="completed_late")) == [late]


def test_completed_late_is_shown_in_the_list_detail_and_dashboard(
    login, ledger, liaison_a, coordinator
):
    complete(ledger.late, liaison_a, coordinator, late_reason="数据晚到")
    complete(ledger.on_time, liaison_a, coordinator)
    client = login(coordinator)

    response = client.get(reverse("plans:task_list"), {"status": "completed"})
    rows = {t.pk: t for t in response.context["page"].object_list}
    assert rows[ledger.late.pk].row_state_label == "逾期完成"
    assert rows[ledger.on_time.pk].row_state_label == ""
    assert response.content.decode().count(">逾期完成</span>") == 1
    badges = {b["kind"]: b["count"] for b in response.context["badges"]}
    assert badges["completed_late"] == 1

    body = client.get(reverse("plans:task_detail", args=[ledger.late.pk])).content.decode()
    assert "逾期完成" in body and "完成日期" in body
    body = client.get(reverse("plans:task_detail", args=[ledger.on_time.pk])).content.decode()
    assert "逾期完成" not in body

    response = client.get(reverse("workbench:dashboard"), {"plan": ledger.plan.pk})
    data = response.context["data"]
    assert data["completed_late_count"] == 1
    (unit,) = data["units"]
    assert unit.completed == 2 and unit.completed_late == 1
    assert "其中逾期完成 1" in response.content.decode()


# --- the export ---------------------------------------------------------------------------------


def test_export_has_the_completion_date_late_reason_and_mark(login, ledger, liaison_a, coordinator):
    complete(ledger.late, liaison_a, coordinator, late_reason="预算批复晚于计划")
    response = login(coordinator).get(reverse("plans:task_export"), {"plan": ledger.plan.pk})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[2]]
    assert header == list(HEADER)
    assert header[7:9] == ["完成日期", "逾期说明"] and header[-1] == "任务编号"
    rows = {
        row[header.index("任务编号")]: dict(zip(header, row, strict=True))
        for row in ws.iter_rows(min_row=3, values_only=True)
    }
    late, open_ = rows[ledger.late.pk], rows[ledger.on_time.pk]
    assert late["完成日期"] == dt.datetime.combine(TODAY(), dt.time())
    assert late["逾期说明"] == "预算批复晚于计划"
    assert late["状态"] == "已完成（逾期完成）"
    assert open_["完成日期"] is None and open_["逾期说明"] in (None, "")
    assert open_["状态"].startswith("未开始")
    cell = next(r for r in ws.iter_rows(min_row=3) if r[-1].value == ledger.late.pk)[7]
    assert cell.number_format == 'yyyy"年"m"月"d"日"'
