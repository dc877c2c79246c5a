"""The workbench home page (待办) per role in a real browser: the work created by the steps
before shows on the home page of whoever it now waits for, and one click on the entry reaches
the task, item or application page. Screenshots go to /tmp/home_*.png."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import pytest

from gongkai.catalog.models import ItemStatus
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory, published_item
from gongkai.foi.tests.factories import application
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UnitFactory,
    user_with_role,
)
from gongkai.plans import services as plan_services
from gongkai.plans.models import Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Where the screenshots go (home_liaison.png, …), to look at after a run.
SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS", tempfile.gettempdir()))


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"home_{name}.png"), full_page=True)


def sign_in(browser, base, username, *, phone: bool = False):
    if phone:
        context = browser.new_context(
            locale="zh-CN",
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
    else:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/**")
    return page


def card(page, label: str):
    """The home page card whose heading link is `label`."""
    return page.locator("article.home-card").filter(
        has=page.get_by_role("link", name=label, exact=True)
    )


def count(page, label: str) -> int:
    return int(card(page, label).locator(".home-count").inner_text())


@pytest.fixture
def ledger():
    today = dt.date.today()
    unit = UnitFactory(name="高新区发展改革和财政局", short_name="区发改财政局")
    other = UnitFactory(name="高新区市场监督管理局", short_name="区市场监管局")
    coordinator = user_with_role(Role.COORDINATOR, username="home_coord", display_name="公开办")
    liaison = user_with_role(Role.LIAISON, unit=unit, username="home_liaison")
    reviewer = user_with_role(Role.REVIEWER, unit=unit, username="home_reviewer")
    user_with_role(Role.LEADER, username="home_leader")
    plan = PlanFactory(title=f"{today.year}年政务公开工作要点分工方案", year=today.year)
    tasks = {}
    for title, u, due in (
        ("公开年度预算和决算", unit, today + dt.timedelta(days=20)),
        ("公开重大建设项目批准和实施信息", unit, today - dt.timedelta(days=6)),
        ("公开“双随机、一公开”抽查结果", other, today - dt.timedelta(days=12)),
        ("公开行政许可事项清单", other, today - dt.timedelta(days=3)),
    ):
        item = item_with(
            plan=plan, title=title, units=[u], rules=[{"kind": "once", "month": 12, "day": "end"}]
        )
        plan_services.ledger_generate(actor=coordinator, plan=plan)
        task = Task.objects.get(item=item, unit=u)
        Task.objects.filter(pk=task.pk).update(due_date=due)
        tasks[title] = task
    return {
        "unit": unit,
        "other": other,
        "plan": plan,
        "tasks": tasks,
        "coordinator": coordinator,
        "liaison": liaison,
        "reviewer": reviewer,
    }


def test_coordinator_sees_submitted_task_and_new_application(browser, live_server, ledger):
    base = live_server.url
    task = ledger["tasks"]["公开年度预算和决算"]

    # The liaison reports the task and submits it.
    liaison = sign_in(browser, base, "home_liaison")
    liaison.goto(f"{base}/workbench/plans/tasks/{task.pk}/")
    submit = liaison.locator("section").filter(has=liaison.get_by_role("heading", name="报送"))
    submit.get_by_label("完成情况").fill("已在门户网站“预决算公开”专栏发布")
    submit.get_by_role("button", name="报送").click()
    liaison.get_by_text("已在门户网站“预决算公开”专栏发布").first.wait_for()
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    liaison.context.close()

    # An application arrives at the office (registered, no unit yet).
    app = application(description="本区2025年度财政预算执行情况")

    coord = sign_in(browser, base, "home_coord")
    coord.goto(base + "/workbench/")
    assert count(coord, "待验收的任务") == 1
    assert count(coord, "待分办的申请") == 1
    overdue = coord.locator("article.home-card").filter(has_text="各单位逾期任务")
    assert overdue.locator(".home-count").inner_text() == "3"
    rows = overdue.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "区市场监管局"
    assert "2" in rows.nth(0).locator("td").inner_text()
    assert coord.errors == [] and axe_violations(coord) == []
    shot(coord, "coordinator")

    card(coord, "待验收的任务").get_by_role("link", name="公开年度预算和决算").click()
    coord.wait_for_url(f"**/workbench/plans/tasks/{task.pk}/")
    assert coord.get_by_role("button", name="验收通过").is_visible()

    coord.goto(base + "/workbench/")
    card(coord, "待分办的申请").get_by_role("link", name=f"申请 {app.tracking_code}").click()
    coord.wait_for_url(f"**/workbench/foi/{app.pk}/")

    # The list link is pre-filtered.
    coord.goto(base + "/workbench/")
    card(coord, "待验收的任务").get_by_role("link", name="待验收的任务").click()
    coord.wait_for_url(re.compile(r".*/workbench/plans/tasks/\?status=submitted$"))
    coord.context.close()


def test_liaison_sees_returned_task_overdue_task_and_returned_item(browser, live_server, ledger):
    base = live_server.url
    task = ledger["tasks"]["公开年度预算和决算"]
    plan_services.task_submit(actor=ledger["liaison"], task=task, text="已公开")

    # The coordinator returns the task in the browser.
    coord = sign_in(browser, base, "home_coord")
    coord.goto(f"{base}/workbench/plans/tasks/{task.pk}/")
    returning = coord.locator("section").filter(has=coord.get_by_role("heading", name="退回"))
    returning.get_by_label("退回理由").fill("请补充栏目链接")
    returning.get_by_role("button", name="退回").click()
    coord.get_by_text("请补充栏目链接").first.wait_for()
    coord.context.close()

    # The reviewer returned an item, and an application is assigned to the unit.
    from gongkai.catalog.services import items as item_services

    item = ItemFactory(unit=ledger["unit"], title="2026年部门预算公开说明")
    item_services.item_submit(actor=ledger["liaison"], item=item)
    item_services.item_return(actor=ledger["reviewer"], item=item, reason="缺少预算表附件")
    app = application(unit=ledger["unit"])

    liaison = sign_in(browser, base, "home_liaison")
    liaison.goto(base + "/workbench/")
    assert count(liaison, "被退回的任务") == 1
    assert count(liaison, "已逾期的任务") == 1
    assert count(liaison, "被退回修改的信息") == 1
    assert count(liaison, "待办理的依申请公开") == 1
    returned_item = card(liaison, "被退回修改的信息")
    assert "缺少预算表附件" in returned_item.inner_text()
    assert "区市场监管局" not in liaison.locator("main").inner_text()
    assert liaison.errors == [] and axe_violations(liaison) == []
    shot(liaison, "liaison")

    card(liaison, "被退回的任务").get_by_role("link", name="公开年度预算和决算").click()
    liaison.wait_for_url(f"**/workbench/plans/tasks/{task.pk}/")
    assert liaison.get_by_text("请补充栏目链接").first.is_visible()

    liaison.goto(base + "/workbench/")
    returned_item.get_by_role("link", name="2026年部门预算公开说明").click()
    liaison.wait_for_url(f"**/workbench/catalog/items/{item.pk}/")

    liaison.goto(base + "/workbench/")
    card(liaison, "待办理的依申请公开").get_by_role(
        "link", name=f"申请 {app.tracking_code}"
    ).click()
    liaison.wait_for_url(f"**/workbench/foi/{app.pk}/")
    liaison.context.close()


def test_reviewer_sees_item_submitted_by_liaison(browser, live_server, ledger):
    base = live_server.url
    item = ItemFactory(unit=ledger["unit"], title="关于开展2026年度“双随机”抽查的通知")

    reviewer = sign_in(browser, base, "home_reviewer")
    reviewer.goto(base + "/workbench/")
    assert reviewer.get_by_text("暂无待审核事项。").is_visible()
    reviewer.context.close()

    liaison = sign_in(browser, base, "home_liaison")
    liaison.goto(f"{base}/workbench/catalog/items/{item.pk}/")
    liaison.locator("section").filter(
        has=liaison.get_by_role("heading", name="提交审核")
    ).get_by_role("button", name="提交审核").click()
    liaison.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED
    liaison.context.close()

    reviewer = sign_in(browser, base, "home_reviewer")
    reviewer.goto(base + "/workbench/")
    assert count(reviewer, "待审核的信息") == 1
    assert reviewer.errors == [] and axe_violations(reviewer) == []
    shot(reviewer, "reviewer")
    card(reviewer, "待审核的信息").get_by_role("link", name=item.title).click()
    reviewer.wait_for_url(f"**/workbench/catalog/items/{item.pk}/")
    assert reviewer.get_by_role("button", name="审核通过").first.is_visible()
    reviewer.context.close()


def test_leader_sees_figures_and_chart(browser, live_server, ledger):
    base = live_server.url
    done = ledger["tasks"]["公开年度预算和决算"]
    plan_services.task_submit(actor=ledger["liaison"], task=done, text="已公开")
    plan_services.task_accept(actor=ledger["coordinator"], task=done)
    application()
    application(unit=ledger["unit"])
    published_item(unit=ledger["unit"], column=ColumnFactory(name="通知公告"))
    ColumnFactory(name="人事信息")

    leader = sign_in(browser, base, "home_leader")
    leader.goto(base + "/workbench/")
    leader.wait_for_selector("#chart-plans canvas")
    stats = leader.locator(".home-stats")
    assert stats.locator(".stat").filter(has_text="逾期任务").locator("strong").inner_text() == "3"
    assert stats.locator(".stat").filter(has_text="本年收到申请").locator(
        "strong"
    ).inner_text() == ("2")
    assert "25.0%" in leader.locator("main").inner_text()
    assert "1 个栏目尚无公开信息" in leader.locator("main").inner_text()
    assert leader.errors == [] and axe_violations(leader) == []
    shot(leader, "leader")
    leader.get_by_role("link", name=ledger["plan"].title).click()
    leader.wait_for_url(f"**/workbench/dashboard/?plan={ledger['plan'].pk}")
    leader.wait_for_selector("#chart-unit canvas")
    leader.context.close()


def test_home_fits_a_phone(browser, live_server, ledger):
    """A user holding every role but 系统管理员 (whose sign-in needs a code) on a 390×844 phone:
    every section stacks, nothing scrolls sideways."""
    base = live_server.url
    user = user_with_role(Role.LIAISON, unit=ledger["unit"], username="home_many")
    MembershipFactory(user=user, role=Role.REVIEWER, unit=ledger["unit"])
    MembershipFactory(user=user, role=Role.COORDINATOR, unit=None)
    MembershipFactory(user=user, role=Role.LEADER, unit=None)
    plan_services.task_submit(
        actor=ledger["liaison"], task=ledger["tasks"]["公开年度预算和决算"], text="已公开"
    )
    ItemFactory(unit=ledger["unit"], status=ItemStatus.SUBMITTED, title="待审核的一条很长标题" * 4)
    application()

    page = sign_in(browser, base, "home_many", phone=True)
    page.goto(base + "/workbench/")
    page.wait_for_selector("#chart-plans canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    headings = page.locator(".home-section > h2").all_inner_texts()
    assert len(headings) == 4
    boxes = [b.bounding_box() for b in page.locator("article.home-card").all()]
    assert boxes and all(b["x"] + b["width"] <= 390 for b in boxes)
    assert page.errors == [] and axe_violations(page) == []
    shot(page, "phone")
    page.context.close()


def test_admin_sees_account_created_without_role(browser, live_server):
    """The administrator signs in with a code, creates an account, and the home page lists it
    until a role is given; one click reaches the account."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    base = live_server.url
    admin = user_with_role(Role.ADMIN, username="home_admin")
    device = TOTPDevice.objects.create(user=admin, name="动态口令", confirmed=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill("home_admin")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("textbox", name="动态口令").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/workbench/**")

    page.goto(base + "/workbench/users/new/")
    page.get_by_label("登录名").fill("new_staff")
    page.get_by_label("姓名").fill("新同事")
    page.get_by_label("初始密码").fill("Aa-1234567890-zZ")
    page.get_by_role("button", name=re.compile("保存|创建")).click()
    page.wait_for_url(re.compile(r".*/workbench/users/\d+/$"))

    page.goto(base + "/workbench/")
    assert count(page, "尚未分配角色的账号") == 1
    assert axe_violations(page) == []
    shot(page, "admin")
    card(page, "尚未分配角色的账号").get_by_role("link", name="新同事").click()
    from gongkai.orgs.models import User

    page.wait_for_url(f"**/workbench/users/{User.objects.get(username='new_staff').pk}/")
    assert page.get_by_role("button", name="分配角色").is_visible()
    context.close()
