from __future__ import annotations

import factory

from gongkai.orgs.tests.factories import UnitFactory
from gongkai.plans.models import ItemUnit, Plan, PlanItem, ScheduleRule


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"2026年政务公开工作要点分工方案（{n}）")
    year = 2026


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(PlanFactory)
    is_task = True
    path = factory.Sequence(lambda n: ["一", f"（{n}）"])
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"推进第{n}项信息公开")
    text = "及时公开相关信息。"


def item_with(*, plan=None, units=(), rules=(), **kwargs) -> PlanItem:
    """A task item with units [(unit, role)] or [unit] and rules [{"kind": ..., ...}]."""
    item = PlanItemFactory(plan=plan or PlanFactory(), **kwargs)
    for n, entry in enumerate(units or [UnitFactory()]):
        unit, role = entry if isinstance(entry, tuple) else (entry, ItemUnit.Role.RESPONSIBLE)
        ItemUnit.objects.create(item=item, unit=unit, role=role, position=n)
    for n, rule in enumerate(rules):
        rule = dict(rule)
        kind = rule.pop("kind")
        ScheduleRule.objects.create(
            item=item, kind=kind, params=rule, phrase=rule.pop("phrase", ""), position=n
        )
    return item
