"""The workbench home page (待办): one section per role, counts, links and empty states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import Column, ItemStatus
from gongkai.catalog.services import items as item_services
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory, published_item
from gongkai.foi.models import Application
from gongkai.foi.tests.factories import application
from gongkai.interaction.services import messages as interaction_services
from gongkai.interaction.tests.factories import message as interaction_message
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import MembershipFactory, UserFactory, user_with_role
from gongkai.plans import selectors as plan_selectors
from gongkai.plans import services
from gongkai.plans.models import Task
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.workbench import todo

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")


def _today() -> dt.date:
    return timezone.localdate()


def _task(coordinator, unit, title: str, due: dt.date, plan=None) -> Task:
    plan = plan or PlanFactory(title=f"{_today().year}年方案", year=_today().year)
    item = item_with(
        plan=plan, title=title, units=[unit], rules=[{"kind": "once", "month": 12, "day": "end"}]
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    task = Task.objects.get(item=item, unit=unit)
    Task.objects.filter(pk=task.pk).update(due_date=due)
    task.refresh_from_db()
    return task


def _section(response, key: str) -> todo.Section:
    return next(s for s in response.context["sections"] if s.key == key)


def _group(section: todo.Section, key: str) -> todo.Group:
    return next(g for g in section.groups if g.key == key)


def _returned_item(unit, reviewer, liaison, title="被退回的信息"):
    item = ItemFactory(unit=unit, title=title)
    item_services.item_submit(actor=liaison, item=item)
    item_services.item_return(actor=reviewer, item=item, reason="请补充附件")
    return item


# ---------------------------------------------------------------------------------------------
# 单位联络员


def test_liaison_empty_state_says_what_to_do(login, liaison_a):
    response = login(liaison_a).get(HOME)
    assert response.status_code == 200
    section = _section(response, "liaison")
    assert section.is_empty and "甲局" in section.title
    body = response.content.decode()
    assert "暂无待办。可以到「工作台账」查看本单位全部任务。" in body
    assert f'<a href="{reverse("plans:task_list")}">工作台账</a>' in body
    assert [s.key for s in response.context["sections"]] == ["liaison"]


def test_liaison_sees_own_units_tasks_items_and_applications(
    login, coordinator, liaison_a, reviewer_a, unit_a, unit_b
):
    day = _today()
    overdue = _task(coordinator, unit_a, "公开预决算", day - dt.timedelta(days=10))
    soon = _task(coordinator, unit_a, "公开抽查结果", day + dt.timedelta(days=1))
    _task(coordinator, unit_a, "年底的任务", day + dt.timedelta(days=60))
    _task(coordinator, unit_b, "乙局的任务", day - dt.timedelta(days=10))
    returned = _task(coordinator, unit_a, "被退回的任务", day + dt.timedelta(days=60))
    services.task_submit(actor=liaison_a, task=returned, text="已公开")
    services.task_return(actor=coordinator, task=returned, reason="缺少截图")
    item = _returned_item(unit_a, reviewer_a, liaison_a)
    ItemFactory(unit=unit_a, title="从未提交的草稿")
    later = application(unit=unit_a, description="较晚到期")
    sooner = application(unit=unit_a, description="较早到期")
    Application.objects.filter(pk=later.pk).update(due_date=day + dt.timedelta(days=15))
    Application.objects.filter(pk=sooner.pk).update(due_date=day + dt.timedelta(days=2))
    application(unit=unit_b)

    response = login(liaison_a).get(HOME)
    section = _section(response, "liaison")
    assert not section.is_empty

    group = _group(section, "tasks_overdue")
    assert group.count == 1 and group.urgent
    assert group.rows[0].url == reverse("plans:task_detail", args=[overdue.pk])
    assert group.rows[0].state == "overdue" and "逾期" in group.rows[0].state_label
    assert group.url == reverse("plans:task_list") + "?state=overdue"

    group = _group(section, "tasks_due_soon")
    assert [r.url for r in group.rows] == [reverse("plans:task_detail", args=[soon.pk])]
    assert group.url.endswith("?state=due_soon")

    group = _group(section, "tasks_returned")
    assert [r.title for r in group.rows] == ["被退回的任务"]
    assert group.url.endswith("?status=returned")

    group = _group(section, "items_returned")
    assert group.count == 1 and group.rows[0].url == reverse("catalog:item_detail", args=[item.pk])
    assert any("请补充附件" in m for m in group.rows[0].meta)

    group = _group(section, "applications")
    assert [r.url for r in group.rows] == [
        reverse("foi:application_detail", args=[sooner.pk]),
        reverse("foi:application_detail", args=[later.pk]),
    ]
    assert group.rows[0].title == f"申请 {sooner.tracking_code}"

    body = response.content.decode()
    assert "公开预决算" in body and "乙局的任务" not in body and "从未提交的草稿" not in body
    # The applicant's name never reaches the home page.
    assert "张三" not in body


def test_an_edited_returned_item_still_waits_and_a_resubmitted_one_does_not(
    login, liaison_a, reviewer_a, unit_a
):
    item = _returned_item(unit_a, reviewer_a, liaison_a)
    item_services.item_update(actor=liaison_a, item=item, title="改过的标题")
    client = login(liaison_a)
    assert _group(_section(client.get(HOME), "liaison"), "items_returned").count == 1
    item.refresh_from_db()
    item_services.item_submit(actor=liaison_a, item=item)
    assert _group(_section(client.get(HOME), "liaison"), "items_returned").count == 0


# ---------------------------------------------------------------------------------------------
# 单位审核人


def test_reviewer_empty_state(login, reviewer_a):
    response = login(reviewer_a).get(HOME)
    assert "暂无待审核事项。可以到「信息发布」查看本单位的信息。" in response.content.decode()


def test_reviewer_sees_items_and_replies_awaiting_approval(
    login, liaison_a, reviewer_a, unit_a, unit_b
):
    item = ItemFactory(unit=unit_a, title="待审核的通知")
    item_services.item_submit(actor=liaison_a, item=item)
    ItemFactory(unit=unit_b, title="乙局待审核", status=ItemStatus.SUBMITTED)
    app = application(unit=unit_a)
    Application.objects.filter(pk=app.pk).update(status="reply_pending")
    application(unit=unit_a)  # still being handled: not the reviewer's

    response = login(reviewer_a).get(HOME)
    section = _section(response, "reviewer")
    group = _group(section, "items_review")
    assert group.count == 1 and group.rows[0].url == reverse("catalog:item_detail", args=[item.pk])
    assert group.url == reverse("catalog:item_list") + "?status=review"
    group = _group(section, "replies_review")
    assert [r.url for r in group.rows] == [reverse("foi:replies:panel", kwargs={"app_id": app.pk})]
    assert "乙局待审核" not in response.content.decode()


def test_reviewer_sees_tasks_awaiting_signoff_when_the_ledger_has_that_step(
    login, coordinator, reviewer_a, unit_a, monkeypatch
):
    task = _task(coordinator, unit_a, "待单位审核的任务", _today() + dt.timedelta(days=20))
    client = login(reviewer_a)
    monkeypatch.setattr(plan_selectors, "REVIEWING_STATUS", None)
    section = _section(client.get(HOME), "reviewer")
    assert "tasks_signoff" not in [g.key for g in section.groups]

    monkeypatch.setattr(plan_selectors, "REVIEWING_STATUS", "reviewing")
    Task.objects.filter(pk=task.pk).update(status="reviewing")
    group = _group(_section(client.get(HOME), "reviewer"), "tasks_signoff")
    assert group.count == 1 and group.rows[0].url == reverse("plans:task_detail", args=[task.pk])
    assert group.url.endswith("?status=reviewing")


# ---------------------------------------------------------------------------------------------
# 公开办


def test_coordinator_empty_state(login, coordinator):
    body = login(coordinator).get(HOME).content.decode()
    assert "暂无待办。可以到「台账总览」查看整体进度。" in body
    assert reverse("workbench:dashboard") in body


def test_coordinator_sees_acceptance_assignment_approval_and_overdue_by_unit(
    login, coordinator, liaison_a, unit_a, unit_b
):
    day = _today()
    submitted = _task(coordinator, unit_a, "公开预决算", day + dt.timedelta(days=20))
    services.task_submit(actor=liaison_a, task=submitted, text="已公开")
    for n in range(2):
        _task(coordinator, unit_b, f"乙局逾期{n}", day - dt.timedelta(days=5))
    _task(coordinator, unit_a, "甲局逾期", day - dt.timedelta(days=5))
    unassigned = application()
    application(unit=unit_a)
    item = ItemFactory(unit=unit_b, status=ItemStatus.SUBMITTED)

    response = login(coordinator).get(HOME)
    section = _section(response, "coordinator")
    group = _group(section, "tasks_acceptance")
    assert group.rows[0].url == reverse("plans:task_detail", args=[submitted.pk])
    # Reported: no overdue badge, the day it was reported instead.
    assert group.rows[0].state == "" and group.rows[0].state_label.startswith("报送于 ")
    assert group.url.endswith("?status=submitted")
    group = _group(section, "applications_unassigned")
    assert [r.url for r in group.rows] == [reverse("foi:application_detail", args=[unassigned.pk])]
    assert group.url == reverse("foi:queue") + "?filter=new"
    assert _group(section, "items_review").rows[0].url == reverse(
        "catalog:item_detail", args=[item.pk]
    )
    rows = section.extra["overdue_by_unit"]
    assert [(r["unit_name"], r["count"]) for r in rows] == [("乙局", 2), ("甲局", 1)]
    assert rows[0]["url"] == reverse("plans:task_list") + f"?state=overdue&unit={unit_b.pk}"
    body = response.content.decode()
    assert "各单位逾期任务" in body and '<meter min="0" max="2" value="2"' in body


def test_groups_list_five_and_link_to_all(login, coordinator, unit_a):
    for _ in range(7):
        application()
    response = login(coordinator).get(HOME)
    group = _group(_section(response, "coordinator"), "applications_unassigned")
    assert group.count == 7 and len(group.rows) == todo.ROWS_PER_GROUP
    assert "查看全部 7 项" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# 领导


def test_leader_sees_figures_of_the_year(login, coordinator, leader, liaison_a, unit_a, unit_b):
    day = _today()
    plan = PlanFactory(title="本年方案", year=day.year)
    done = _task(coordinator, unit_a, "已完成", day + dt.timedelta(days=30), plan=plan)
    services.task_submit(actor=liaison_a, task=done, text="完成")
    services.task_accept(actor=coordinator, task=done)
    _task(coordinator, unit_b, "逾期", day - dt.timedelta(days=3), plan=plan)
    app = application(unit=unit_a)
    Application.objects.filter(pk=app.pk).update(due_date=day - dt.timedelta(days=1))
    application()
    published_item(unit=unit_a, column=ColumnFactory(name="通知公告"))
    ColumnFactory(name="空着的栏目")
    heading = ColumnFactory(name="有下级的栏目")
    ColumnFactory(name="下级栏目", parent=heading)

    response = login(leader).get(HOME)
    assert [s.key for s in response.context["sections"]] == ["leader"]
    x = _section(response, "leader").extra
    assert [
        (p["title"], p["total"], p["completed"], p["overdue"], p["rate"]) for p in x["plans"]
    ] == [("本年方案", 2, 1, 1, 50.0)]
    assert x["tasks_overdue"] == 1
    assert x["applications"]["received"] == 2 and x["applications"]["overdue"] == 1
    assert x["columns"]["published"] == 1
    assert [c.name for c in x["columns"]["empty"]] == ["空着的栏目", "下级栏目"]
    body = response.content.decode()
    assert 'id="chart-plans"' in body and 'id="chart-plans-data"' in body
    assert "/static/vendor/echarts/echarts.min.js" in body and "/static/gongkai/js/home.js" in body
    assert "本年方案共2项、已完成1项（50.0%）、已逾期1项" in body
    assert reverse("workbench:dashboard") + f"?plan={plan.pk}" in body
    assert "<script>" not in body and 'style="' not in body  # CSP


def test_leader_stale_column(login, leader, unit_a):
    column = ColumnFactory(name="动态要闻", stale_after_days=14, kind=Column.Kind.NEWS)
    item = published_item(unit=unit_a, column=column)
    type(item).objects.filter(pk=item.pk).update(
        published_at=timezone.now() - dt.timedelta(days=30)
    )
    x = _section(login(leader).get(HOME), "leader").extra
    assert [c.name for c in x["columns"]["stale"]] == ["动态要闻"]


def test_leader_without_plans(login, leader):
    body = login(leader).get(HOME).content.decode()
    assert f"{_today().year}年尚无工作方案。" in body and 'id="chart-plans"' not in body


# ---------------------------------------------------------------------------------------------
# 系统管理员, several roles, no role


def test_admin_sees_users_without_role_and_missing_calendar_years(
    login, admin_user, liaison_a, monkeypatch
):
    lonely = UserFactory(username="no_role", display_name="无角色用户")
    monkeypatch.setattr(todo, "expected_years", lambda day: [2099])
    response = login(admin_user).get(HOME)
    section = _section(response, "admin")
    group = _group(section, "users_without_role")
    assert [r.url for r in group.rows] == [reverse("workbench:user_detail", args=[lonely.pk])]
    group = _group(section, "calendar")
    assert group.count == 1
    assert group.rows[0].url == reverse("workbench:calendar_create") + "?year=2099"


def test_admin_empty_state(login, admin_user, monkeypatch):
    monkeypatch.setattr(todo, "expected_years", lambda day: [])
    body = login(admin_user).get(HOME).content.decode()
    assert "暂无待办。可以到「用户与角色」管理账号。" in body


def test_several_roles_see_each_section(login, unit_a, unit_b):
    user = user_with_role(Role.LIAISON, unit=unit_a, username="many")
    MembershipFactory(user=user, role=Role.REVIEWER, unit=unit_b)
    MembershipFactory(user=user, role=Role.COORDINATOR, unit=None)
    response = login(user).get(HOME)
    keys = [s.key for s in response.context["sections"]]
    assert keys == ["liaison", "reviewer", "coordinator"]
    assert "甲局" in _section(response, "liaison").title
    assert "乙局" in _section(response, "reviewer").title


def test_no_role(login):
    user = UserFactory(username="nobody")
    user.is_superuser = True
    user.save()
    body = login(user).get(HOME).content.decode()
    assert "尚未分配角色，请联系系统管理员。" in body


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the data


def _fill(coordinator, liaison, reviewer, unit, n: int):
    day = _today()
    plan = PlanFactory(year=day.year)
    for i in range(n):
        _task(coordinator, unit, f"逾期{i}", day - dt.timedelta(days=3), plan=plan)
        _task(coordinator, unit, f"临期{i}", day + dt.timedelta(days=1), plan=plan)
        submitted = _task(coordinator, unit, f"报送{i}", day + dt.timedelta(days=30), plan=plan)
        services.task_submit(actor=liaison, task=submitted, text="完成")
        returned = _task(coordinator, unit, f"退回{i}", day + dt.timedelta(days=30), plan=plan)
        services.task_submit(actor=liaison, task=returned, text="完成")
        services.task_return(actor=coordinator, task=returned, reason="补充")
        _returned_item(unit, reviewer, liaison, title=f"退回{i}")
        ItemFactory(unit=unit, status=ItemStatus.SUBMITTED)
        application(unit=unit)
        application()
        interaction_message(unit=unit)
        accepted = interaction_message(unit=unit)
        interaction_services.message_accept(actor=liaison, message=accepted, unit=unit)


def test_home_queries_do_not_grow(
    login, coordinator, liaison_a, reviewer_a, unit_a, django_assert_max_num_queries
):
    """Every group past its first rows (so each also counts): the same number of queries for
    six of everything as for twelve, and a small one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = user_with_role(Role.LIAISON, unit=unit_a, username="all_roles")
    MembershipFactory(user=user, role=Role.REVIEWER, unit=unit_a)
    for role in (Role.COORDINATOR, Role.LEADER, Role.ADMIN):
        MembershipFactory(user=user, role=role, unit=None)
    client = login(user)
    counts = []
    for _ in range(2):
        _fill(coordinator, liaison_a, reviewer_a, unit_a, todo.ROWS_PER_GROUP + 1)
        client.get(HOME)  # warm the calendar cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME)
        counts.append(len(queries))
        assert all(g.count > todo.ROWS_PER_GROUP for g in _section(response, "liaison").groups)
    assert counts[0] == counts[1]
    # five message groups (interaction), extension requests and datasets waiting for review
    with django_assert_max_num_queries(47):
        response = client.get(HOME)
    assert [s.key for s in response.context["sections"]] == [
        "liaison",
        "reviewer",
        "coordinator",
        "leader",
        "admin",
    ]


def test_groups_with_work_come_first(login, coordinator, liaison_a, unit_a):
    application(unit=unit_a)
    response = login(liaison_a).get(HOME)
    section = _section(response, "liaison")
    assert section.shown_groups[0].key == "applications"
    body = response.content.decode()
    assert body.index("待办理的依申请公开") < body.index("已逾期的任务")


def test_drafted_reply_moves_from_liaison_to_reviewer(
    login, liaison_a, reviewer_a, unit_a, settings, tmp_path
):
    from gongkai.foi.services import replies

    settings.MEDIA_ROOT = tmp_path / "media"
    app = application(received=_today() - dt.timedelta(days=3), unit=unit_a)
    client = login(liaison_a)
    assert _group(_section(client.get(HOME), "liaison"), "applications").count == 1
    replies.reply_draft(actor=liaison_a, app=app, result="disclose")
    assert _group(_section(client.get(HOME), "liaison"), "applications").count == 0
    reviewer = login(reviewer_a)
    group = _group(_section(reviewer.get(HOME), "reviewer"), "replies_review")
    assert [r.url for r in group.rows] == [reverse("foi:replies:panel", kwargs={"app_id": app.pk})]
    assert reviewer.get(group.rows[0].url).status_code == 200
