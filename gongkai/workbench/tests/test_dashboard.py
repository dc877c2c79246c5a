"""The overview dashboard (台账总览): access, figures through a task cycle, charts data."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from gongkai.plans import selectors, services
from gongkai.plans.models import Task
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("workbench:dashboard")


@pytest.fixture
def plan(coordinator, unit_a, unit_b):
    plan = PlanFactory(title="2026年政务公开工作要点分工方案", year=2026)
    item_with(
        plan=plan,
        title="公开预决算",
        units=[unit_a],
        rules=[{"kind": "once", "month": 6, "day": "end"}],
    )
    item_with(
        plan=plan,
        title="公开抽查结果",
        units=[unit_b],
        rules=[{"kind": "once", "month": 6, "day": "end"}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    return plan


def test_access(login, coordinator, leader, liaison_a, admin_user, plan):
    assert login(liaison_a).get(DASHBOARD).status_code == 403
    assert login(leader).get(DASHBOARD).status_code == 200
    assert login(coordinator).get(DASHBOARD).status_code == 200
    assert login(admin_user).get(DASHBOARD).status_code == 200


def test_leader_reads_dashboard_but_cannot_accept(login, leader, liaison_a, plan, unit_a):
    task = Task.objects.get(unit=unit_a)
    services.task_submit(actor=liaison_a, task=task, text="完成", late_reason="数据晚到")
    task.refresh_from_db()
    client = login(leader)
    response = client.get(DASHBOARD)
    assert (
        response.status_code == 200 and response.context["data"]["status_counts"]["submitted"] == 1
    )
    response = client.post(
        reverse("plans:task_accept", args=[task.pk]), {"accept-version": task.version}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "submitted"


def _cards(response) -> dict[str, int]:
    data = response.context["data"]
    return {
        "total": data["total"],
        "completed": data["status_counts"]["completed"],
        "submitted": data["status_counts"]["submitted"],
        "overdue": data["overdue_count"],
    }


def test_figures_follow_the_cycle(login, coordinator, liaison_a, plan, unit_a, unit_b, monkeypatch):
    # Due dates after the real today, so that a submission made now is on time; "today" for the
    # dashboard is then moved past them.
    due = timezone.localdate() + dt.timedelta(days=14)
    Task.objects.update(due_date=due)
    monkeypatch.setattr(selectors, "today", lambda: due + dt.timedelta(days=1))
    task_a = Task.objects.get(unit=unit_a)
    client = login(coordinator)

    response = client.get(DASHBOARD)
    assert _cards(response) == {"total": 2, "completed": 0, "submitted": 0, "overdue": 2}

    liaison = login(liaison_a)
    liaison.post(
        reverse("plans:task_submit", args=[task_a.pk]),
        {"submit-text": "已公开", "submit-version": 0},
    )
    client = login(coordinator)
    response = client.get(DASHBOARD)
    assert _cards(response) == {"total": 2, "completed": 0, "submitted": 1, "overdue": 1}

    task_a.refresh_from_db()
    client.post(reverse("plans:task_accept", args=[task_a.pk]), {"accept-version": task_a.version})
    response = client.get(DASHBOARD)
    assert _cards(response) == {"total": 2, "completed": 1, "submitted": 0, "overdue": 1}
    units = {u.unit_id: u for u in response.context["data"]["units"]}
    assert units[unit_a.pk].on_time_rate == 100.0 and units[unit_b.pk].on_time_rate == 0.0
    body = response.content.decode()
    assert "100.0%" in body and "0.0%" in body
    overdue = response.context["overdue"]
    assert [row["task"].unit_id for row in overdue] == [unit_b.pk]

    chart_unit = json.loads(
        re.search(r'id="chart-unit-data"[^>]*>(.*?)</script>', body, re.S).group(1)
    )
    assert (
        chart_unit["units"][0] == "甲局"
        and chart_unit["completed"][0] == 1
        and chart_unit["on_time_rate"][0] == 100.0
    )
    assert chart_unit["open"] == [0, 1]
    chart_month = json.loads(
        re.search(r'id="chart-month-data"[^>]*>(.*?)</script>', body, re.S).group(1)
    )
    assert chart_month["due"][due.month - 1] == 2 and chart_month["completed"][due.month - 1] == 1


def test_late_submission_is_not_on_time(login, coordinator, liaison_a, plan, unit_a, monkeypatch):
    # Due 2026-06-30; submitted and accepted now (after it): completed, but not on time.
    monkeypatch.setattr(selectors, "today", lambda: timezone.localdate())
    task = Task.objects.get(unit=unit_a)
    services.task_submit(actor=liaison_a, task=task, text="完成", late_reason="数据晚到")
    services.task_accept(actor=coordinator, task=task)
    response = login(coordinator).get(DASHBOARD)
    units = {u.unit_id: u for u in response.context["data"]["units"]}
    assert units[unit_a.pk].completed == 1 and units[unit_a.pk].on_time_rate == 0.0


def test_overdue_list_counts_working_days(login, coordinator, plan, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 7, 7))
    response = login(coordinator).get(DASHBOARD)
    rows = response.context["overdue"]
    assert len(rows) == 2 and {r["days"] for r in rows} == {5}  # 7月1、2、3、6、7日
    body = response.content.decode()
    assert "5 个工作日" in body and "2026年6月30日" in body and "公开抽查结果" in body
    # Across the National Day holiday (10月1日至7日): 10月8日 is the first working day after it,
    # and Saturday 10月10日 is a make-up working day (调休).
    assert selectors.workdays_overdue(dt.date(2026, 9, 30), dt.date(2026, 10, 8)) == (1, False)
    assert selectors.workdays_overdue(dt.date(2026, 9, 30), dt.date(2026, 10, 11)) == (3, False)


def test_charts_markup_and_static_assets(login, coordinator, plan):
    body = login(coordinator).get(DASHBOARD).content.decode()
    assert re.search(
        r'<div id="chart-month" class="chart" role="img" aria-label="按月完成情况：[^"]*6月应完成2项',
        body,
    )
    assert re.search(
        r'<div id="chart-unit" class="chart" role="img" aria-label="各单位完成情况：[^"]*甲局已完成0项、未完成1项',
        body,
    )
    assert (
        "/static/vendor/echarts/echarts.min.js" in body
        and "/static/gongkai/js/dashboard.js" in body
    )
    assert "<script>" not in body and 'style="' not in body  # CSP: no inline script or style
    assert finders.find("vendor/echarts/echarts.min.js") and finders.find("vendor/echarts/LICENSE")
    assert finders.find("gongkai/js/dashboard.js")


def test_plan_selector_defaults_to_current_years_latest(login, coordinator, plan, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 8, 1))
    newer = PlanFactory(title="2026年政务公开工作要点分工方案（修订）", year=2026)
    PlanFactory(title="2025年方案", year=2025)
    client = login(coordinator)
    assert client.get(DASHBOARD).context["plan"] == newer
    response = client.get(DASHBOARD, {"plan": plan.pk})
    assert response.context["plan"] == plan and response.context["data"]["total"] == 2
    # A junk plan id falls back to the default instead of failing.
    assert client.get(DASHBOARD, {"plan": "abc"}).context["plan"] == newer


def test_no_plan_yet(login, coordinator):
    response = login(coordinator).get(DASHBOARD)
    assert response.status_code == 200 and "尚未导入工作方案" in response.content.decode()


def test_old_address_redirects(login, coordinator, plan):
    response = login(coordinator).get("/workbench/plans/tasks/dashboard/", {"plan": plan.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?plan={plan.pk}"
