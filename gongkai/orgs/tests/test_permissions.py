"""The permission layer: a unit role acts on its own unit only, through every entry point."""

from __future__ import annotations

import pytest

from gongkai.core.errors import NotFound, PermissionDenied
from gongkai.orgs import selectors, services
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.permissions import Action, check_perm, forget_roles, has_perm, units_for
from gongkai.orgs.tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_liaison_acts_on_own_unit_only(liaison_a, unit_a, unit_b):
    assert has_perm(liaison_a, Action.VIEW, unit_a)
    assert has_perm(liaison_a, Action.EDIT, unit_a)
    assert has_perm(liaison_a, Action.SUBMIT, unit_a.pk)
    assert not has_perm(liaison_a, Action.APPROVE, unit_a)
    for action in Action:
        assert not has_perm(liaison_a, action, unit_b), action
    assert list(units_for(liaison_a, Action.VIEW)) == [unit_a]


def test_reviewer_approves_own_unit_only(reviewer_a, unit_a, unit_b):
    assert has_perm(reviewer_a, Action.APPROVE, unit_a)
    assert not has_perm(reviewer_a, Action.APPROVE, unit_b)
    assert not has_perm(reviewer_a, Action.SUBMIT, unit_a)


def test_global_roles(admin_user, coordinator, leader, unit_a, unit_b):
    assert has_perm(coordinator, Action.COORDINATE, unit_b)
    assert has_perm(coordinator, Action.EDIT, unit_a)
    assert not has_perm(coordinator, Action.MANAGE_USERS)
    assert has_perm(admin_user, Action.MANAGE_USERS)
    assert has_perm(admin_user, Action.MANAGE_CALENDAR)
    assert not has_perm(admin_user, Action.EDIT, unit_a)
    assert has_perm(leader, Action.VIEW, unit_b)
    assert has_perm(leader, Action.VIEW_DASHBOARD)
    for action in (Action.EDIT, Action.SUBMIT, Action.APPROVE, Action.COORDINATE):
        assert not has_perm(leader, action, unit_a), action
    assert set(units_for(leader, Action.VIEW)) >= {unit_a, unit_b}


def test_global_only_actions_never_granted_by_unit_roles(liaison_a, unit_a):
    for action in (
        Action.COORDINATE,
        Action.MANAGE_UNITS,
        Action.MANAGE_USERS,
        Action.VIEW_DASHBOARD,
    ):
        assert not has_perm(liaison_a, action, unit_a)
        assert not has_perm(liaison_a, action)


def test_inactive_user_and_disabled_unit_grant_nothing(liaison_a, unit_a):
    unit_a.is_active = False
    unit_a.save()
    forget_roles(liaison_a)
    assert not has_perm(liaison_a, Action.VIEW, unit_a)
    unit_a.is_active = True
    unit_a.save()
    liaison_a.is_active = False
    forget_roles(liaison_a)
    assert not has_perm(liaison_a, Action.VIEW, unit_a)


def test_anonymous_has_nothing(unit_a):
    from django.contrib.auth.models import AnonymousUser

    assert not has_perm(AnonymousUser(), Action.VIEW, unit_a)
    with pytest.raises(PermissionDenied):
        check_perm(None, Action.VIEW, unit_a)


def test_service_refuses_other_units_objects(liaison_a, unit_a, unit_b):
    with pytest.raises(NotFound):
        selectors.unit_get(user=liaison_a, unit_id=unit_b.pk)
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=liaison_a, unit=unit_b, contact_phone="123")
    unit_b.refresh_from_db()
    assert unit_b.contact_phone == ""
    # Own unit: contact details yes, structure no.
    services.unit_update(actor=liaison_a, unit=unit_a, contact_phone="0756-1234567")
    unit_a.refresh_from_db()
    assert unit_a.contact_phone == "0756-1234567"
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=liaison_a, unit=unit_a, name="改名")
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=liaison_a, name="新单位")


def test_unit_list_is_filtered(liaison_a, unit_a, unit_b):
    assert list(selectors.unit_list(user=liaison_a)) == [unit_a]


def test_membership_rules(admin_user, unit_a):
    user = user_with_role(Role.LEADER)
    from gongkai.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.membership_grant(actor=admin_user, user=user, role=Role.LIAISON)
    with pytest.raises(ValidationFailed):
        services.membership_grant(actor=admin_user, user=user, role=Role.COORDINATOR, unit=unit_a)
    m = services.membership_grant(actor=admin_user, user=user, role=Role.LIAISON, unit=unit_a)
    assert has_perm(user, Action.EDIT, unit_a)
    services.membership_revoke(actor=admin_user, membership=m)
    assert not has_perm(user, Action.EDIT, unit_a)
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_only_admin_grants_roles(coordinator, unit_a):
    user = user_with_role(Role.LEADER)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=coordinator, user=user, role=Role.LIAISON, unit=unit_a)


def test_unit_codes_are_validated(coordinator):
    from gongkai.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="机构代码无效"):
        services.unit_create(actor=coordinator, name="甲", code="11440400MB2C00001X")
    unit = services.unit_create(actor=coordinator, name="甲", code="11440400MB2C00001F")
    assert unit.code == "11440400MB2C00001F"
    with pytest.raises(ValidationFailed, match="已被其他单位使用"):
        services.unit_create(actor=coordinator, name="乙", code="11440400MB2C00001F")
    org = services.unit_create(actor=coordinator, name="丙", code="D2143569-X")
    assert org.code == "D2143569X"


def test_unit_cannot_be_its_own_ancestor(coordinator):
    from gongkai.core.errors import ValidationFailed

    parent = UnitFactory()
    child = UnitFactory(parent=parent)
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=coordinator, unit=parent, parent=child)
