"""Proactive disclosure end to end in a real browser: a liaison drafts an item with an
attachment; the personal-data scan blocks an ID number; the liaison masks it; the reviewer
approves and publishes; the item is on the portal and in its column's feed, and the ledger task
bound to the column shows as submitted."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import ColumnBinding, Item, PublicState
from gongkai.catalog.tests.factories import ColumnFactory, id_number, pdf_bytes
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, UnitFactory, user_with_role
from gongkai.plans import services as plan_services
from gongkai.plans.models import Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/**")
    return page


def section(page, heading):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_draft_scan_mask_approve_publish_and_bound_task(browser, live_server, tmp_path):
    today = dt.date.today()
    unit = UnitFactory(name="高新区发展改革和财政局", short_name="区发改财政局")
    user_with_role(Role.LIAISON, unit=unit, username="pub_liaison")
    user_with_role(Role.REVIEWER, unit=unit, username="pub_reviewer")
    coordinator = user_with_role(Role.COORDINATOR, username="pub_coord")
    column = ColumnFactory(code="yjsgk", name="预决算公开", kind="data", units=[unit])
    plan = PlanFactory(year=today.year)
    plan_item = item_with(plan=plan, units=[unit], rules=[{"kind": "monthly", "day": "end"}])
    plan_services.ledger_generate(actor=coordinator, plan=plan)
    ColumnBinding.objects.create(plan_item=plan_item, column=column)
    task = Task.objects.get(item=plan_item, period_start__lte=today, period_end__gte=today)
    number = id_number()
    attachment = tmp_path / "收支表.pdf"
    attachment.write_bytes(pdf_bytes("Budget 2026-10"))

    # The liaison drafts the item with an attachment; the body carries an ID number by mistake.
    liaison = sign_in(browser, live_server.url, "pub_liaison")
    liaison.goto(live_server.url + "/workbench/catalog/items/new/")
    liaison.get_by_label("栏目").select_option(label=f"{column.name}（数据发布）")
    liaison.get_by_label("标题").fill("2026年10月全区一般公共预算收支完成情况")
    liaison.get_by_label("正文").fill(
        f"<p>经办人：张三 身份证号 {number}</p><p>全区一般公共预算收入完成12.3亿元。</p>"
    )
    liaison.get_by_label("附件").first.set_input_files(str(attachment))
    liaison.get_by_role("button", name="保存").click()
    liaison.get_by_role("heading", name="自动检查").wait_for()
    item = Item.objects.get()
    assert item.attachments.count() == 1
    assert number not in liaison.content()  # findings are shown masked
    assert liaison.get_by_text("个人信息").first.is_visible()

    # Submitted as it is, the reviewer cannot approve: the scan blocks it.
    section(liaison, "提交审核").get_by_role("button", name="提交审核").click()
    reviewer = sign_in(browser, live_server.url, "pub_reviewer")
    detail = live_server.url + f"/workbench/catalog/items/{item.pk}/"
    reviewer.goto(detail)
    section(reviewer, "审核通过").get_by_role("button", name="审核通过").click()
    reviewer.get_by_text("疑似个人信息").first.wait_for()
    item.refresh_from_db()
    assert item.status == "submitted"
    section(reviewer, "退回修改").get_by_label("退回理由").fill("正文含身份证号，请遮盖")
    section(reviewer, "退回修改").get_by_role("button", name="退回").click()

    # The liaison masks it and submits again.
    liaison.goto(detail)
    liaison.get_by_role("button", name="一键遮盖").click()
    liaison.get_by_role("heading", name="自动检查").wait_for()
    item.refresh_from_db()
    assert number not in item.body
    section(liaison, "提交审核").get_by_role("button", name="提交审核").click()

    # The reviewer approves and publishes.
    reviewer.goto(detail)
    approve = section(reviewer, "审核通过")
    approve.get_by_label("审核通过并发布").check()
    approve.get_by_role("button", name="审核通过").click()
    reviewer.get_by_text("已发布").first.wait_for()
    item.refresh_from_db()
    assert item.public_state == PublicState.LIVE

    # On the portal, in the column's feed; the bound task is submitted.
    portal = browser.new_context(locale="zh-CN").new_page()
    portal.goto(live_server.url + f"/xxgk/item/{item.pk}/")
    assert portal.get_by_role("heading", name=item.title).is_visible()
    assert number not in portal.content()
    assert axe_violations(portal) == []
    feed = portal.request.get(live_server.url + f"/xxgk/{column.code}/rss.xml")
    assert feed.ok and item.title in feed.text()
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    reviewer.goto(live_server.url + f"/workbench/plans/tasks/{task.pk}/")
    assert reviewer.get_by_text("已报送").first.is_visible()
