"""A coordinator imports, in the course of the year, a plan that names 各单位 and 各镇（街道）
and has an item with an explicit date; nothing is overdue on the day of the import. Then, on a
phone, the coordinator changes one item's units on the plan tree and the ledger follows."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from gongkai.core.workdays import get_calendar
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, default_unit_group, user_with_role
from gongkai.plans.models import ItemUnit, Plan, Task
from gongkai.plans.tests.importing import make_seed_units
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS", tempfile.gettempdir()))


def plan_text(year: int) -> str:
    return f"""{year}年政务公开工作要点分工方案
一、推进决策公开
（一）全面推行重大行政决策预公开，扩大公众参与。（牵头单位：区党政办；配合单位：各单位）完成时限：每月25日前。
（二）做好城乡建设领域信息公开，及时发布征收补偿信息。（责任单位：各镇（街道）；完成时限：{year}年12月31日前）
（三）加强政策解读，按月发布解读材料。（责任单位：区发改财政局、区社区局；完成时限：每月25日前）
"""


def test_group_units_mid_year_import_and_unit_edit(browser, live_server, tmp_path):
    today = timezone.localdate()
    year = today.year
    calendar = get_calendar()
    if not calendar.covers(year):
        pytest.skip(f"{year}年的节假日安排不在内置日历中")
    year_end_due = calendar.previous_workday(dt.date(year, 12, 31), inclusive=True)
    if today >= year_end_due:
        pytest.skip("今天已是年末最后一个工作日，年内不再有可生成的周期")
    default_unit_group()  # installed by migration; a transactional test may have flushed it
    units = make_seed_units()
    towns = [UnitFactory(name=f"高新区{n}街道", short_name=f"{n}街道") for n in ("唐家", "金鼎")]
    org_services.unit_group_create(
        actor=user_with_role(Role.ADMIN, username="admin_g"), name="区属各镇街", members=towns
    )
    user_with_role(Role.COORDINATOR, username="g_coord")
    source = tmp_path / "分工方案.txt"
    source.write_text(plan_text(year), encoding="utf-8")

    coord = sign_in(browser, live_server.url, "g_coord")
    coord.goto(live_server.url + "/workbench/plans/imports/new/")
    coord.get_by_label("方案文件").set_input_files(str(source))
    coord.get_by_label("年度").fill(str(year))
    coord.get_by_role("button", name="上传并预览").click()
    coord.get_by_role("button", name="确认导入").wait_for()
    # 各单位 resolves to the default group; 各镇（街道） must be mapped, group first
    assert coord.get_by_text("单位组“各单位”").count() >= 1
    mapping = coord.locator("fieldset.plan-mapping").filter(has_text="各镇（街道）")
    assert mapping.get_by_label("对应到单位组", exact=False).is_checked()
    mapping.get_by_label("单位组", exact=True).select_option(label="区属各镇街（2个单位）")
    assert coord.get_by_label("生效日期").input_value() == today.isoformat()
    assert axe_violations(coord) == []
    coord.screenshot(path=str(SHOTS / "plan_groups_preview.png"), full_page=True)
    coord.get_by_role("button", name="确认导入").click()
    coord.wait_for_url("**/workbench/plans/*/")

    plan = Plan.objects.get()
    tasks = Task.objects.filter(item__plan=plan)
    assert tasks.exists()
    assert not tasks.filter(due_date__lt=today).exists(), "nothing is overdue on day one"
    first = plan.items.get(path=["一", "（一）"])
    # 各单位: every active unit, the lead unit once
    assert first.item_units.count() == len(units) + len(towns)
    assert first.item_units.get(unit=units["区党政办"]).role == ItemUnit.Role.LEAD
    # the explicit date: one task per town, due on the last working day of the year
    dated = plan.items.get(path=["一", "（二）"])
    assert sorted(Task.objects.filter(item=dated).values_list("unit__short_name", "due_date")) == [
        ("唐家街道", year_end_due),
        ("金鼎街道", year_end_due),
    ]

    # On a phone, the coordinator gives item (三) to 区建设环保局 instead of 区社区局.
    third = plan.items.get(path=["一", "（三）"])
    before_fgcz = Task.objects.filter(item=third, unit=units["区发改财政局"]).count()
    phone = sign_in(browser, live_server.url, "g_coord", phone=True)
    phone.goto(live_server.url + f"/workbench/plans/{plan.pk}/")
    phone.locator(f"#item-{third.pk}").get_by_role("link", name="调整责任单位").click()
    phone.get_by_role("heading", name="调整责任单位").wait_for()
    units_box = phone.locator("fieldset.plan-unit-choices").filter(has_text="责任单位 / 配合单位")
    units_box.get_by_label(units["区社区局"].short_name, exact=True).uncheck()
    units_box.get_by_label(units["区建设环保局"].short_name, exact=True).check()
    assert axe_violations(phone) == []
    phone.screenshot(path=str(SHOTS / "plan_groups_item_units_phone.png"), full_page=True)
    phone.get_by_role("button", name="保存").click()
    phone.get_by_text("责任单位已保存").wait_for()

    assert set(third.item_units.values_list("unit__short_name", flat=True)) == {
        "区发改财政局",
        "区建设环保局",
    }
    assert not Task.objects.filter(item=third, unit=units["区社区局"]).exists()
    new_unit = Task.objects.filter(item=third, unit=units["区建设环保局"])
    assert new_unit.count() == before_fgcz and not new_unit.filter(due_date__lt=today).exists()
    assert Task.objects.filter(item=third, unit=units["区发改财政局"]).count() == before_fgcz
