"""Plan pages: list, tree (read by everyone, counts from visible tasks), copy, rule editing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.plans import services
from gongkai.plans.models import ItemUnit, Plan, PlanItem, ScheduleRule, Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.plans.tests.importing import reset_calendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans")]


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


@pytest.fixture
def plan(coordinator, unit_a, unit_b):
    """一 heading → one item led by 甲局 with 乙局 cooperating, 每月25日前; one periodic item."""
    plan = PlanFactory(title="2026年政务公开工作要点分工方案", year=2026, source_name="方案.docx")
    heading = PlanItem.objects.create(
        plan=plan, is_task=False, path=["一"], position=1, title="进一步推进财政资金信息公开"
    )
    item_with(
        plan=plan,
        parent=heading,
        path=["一", "（一）"],
        position=2,
        title="加强预期引导",
        units=[(unit_a, ItemUnit.Role.LEAD), (unit_b, ItemUnit.Role.COOPERATING)],
        rules=[{"kind": "monthly", "day": 25, "phrase": "每月25日前"}],
    )
    item_with(
        plan=plan,
        parent=heading,
        path=["一", "（二）"],
        position=3,
        title="推进PPP项目信息公开",
        units=[unit_b],
        rules=[{"kind": "periodic", "phrase": "定期"}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    return plan


def _item(plan, title) -> PlanItem:
    return plan.items.get(title=title)


# -- list -------------------------------------------------------------------------------------


def test_plan_list(login, coordinator, liaison_a, plan):
    html = login(coordinator).get(reverse("plans:plan_list")).content.decode()
    assert plan.title in html and "方案.docx" in html and "2026年" in html
    assert reverse("plans:import_upload") in html
    html = login(liaison_a).get(reverse("plans:plan_list")).content.decode()
    assert plan.title in html
    assert reverse("plans:import_upload") not in html


def test_plan_list_shows_pending_imports_to_the_coordinator(login, coordinator, liaison_a):
    from gongkai.plans.tests.importing import make_seed_units, seed_bytes

    make_seed_units()
    imp = services.plan_import_prepare(
        actor=coordinator, data=seed_bytes(), filename="seed.txt", title="待确认的方案", year=2026
    )
    html = login(coordinator).get(reverse("plans:plan_list")).content.decode()
    assert "待确认的导入" in html and reverse("plans:import_preview", args=[imp.pk]) in html
    assert "待确认的方案" not in login(liaison_a).get(reverse("plans:plan_list")).content.decode()


# -- tree -------------------------------------------------------------------------------------


def test_tree_for_the_coordinator(login, coordinator, plan):
    response = login(coordinator).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "进一步推进财政资金信息公开" in html
    assert html.index("加强预期引导") < html.index("推进PPP项目信息公开")
    assert "牵头单位" in html and "配合单位" in html and "责任单位" in html
    assert "<q>每月25日前</q> → 每月25日前（遇节假日提前至前一工作日）" in html
    assert "尚未设定间隔，暂不生成任务" in html
    assert "台账任务 24 条" in html and html.count("12 条任务") == 2
    rule = _item(plan, "加强预期引导").rules.get()
    assert reverse("plans:rule_edit", args=[plan.pk, rule.pk]) in html
    assert reverse("plans:plan_copy", args=[plan.pk]) in html
    assert reverse("plans:plan_reimport", args=[plan.pk]) in html


def test_tree_for_a_liaison_is_read_only_and_counts_only_visible_tasks(login, liaison_a, plan):
    response = login(liaison_a).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "加强预期引导" in html and "推进PPP项目信息公开" in html  # the whole tree
    assert "台账任务 12 条" in html and html.count("12 条任务") == 1
    assert response.context["totals"]["tasks"] == 12
    rule = _item(plan, "加强预期引导").rules.get()
    assert reverse("plans:rule_edit", args=[plan.pk, rule.pk]) not in html
    assert reverse("plans:plan_copy", args=[plan.pk]) not in html
    assert "添加时限规则" not in html


def test_tree_for_the_leader(login, leader, plan):
    response = login(leader).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200 and response.context["totals"]["tasks"] == 24


def test_unknown_plan_is_404(login, coordinator):
    assert login(coordinator).get(reverse("plans:plan_detail", args=[999])).status_code == 404


# -- rules ------------------------------------------------------------------------------------


def test_edit_a_rule(login, coordinator, plan):
    item = _item(plan, "加强预期引导")
    rule = item.rules.get()
    client = login(coordinator)
    url = reverse("plans:rule_edit", args=[plan.pk, rule.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="25"' in page.content.decode()
    response = client.post(url, {"kind": "quarterly"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#item-{item.pk}")
    assert any("时限规则已更新为：每季度一次" in str(m) for m in response.context["messages"])
    rule.refresh_from_db()
    assert rule.kind == "quarterly" and rule.changed_by_coordinator
    assert Task.objects.filter(item=item).count() == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "monthly", "day": "40"}, "截止日应为1到31之间的数字"),
        ({"kind": "event"}, "事件触发的任务须指定期限"),
        ({"kind": "once"}, "一次性任务须指定完成月份"),
        ({"kind": "periodic", "interval_days": "0"}, "大于或等于1"),
        ({"kind": "nonsense"}, "选择一个有效的选项"),
    ],
    ids=["bad-day", "event-no-days", "once-no-month", "interval-0", "bad-kind"],
)
def test_bad_rule_input_changes_nothing(login, coordinator, plan, data, message):
    item = _item(plan, "加强预期引导")
    rule = item.rules.get()
    tasks = set(Task.objects.filter(item=item).values_list("pk", flat=True))
    response = login(coordinator).post(reverse("plans:rule_edit", args=[plan.pk, rule.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    rule.refresh_from_db()
    assert rule.as_dict() == {"kind": "monthly", "day": 25}
    assert set(Task.objects.filter(item=item).values_list("pk", flat=True)) == tasks


def test_set_the_interval_of_a_periodic_rule(login, coordinator, plan):
    item = _item(plan, "推进PPP项目信息公开")
    rule = item.rules.get()
    assert not Task.objects.filter(item=item, rule=rule).exists()
    login(coordinator).post(
        reverse("plans:rule_edit", args=[plan.pk, rule.pk]),
        {"kind": "periodic", "interval_days": "91"},
    )
    assert Task.objects.filter(item=item, rule=rule).count() == 5
    rule.refresh_from_db()
    assert rule.phrase == "定期"  # the phrase as written stays


def test_add_a_rule(login, coordinator, plan):
    item = _item(plan, "推进PPP项目信息公开")
    client = login(coordinator)
    url = reverse("plans:rule_add", args=[plan.pk, item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "once", "month": "6", "day": "月底", "phrase": "6月底前"})
    assert response.status_code == 302
    rule = item.rules.get(kind="once")
    assert rule.params == {"month": 6, "day": "end"} and rule.phrase == "6月底前"
    task = Task.objects.get(item=item, rule=rule)
    assert task.due_date.isoformat() == "2026-06-30"


def test_delete_a_rule_keeps_worked_on_tasks(login, coordinator, liaison_a, plan):
    item = _item(plan, "加强预期引导")
    rule = item.rules.get()
    worked = Task.objects.filter(item=item, unit__short_name="甲局").order_by("due_date").first()
    services.task_report_progress(actor=liaison_a, task=worked, text="已起草")
    client = login(coordinator)
    url = reverse("plans:rule_delete", args=[plan.pk, rule.pk])
    page = client.get(url)
    assert page.status_code == 200 and "已有进展的 1 条任务保留" in page.content.decode()
    assert client.post(url).status_code == 302
    assert not ScheduleRule.objects.filter(pk=rule.pk).exists()
    # the worked-on task stays; untouched ones are gone; the item now has the default task
    assert Task.objects.filter(pk=worked.pk, status=TaskStatus.IN_PROGRESS).exists()
    assert Task.objects.filter(item=item).count() == 1 + 2


def test_rule_of_another_plan_is_404(login, coordinator, plan):
    other = PlanFactory()
    rule = _item(plan, "加强预期引导").rules.get()
    client = login(coordinator)
    assert client.get(reverse("plans:rule_edit", args=[other.pk, rule.pk])).status_code == 404
    assert client.post(reverse("plans:rule_delete", args=[other.pk, rule.pk])).status_code == 404
    assert ScheduleRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("who", ["liaison_a", "leader"])
def test_only_the_coordinator_changes_rules_and_copies(request, login, plan, who):
    item = _item(plan, "加强预期引导")
    rule = item.rules.get()
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("plans:rule_edit", args=[plan.pk, rule.pk])).status_code == 403
    assert (
        client.post(
            reverse("plans:rule_edit", args=[plan.pk, rule.pk]), {"kind": "yearly"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("plans:rule_add", args=[plan.pk, item.pk]), {"kind": "yearly"}
        ).status_code
        == 403
    )
    assert client.post(reverse("plans:rule_delete", args=[plan.pk, rule.pk])).status_code == 403
    assert (
        client.post(reverse("plans:plan_copy", args=[plan.pk]), {"year": 2025}).status_code == 403
    )
    assert client.get(reverse("plans:plan_reimport", args=[plan.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.kind == "monthly" and Plan.objects.count() == 1


# -- copy ---------------------------------------------------------------------------------------


def test_copy_to_a_new_year(login, coordinator, plan):
    client = login(coordinator)
    page = client.get(reverse("plans:plan_copy", args=[plan.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial == {"year": 2027, "title": "2027年政务公开工作要点分工方案"}

    refused = client.post(reverse("plans:plan_copy", args=[plan.pk]), {"year": 2027, "title": ""})
    assert refused.status_code == 400
    assert "2027年节假日安排尚未录入" in refused.content.decode()
    assert Plan.objects.count() == 1

    response = client.post(
        reverse("plans:plan_copy", args=[plan.pk]), {"year": 2025, "title": ""}, follow=True
    )
    new = Plan.objects.get(year=2025)
    assert response.redirect_chain[-1][0] == reverse("plans:plan_detail", args=[new.pk])
    assert new.title == "2025年政务公开工作要点分工方案" and new.copied_from == plan
    assert new.items.filter(is_task=True).count() == 2
    assert Task.objects.filter(item__plan=new).count() == 24
    assert any(
        "已复制为2025年方案：任务条目 2 条，生成台账任务 24 条" in str(m)
        for m in response.context["messages"]
    )
