"""数据发布 end to end in a real browser: a liaison imports a month of water-quality data from
an XLSX file (preview, confirm), submits it; the reviewer approves and publishes; the portal
shows the table and the ECharts chart; the ledger task bound to the dataset is submitted."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.datasets.models import Period, PeriodStatus
from gongkai.datasets.tests.factories import WATER_HEADER, builtin_dataset, water_rows, xlsx_bytes
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


def test_import_review_publish_chart_and_bound_task(browser, live_server, tmp_path):
    today = dt.date.today()
    month = f"{today.year}-{today.month:02d}"
    unit = UnitFactory(name="珠海高新区建设环保局", short_name="区建设环保局")
    user_with_role(Role.LIAISON, unit=unit, username="wq_liaison")
    user_with_role(Role.REVIEWER, unit=unit, username="wq_reviewer")
    coordinator = user_with_role(Role.COORDINATOR, username="wq_coord")
    plan = PlanFactory(year=today.year)
    plan_item = item_with(
        plan=plan,
        units=[unit],
        rules=[{"kind": "monthly"}],
        title="每月发布集中式生活饮用水水源水质监测信息",
    )
    plan_services.ledger_generate(actor=coordinator, plan=plan)
    builtin_dataset("water-quality", unit, plan_item=plan_item)
    task = Task.objects.get(item=plan_item, period_start__lte=today, period_end__gte=today)
    path = tmp_path / "水质.xlsx"
    path.write_bytes(
        xlsx_bytes([WATER_HEADER, *water_rows(month, 5)], title_row="水源水质监测情况", width=8)
    )

    liaison = sign_in(browser, live_server.url, "wq_liaison")
    liaison.get_by_role("link", name="数据发布").first.click()
    liaison.get_by_role("link", name="集中式生活饮用水水源水质监测").click()
    liaison.get_by_label("文件").set_input_files(str(path))
    liaison.get_by_role("button", name="校验并预览").click()
    liaison.get_by_text("全部 5 行校验通过").wait_for()
    assert liaison.get_by_role("cell", name="竹仙洞水库").first.is_visible()
    liaison.get_by_role("button", name="确认导入").click()
    liaison.get_by_text("已导入 5 行").wait_for()
    liaison.get_by_role("button", name="提交审核").click()
    liaison.get_by_text("已提交审核").wait_for()
    assert Period.objects.get().status == PeriodStatus.SUBMITTED

    reviewer = sign_in(browser, live_server.url, "wq_reviewer")
    reviewer.goto(live_server.url + f"/workbench/datasets/water-quality/periods/{month}/")
    reviewer.get_by_text("未发现个人信息").wait_for()
    reviewer.get_by_role("button", name="审核通过并发布").click()
    reviewer.get_by_text("审核通过，已在网站发布").wait_for()
    assert Period.objects.get().status == PeriodStatus.PUBLISHED

    visitor = browser.new_page()
    visitor.goto(live_server.url + f"/sjfb/water-quality/{month}/")
    visitor.get_by_role("heading", name="集中式生活饮用水水源水质监测").wait_for()
    visitor.locator("#dataset-chart[data-ready='1'] canvas").wait_for()
    assert visitor.get_by_role("cell", name="前山河").is_visible()
    visitor.get_by_label("达标情况").select_option("不达标")
    visitor.get_by_role("button", name="筛选").click()
    visitor.get_by_text("符合条件 1 条").wait_for()
    visitor.screenshot(path=str(tmp_path / "sjfb.png"), full_page=True)
    assert axe_violations(visitor) == []
    visitor.close()

    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    assert task.links.get().url.endswith(f"/sjfb/water-quality/{month}/")
