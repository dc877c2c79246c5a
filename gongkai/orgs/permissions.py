"""The one permission layer: may user U do action A on an object of unit X?

Every service that reads or changes unit-owned data calls `check_perm` (or filters with
`units_for`) itself, so a view, the API, a command and a job all get the same answer.

    check_perm(user, Action.EDIT, unit)        # raises PermissionDenied
    has_perm(user, Action.VIEW, unit_id)       # bool
    units_for(user, Action.VIEW)               # QuerySet of units the user may act on
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from gongkai.core.errors import PermissionDenied

from .models import Role, Unit


class Action(StrEnum):
    VIEW = "view"  # read a unit's objects
    EDIT = "edit"  # create or change a unit's drafts, progress, contact details
    SUBMIT = "submit"  # submit for review or report progress
    APPROVE = "approve"  # approve for publishing (单位审核人)
    COORDINATE = "coordinate"  # accept / return tasks, import plans, cross-unit work (公开办)
    VIEW_DASHBOARD = "view_dashboard"  # read-only overviews (领导)
    VIEW_AUDIT = "view_audit"  # browse the audit log of a unit
    MANAGE_UNITS = "manage_units"  # create units, change names, codes, aliases
    MANAGE_USERS = "manage_users"  # accounts and roles
    MANAGE_CALENDAR = "manage_calendar"  # enter a year's holidays


# Which roles grant which actions. Global roles act on every unit; unit roles on their own unit.
_GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {
            Action.VIEW,
            Action.VIEW_AUDIT,
            Action.VIEW_DASHBOARD,
            Action.MANAGE_UNITS,
            Action.MANAGE_USERS,
            Action.MANAGE_CALENDAR,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Action.VIEW,
            Action.EDIT,
            Action.SUBMIT,
            Action.APPROVE,
            Action.COORDINATE,
            Action.VIEW_DASHBOARD,
            Action.VIEW_AUDIT,
            Action.MANAGE_UNITS,
        }
    ),
    Role.LEADER: frozenset({Action.VIEW, Action.VIEW_DASHBOARD}),
    Role.LIAISON: frozenset({Action.VIEW, Action.EDIT, Action.SUBMIT, Action.VIEW_AUDIT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.EDIT, Action.APPROVE, Action.VIEW_AUDIT}),
}

#: Actions that are not about one unit's objects; they need a global role.
_GLOBAL_ONLY = frozenset(
    {
        Action.COORDINATE,
        Action.VIEW_DASHBOARD,
        Action.MANAGE_UNITS,
        Action.MANAGE_USERS,
        Action.MANAGE_CALENDAR,
    }
)

_CACHE_ATTR = "_gongkai_roles"


def roles_of(user) -> tuple[frozenset[Role], frozenset[tuple[Role, int]]]:
    """(global roles, {(unit role, unit id)}) for an active user, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset(), frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    global_roles: set[Role] = set()
    unit_roles: set[tuple[Role, int]] = set()
    # A membership in a disabled unit grants nothing.
    rows = user.memberships.filter(Q(unit__isnull=True) | Q(unit__is_active=True))
    for role, unit_id in rows.values_list("role", "unit_id"):
        if unit_id is None:
            global_roles.add(Role(role))
        else:
            unit_roles.add((Role(role), unit_id))
    result = (frozenset(global_roles), frozenset(unit_roles))
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_roles(user) -> None:
    """Drop the cached roles, e.g. after granting a membership."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _unit_id(unit: Unit | int | None) -> int | None:
    if unit is None:
        return None
    return unit if isinstance(unit, int) else unit.pk


def has_perm(user, action: Action, unit: Unit | int | None = None) -> bool:
    global_roles, unit_roles = roles_of(user)
    if any(action in _GRANTS[role] for role in global_roles):
        return True
    if action in _GLOBAL_ONLY:
        return False
    unit_id = _unit_id(unit)
    if unit_id is None:
        # "Any unit": true when the user holds the action for at least one unit.
        return any(action in _GRANTS[role] for role, _ in unit_roles)
    return any(action in _GRANTS[role] and uid == unit_id for role, uid in unit_roles)


def check_perm(user, action: Action, unit: Unit | int | None = None) -> None:
    if not has_perm(user, action, unit):
        raise PermissionDenied()


def units_for(user, action: Action) -> QuerySet[Unit]:
    """The units on whose objects `user` may do `action`."""
    global_roles, unit_roles = roles_of(user)
    if any(action in _GRANTS[role] for role in global_roles):
        return Unit.objects.all()
    if action in _GLOBAL_ONLY:
        return Unit.objects.none()
    ids = {uid for role, uid in unit_roles if action in _GRANTS[role]}
    return Unit.objects.filter(pk__in=ids)


def has_role(user, *roles: Role) -> bool:
    global_roles, unit_roles = roles_of(user)
    return bool(set(roles) & (set(global_roles) | {r for r, _ in unit_roles}))


def is_staff_member(user) -> bool:
    """Any role at all: may enter the workbench."""
    global_roles, unit_roles = roles_of(user)
    return bool(global_roles or unit_roles) or bool(getattr(user, "is_superuser", False))
