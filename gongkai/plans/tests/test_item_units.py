"""Group units at import (各单位 → every member) and editing an item's units after the import:
the future follows in one transaction, the past and its history stay."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, Notification
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Role, UnitGroup
from gongkai.orgs.tests.factories import UnitFactory, default_unit_group, user_with_role
from gongkai.plans import services
from gongkai.plans.models import ItemUnit, Plan, Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.plans.tests.importing import make_seed_units

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_calendar")]

JUNE = dt.date(2026, 6, 15)

PLAN = """2026年政务公开工作要点分工方案
一、推进决策公开
（一）全面推行重大行政决策预公开，扩大公众参与。（牵头单位：区党政办；配合单位：各单位）完成时限：每季度结束后10个工作日内。
（二）做好城乡建设领域信息公开，及时发布征收补偿信息。（责任单位：各镇（街道）；完成时限：2026年10月16日前）
（三）加强政策解读，按月发布解读材料。（责任单位：区直各单位；完成时限：每月25日前）
"""


def _prepare(actor):
    return services.plan_import_prepare(
        actor=actor, data=PLAN.encode(), filename="plan.txt", title="", year=2026
    )


def _units_of(plan: Plan, path: list[str]) -> dict[str, str]:
    item = plan.items.get(path=path)
    return {iu.unit.short_name: iu.role for iu in item.item_units.select_related("unit")}


def test_group_names_expand_to_their_members(coordinator):
    default_unit_group()
    units = make_seed_units()
    towns = [UnitFactory(name=f"某某镇{n}", short_name=f"某某镇{n}") for n in range(2)]
    towns_group = org_services.unit_group_create(
        actor=coordinator, name="各镇（街道）", members=towns
    )
    direct = org_services.unit_group_create(
        actor=coordinator, name="区直单位", members=[units["区发改财政局"], units["区社区局"]]
    )
    imp = _prepare(coordinator)
    result = services.plan_import_confirm(
        actor=coordinator,
        plan_import=imp,
        effective_from=JUNE,
        unit_choices=[
            services.UnitChoice(name="区直各单位", group_id=direct.pk, remember_alias=True)
        ],
    )
    plan = result.plan
    # 各单位 (the default group: every active unit) cooperates with the lead unit
    first = _units_of(plan, ["一", "（一）"])
    assert first.pop("区党政办") == ItemUnit.Role.LEAD
    assert len(first) == len(units) - 1 + len(towns)
    assert set(first.values()) == {ItemUnit.Role.COOPERATING}
    # 各镇（街道） resolves by the group's own name; 区直各单位 through the coordinator's choice
    assert set(_units_of(plan, ["一", "（二）"])) == {"某某镇0", "某某镇1"}
    assert set(_units_of(plan, ["一", "（三）"])) == {"区发改财政局", "区社区局"}
    item = plan.items.get(path=["一", "（二）"])
    assert {iu.group_id for iu in item.item_units.all()} == {towns_group.pk}
    assert {iu.name_as_written for iu in item.item_units.all()} == {"各镇（街道）"}
    # the choice was remembered as an alias of the group
    direct.refresh_from_db()
    assert "区直各单位" in direct.aliases
    # every member has its tasks: one once-task per town, monthly tasks from June per unit
    assert Task.objects.filter(item=item).count() == 2
    monthly = Task.objects.filter(item__path=["一", "（三）"], item__plan=plan)
    assert monthly.filter(unit=units["区社区局"]).count() == 7  # June … December
    assert not Task.objects.filter(item__plan=plan, due_date__lt=JUNE).exists()
    # 各单位: Q2, Q3 and Q4 (due in January 2027) are due after 15 June; 各镇（街道）: one task
    assert result.tasks_by_unit[towns[0].pk] == 3 + 1


def test_an_unknown_group_name_must_be_mapped(coordinator):
    default_unit_group()
    make_seed_units()
    imp = _prepare(coordinator)
    with pytest.raises(ValidationFailed, match="各镇（街道）"):
        services.plan_import_confirm(actor=coordinator, plan_import=imp, effective_from=JUNE)
    assert not Plan.objects.exists()


def test_editing_units_changes_the_future_and_keeps_the_past(coordinator, unit_a, unit_b):
    liaison_b = user_with_role(Role.LIAISON, unit=unit_b, username="liaison_b")
    unit_c = UnitFactory()
    liaison_c = user_with_role(Role.LIAISON, unit=unit_c, username="liaison_c")
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a, unit_b], rules=[{"kind": "monthly", "day": 25}])
    services.ledger_generate(actor=coordinator, plan=plan)
    assert Task.objects.filter(item=item).count() == 24
    # unit B has worked on its July task (due after the edit): that one must stay
    july_b = Task.objects.get(item=item, unit=unit_b, period_start=dt.date(2026, 7, 1))
    services.task_report_progress(actor=liaison_b, task=july_b, text="已起草解读材料")

    result = services.item_units_update(
        actor=coordinator, item=item, lead_ids=[unit_a.pk], unit_ids=[unit_c.pk], today=JUNE
    )
    assert result["added"] == [unit_c.pk] and result["dropped"] == [unit_b.pk]
    roles = dict(item.item_units.values_list("unit_id", "role"))
    assert roles == {unit_a.pk: ItemUnit.Role.LEAD, unit_c.pk: ItemUnit.Role.COOPERATING}
    b_tasks = Task.objects.filter(item=item, unit=unit_b)
    # B keeps January–May (past, with their overdue history) and the worked July task
    assert b_tasks.filter(due_date__lt=JUNE).count() == 5
    assert list(b_tasks.filter(due_date__gte=JUNE)) == [july_b]
    assert result["removed"] == 6  # June, August … December
    # C gets June … December only, nothing overdue on the day of the edit
    c_tasks = Task.objects.filter(item=item, unit=unit_c)
    assert c_tasks.count() == 7 and not c_tasks.filter(due_date__lt=JUNE).exists()
    assert result["created"] == 7
    # A is untouched
    assert Task.objects.filter(item=item, unit=unit_a).count() == 12
    event = AuditEvent.objects.get(action="plan.item_units")
    assert "新增" in event.summary and "移除" in event.summary
    assert Notification.objects.filter(user=liaison_c).count() == 1


def test_a_group_on_edit_expands_and_a_unit_appears_once(coordinator, unit_a, unit_b):
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a], rules=[{"kind": "quarterly"}])
    group = org_services.unit_group_create(
        actor=coordinator, name="甲乙两局", members=[unit_a, unit_b]
    )
    services.item_units_update(
        actor=coordinator, item=item, unit_ids=[unit_a.pk], groups=[group], today=JUNE
    )
    rows = list(item.item_units.values_list("unit_id", "role", "group_id"))
    assert rows == [
        (unit_a.pk, ItemUnit.Role.RESPONSIBLE, None),
        (unit_b.pk, ItemUnit.Role.RESPONSIBLE, group.pk),
    ]


def test_edit_refusals_write_nothing(coordinator, liaison_a, unit_a):
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a], rules=[{"kind": "monthly"}])
    services.ledger_generate(actor=coordinator, plan=plan)
    with pytest.raises(PermissionDenied):
        services.item_units_update(actor=liaison_a, item=item, unit_ids=[unit_a.pk])
    with pytest.raises(ValidationFailed, match="请至少选择一个责任单位"):
        services.item_units_update(actor=coordinator, item=item)
    inactive = UnitFactory(is_active=False)
    with pytest.raises(ValidationFailed, match="不存在或已停用"):
        services.item_units_update(actor=coordinator, item=item, unit_ids=[inactive.pk])
    assert list(item.item_units.values_list("unit_id", flat=True)) == [unit_a.pk]
    assert Task.objects.filter(item=item).count() == 12
    assert not AuditEvent.objects.filter(action="plan.item_units").exists()


def test_a_rule_change_regenerates_from_today_only(coordinator, unit_a, monkeypatch):
    from gongkai.plans.services import ledger

    monkeypatch.setattr(ledger, "_today", lambda: JUNE)
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a], rules=[{"kind": "monthly", "day": 25}])
    services.ledger_generate(actor=coordinator, plan=plan)
    services.rule_update(actor=coordinator, rule=item.rules.get(), kind="quarterly", params={})
    tasks = Task.objects.filter(item=item)
    # the five monthly tasks due before 15 June stay (they were owed); from June on, quarters
    assert tasks.filter(due_date__lt=JUNE).count() == 5
    assert sorted(tasks.filter(due_date__gte=JUNE).values_list("period_label", flat=True)) == [
        "2026年第三季度",
        "2026年第二季度",
        "2026年第四季度",
    ]
    assert set(tasks.values_list("status", flat=True)) == {TaskStatus.NOT_STARTED}


def test_the_default_group_can_be_removed_and_names_then_need_mapping(coordinator):
    UnitGroup.objects.all().delete()
    make_seed_units()
    org_services.unit_group_create(actor=coordinator, name="各镇（街道）", all_units=True)
    org_services.unit_group_create(actor=coordinator, name="区直各单位", all_units=True)
    imp = _prepare(coordinator)
    with pytest.raises(ValidationFailed, match="各单位"):
        services.plan_import_confirm(actor=coordinator, plan_import=imp, effective_from=JUNE)
