"""Unit groups: the collective names plans use (各单位, 各镇（街道）…) and the units they stand for."""

from __future__ import annotations

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs import selectors, services
from gongkai.orgs.models import UnitGroup
from gongkai.orgs.tests.factories import UnitFactory, default_unit_group

pytestmark = pytest.mark.django_db


def test_the_default_group_stands_for_every_active_unit():
    """Installed by migration, so that 各单位 / 各部门 import without setup."""
    UnitGroup.objects.all().delete()
    group = default_unit_group()
    assert group.all_units and "各部门" in group.aliases
    a, b = UnitFactory(), UnitFactory(is_active=False)
    members = set(group.member_units())
    assert a in members and b not in members
    assert selectors.unit_group_match_name(name="各部门") == group


def test_create_a_named_set_and_match_it_with_either_bracket_width(coordinator):
    towns = [UnitFactory(name=f"某某镇{n}") for n in range(3)]
    group = services.unit_group_create(
        actor=coordinator, name="各镇（街道）", aliases="各镇街、各镇(街)", members=towns
    )
    assert set(group.member_units()) == set(towns)
    assert selectors.unit_group_match_name(name="各镇(街道)") == group
    assert selectors.unit_group_match_name(name="各镇（街）") == group
    assert selectors.unit_target_match(name="各镇街") == group
    assert selectors.unit_target_match(name="某某镇1") == towns[1]
    event = AuditEvent.objects.get(action="unit_group.create")
    assert event.after["members"] == sorted(t.pk for t in towns)


def test_a_group_needs_members_and_names_must_not_clash(coordinator):
    default_unit_group()
    with pytest.raises(ValidationFailed, match="请选择成员单位"):
        services.unit_group_create(actor=coordinator, name="区直各单位")
    with pytest.raises(ValidationFailed, match="与其他单位组重复"):
        services.unit_group_create(actor=coordinator, name="各部门", all_units=True)
    with pytest.raises(ValidationFailed, match="请填写单位组名称"):
        services.unit_group_create(actor=coordinator, name=" ", all_units=True)
    assert UnitGroup.objects.count() == 1


def test_update_add_alias_and_delete_are_audited(coordinator):
    unit = UnitFactory()
    group = services.unit_group_create(actor=coordinator, name="区直各单位", members=[unit])
    services.unit_group_add_alias(actor=coordinator, group=group, alias="区直各部门")
    group.refresh_from_db()
    assert group.aliases == ["区直各部门"]
    assert list(group.member_units()) == [unit]
    services.unit_group_update(
        actor=coordinator, group=group, name="区直单位", aliases=[], all_units=True
    )
    group.refresh_from_db()
    assert group.name == "区直单位" and group.all_units and not group.members.exists()
    services.unit_group_delete(actor=coordinator, group=group)
    assert not UnitGroup.objects.filter(pk=group.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="unit_group")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "unit_group.create",
        "unit_group.update",
        "unit_group.update",
        "unit_group.delete",
    ]


def test_only_unit_managers_change_groups(liaison_a, leader):
    for user in (liaison_a, leader):
        with pytest.raises(PermissionDenied):
            services.unit_group_create(actor=user, name="各科室", all_units=True)


@pytest.mark.parametrize(
    ("name", "collective"),
    [
        ("各单位", True),
        ("区直各单位", True),
        ("各镇（街道）", True),
        ("市直各部门", True),
        ("各有关单位", True),
        ("相关部门", True),
        ("区党政办", False),
        ("区发改财政局", False),
        ("唐家湾镇", False),
    ],
)
def test_collective_names_are_recognised(name, collective):
    assert selectors.looks_collective(name) is collective
