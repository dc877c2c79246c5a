"""The seed plan end to end in a real browser: the coordinator imports it; a liaison submits
progress with an attachment; the coordinator returns it; the liaison resubmits; the coordinator
accepts; the dashboard's counts follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, user_with_role
from gongkai.plans.models import Plan, PlanItem, Task, TaskStatus
from gongkai.plans.tests.importing import make_seed_units, seed_bytes
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


def stat(page, label: str) -> int:
    card = page.locator(".stats .stat").filter(has_text=label).first
    return int(card.locator("strong").inner_text())


def fill_late_reason(form, task) -> None:
    """After the due date the form asks for a late reason (逾期说明); before it, it does not."""
    if task.due_date < timezone.localdate():
        form.get_by_label("逾期说明").fill("数据来源部门发布推迟")
    else:
        assert form.get_by_label("逾期说明").count() == 0


def test_seed_import_and_task_cycle(browser, live_server, tmp_path):
    units = make_seed_units()
    fgcz = units["区发改财政局"]
    user_with_role(Role.COORDINATOR, username="e2e_coord")
    user_with_role(Role.LIAISON, unit=fgcz, username="e2e_fgcz")
    year = dt.date.today().year if dt.date.today().year <= 2026 else 2026
    seed = tmp_path / "分工方案.txt"
    seed.write_bytes(seed_bytes())
    evidence = tmp_path / "公开截图.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n")

    # The coordinator imports the seed.
    coord = sign_in(browser, live_server.url, "e2e_coord")
    coord.goto(live_server.url + "/workbench/plans/imports/new/")
    coord.get_by_label("方案文件").set_input_files(str(seed))
    coord.get_by_label("方案名称").fill("高新区政务公开工作要点分工方案")
    coord.get_by_label("年度").fill(str(year))
    coord.get_by_role("button", name="上传并预览").click()
    coord.get_by_role("button", name="确认导入").wait_for()
    assert axe_violations(coord) == []
    coord.get_by_role("button", name="确认导入").click()
    coord.wait_for_url("**/workbench/plans/*/")
    plan = Plan.objects.get()
    assert PlanItem.objects.filter(plan=plan, is_task=True).count() == 27
    assert {t.unit.short_name for t in Task.objects.select_related("unit")} == set(units)

    coord.goto(live_server.url + f"/workbench/dashboard/?plan={plan.pk}")
    completed_before = stat(coord, "已完成")
    submitted_before = stat(coord, "已报送待验收")

    # The liaison of 区发改财政局 reports with an attachment and submits.
    task = Task.objects.filter(unit=fgcz).order_by("due_date", "pk").first()
    task_url = live_server.url + f"/workbench/plans/tasks/{task.pk}/"
    liaison = sign_in(browser, live_server.url, "e2e_fgcz")
    liaison.goto(task_url)
    submit = liaison.locator("section").filter(has=liaison.get_by_role("heading", name="报送"))
    submit.get_by_label("完成情况").fill("已在门户网站“预决算公开”专栏发布")
    submit.get_by_label("佐证材料").set_input_files(str(evidence))
    fill_late_reason(submit, task)
    submit.get_by_role("button", name="报送").click()
    liaison.get_by_text("公开截图.pdf").wait_for()
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED

    coord.reload()
    assert stat(coord, "已报送待验收") == submitted_before + 1

    # The coordinator returns it with a reason.
    coord.goto(task_url)
    returning = coord.locator("section").filter(has=coord.get_by_role("heading", name="退回"))
    returning.get_by_label("退回理由").fill("请补充栏目链接")
    returning.get_by_role("button", name="退回").click()
    coord.get_by_text("请补充栏目链接").first.wait_for()
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED

    # The liaison resubmits with the link.
    liaison.goto(task_url)
    assert liaison.get_by_text("请补充栏目链接").first.is_visible()
    submit = liaison.locator("section").filter(has=liaison.get_by_role("heading", name="报送"))
    submit.get_by_label("完成情况").fill("已补充链接")
    submit.get_by_label("公开信息链接").fill("https://www.example.gov.cn/yjsgk/2026/01.html")
    fill_late_reason(submit, task)
    submit.get_by_role("button", name="报送").click()
    liaison.get_by_text("已补充链接").first.wait_for()

    # The coordinator accepts; the dashboard follows.
    coord.goto(task_url)
    coord.locator("section").filter(has=coord.get_by_role("heading", name="验收通过")).get_by_role(
        "button", name="验收通过"
    ).click()
    coord.get_by_text("已完成").first.wait_for()
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    coord.goto(live_server.url + f"/workbench/dashboard/?plan={plan.pk}")
    assert stat(coord, "已完成") == completed_before + 1
    assert stat(coord, "已报送待验收") == submitted_before
    coord.context.close()
    liaison.context.close()
