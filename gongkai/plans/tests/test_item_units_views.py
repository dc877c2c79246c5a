"""The pages: mapping a collective name to a unit group at import, the unit group pages, and
调整责任单位 on the plan tree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.orgs import services as org_services
from gongkai.orgs.models import UnitGroup
from gongkai.orgs.tests.factories import UnitFactory, default_unit_group
from gongkai.plans import services
from gongkai.plans.forms.imports import UnitMappingForm, mapping_prefix
from gongkai.plans.models import ItemUnit, Plan, Task
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.plans.tests.importing import make_seed_units
from gongkai.plans.tests.test_item_units import PLAN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans", "fresh_calendar")]


def _mapping(name: str, **fields) -> dict:
    prefix = mapping_prefix(name)
    return {f"{prefix}-{k}": v for k, v in fields.items()}


def test_collective_names_are_offered_a_unit_group(login, coordinator):
    default_unit_group()
    units = make_seed_units()
    towns = org_services.unit_group_create(
        actor=coordinator, name="各镇（街道）", members=[units["区社区局"]]
    )
    client = login(coordinator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.txt", PLAN.encode(), content_type="text/plain")
    response = client.post(reverse("plans:import_upload"), {"file": upload, "year": 2026})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    # known groups resolve on the tree; the unknown 区直各单位 is offered the group choice first
    assert "单位组“各单位”" in html and "单位组“各镇（街道）”" in html
    forms = preview.context["mapping_forms"]
    assert [f.name for f in forms] == ["区直各单位"]
    assert forms[0].initial["action"] == UnitMappingForm.GROUP
    assert "对应到单位组" in html

    imp_url = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    confirm = reverse("plans:import_confirm", args=[int(imp_url)])
    refused = client.post(confirm, _mapping("区直各单位", action="group"))
    assert refused.status_code == 400 and "请选择对应的单位组" in refused.content.decode()
    assert not Plan.objects.exists()
    done = client.post(confirm, _mapping("区直各单位", action="group", group=towns.pk, alias="on"))
    assert done.status_code == 302
    plan = Plan.objects.get()
    item = plan.items.get(path=["一", "（三）"])
    assert list(item.item_units.values_list("unit__short_name", flat=True)) == ["区社区局"]
    towns.refresh_from_db()
    assert "区直各单位" in towns.aliases


def test_unit_group_pages(login, coordinator, liaison_a):
    default_unit_group()
    unit = UnitFactory(name="某某镇")
    client = login(coordinator)
    listing = client.get(reverse("workbench:group_list"))
    assert listing.status_code == 200 and "全部启用的单位" in listing.content.decode()
    refused = client.post(reverse("workbench:group_create"), {"name": "各镇", "sort_order": 1})
    assert refused.status_code == 400 and "请选择成员单位" in refused.content.decode()
    created = client.post(
        reverse("workbench:group_create"),
        {"name": "各镇（街道）", "aliases": "各镇街", "members": [unit.pk], "sort_order": 20},
    )
    assert created.status_code == 302
    group = UnitGroup.objects.get(name="各镇（街道）")
    assert group.aliases == ["各镇街"] and list(group.members.all()) == [unit]
    edit = client.get(reverse("workbench:group_edit", args=[group.pk]))
    assert edit.status_code == 200
    client.post(reverse("workbench:group_delete", args=[group.pk]))
    assert not UnitGroup.objects.filter(pk=group.pk).exists()
    # a liaison may look but not change
    other = login(liaison_a)
    assert other.get(reverse("workbench:group_list")).status_code == 200
    assert other.get(reverse("workbench:group_create")).status_code == 403


def test_edit_an_items_units_on_the_plan_tree(login, coordinator, unit_a, unit_b):
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a], rules=[{"kind": "quarterly"}])
    services.ledger_generate(actor=coordinator, plan=plan)
    client = login(coordinator)
    tree = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    url = reverse("plans:item_units", args=[plan.pk, item.pk])
    assert url in tree
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["units"] == [unit_a.pk]
    refused = client.post(url, {})
    assert refused.status_code == 400 and "请至少选择一个责任单位" in refused.content.decode()
    saved = client.post(url, {"lead_units": [unit_b.pk], "units": [unit_a.pk]}, follow=True)
    assert "责任单位已保存" in saved.content.decode()
    roles = dict(item.item_units.values_list("unit_id", "role"))
    assert roles == {unit_b.pk: ItemUnit.Role.LEAD, unit_a.pk: ItemUnit.Role.COOPERATING}
    assert Task.objects.filter(item=item, unit=unit_b).count() == 4


def test_only_the_coordinator_edits_units(login, liaison_a, unit_a):
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a], rules=[])
    client = login(liaison_a)
    url = reverse("plans:item_units", args=[plan.pk, item.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"units": [unit_a.pk]}).status_code in (403, 404)


def test_ongoing_rules_take_a_reporting_cadence(login, coordinator, unit_a):
    plan = PlanFactory(year=2026)
    item = item_with(
        plan=plan, units=[unit_a], rules=[{"kind": "continuous", "report_every": "half_yearly"}]
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    assert Task.objects.filter(item=item).count() == 2
    rule = item.rules.get()
    client = login(coordinator)
    url = reverse("plans:rule_edit", args=[plan.pk, rule.pk])
    assert client.get(url).context["form"].initial["report_every"] == "half_yearly"
    client.post(url, {"kind": "continuous", "report_every": "quarterly"})
    rule.refresh_from_db()
    assert rule.params == {"report_every": "quarterly"}
    assert Task.objects.filter(item=item).count() == 4
    # switching to another kind drops the cadence instead of refusing the form
    client.post(url, {"kind": "yearly", "report_every": "quarterly"})
    rule.refresh_from_db()
    assert rule.kind == "yearly" and "report_every" not in rule.params
