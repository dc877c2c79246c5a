"""Reads of units, users and roles, filtered by what the asking user may see."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from gongkai.core.errors import NotFound
from gongkai.core.models import AuditEvent

from .models import Membership, Unit, UnitGroup, User
from .permissions import Action, has_perm, units_for


def unit_list(*, user, include_inactive: bool = False) -> QuerySet[Unit]:
    qs = units_for(user, Action.VIEW).select_related("parent")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "name")


def unit_get(*, user, unit_id: int) -> Unit:
    """A unit the user may view; NotFound otherwise (we do not reveal that it exists)."""
    try:
        return units_for(user, Action.VIEW).select_related("parent").get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def unit_members(*, user, unit: Unit) -> QuerySet[Membership]:
    unit_get(user=user, unit_id=unit.pk)
    return unit.memberships.select_related("user").order_by("role", "user__username")


def unit_match_name(*, name: str) -> Unit | None:
    """Resolve a unit name as written in a document through full names, short names and aliases.

    Used by importers; returns None when nothing or more than one unit matches."""
    name = name.strip()
    if not name:
        return None
    exact = list(Unit.objects.filter(is_active=True, name=name)[:2]) or list(
        Unit.objects.filter(is_active=True, short_name=name)[:2]
    )
    if len(exact) == 1:
        return exact[0]
    matches = [u for u in Unit.objects.filter(is_active=True) if name in u.aliases]
    return matches[0] if len(matches) == 1 else None


def _plain(name: str) -> str:
    """A name for comparison: trimmed, brackets full-width (各镇(街道) = 各镇（街道）)."""
    return name.strip().replace("(", "（").replace(")", "）")


def unit_group_match_name(*, name: str) -> UnitGroup | None:
    """The unit group a collective name as written stands for (各单位, 各部门 …), by the group's
    name or aliases; None when none or more than one group matches."""
    plain = _plain(name)
    if not plain:
        return None
    matches = [g for g in UnitGroup.objects.all() if plain in {_plain(n) for n in g.all_names()}]
    return matches[0] if len(matches) == 1 else None


def unit_target_match(*, name: str) -> Unit | UnitGroup | None:
    """What a name in a plan stands for: one unit (by name, short name, alias) or a unit group."""
    return unit_match_name(name=name) or unit_group_match_name(name=name)


#: Collective names: 各单位, 区直各单位, 各镇（街道）, 市直各部门, 各有关单位, 相关部门 …
_COLLECTIVE = re.compile(r"各|(?:有关|相关)(?:单位|部门)|全体|所有")


def looks_collective(name: str) -> bool:
    """Does a unit name as written stand for several units (a group, not one unit)?"""
    return bool(_COLLECTIVE.search(name or ""))


def unit_group_list() -> QuerySet[UnitGroup]:
    """Unit groups, with their members; every staff user may see them (they hold no data)."""
    return UnitGroup.objects.prefetch_related("members").order_by("sort_order", "name")


def unit_group_get(*, group_id: int) -> UnitGroup:
    try:
        return UnitGroup.objects.prefetch_related("members").get(pk=group_id)
    except (UnitGroup.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def user_roles_display(*, user: User) -> list[str]:
    return [str(m) for m in user.memberships.select_related("unit")]


def user_list(*, user, q: str = "") -> QuerySet[User]:
    from django.db.models import Prefetch, Q

    from gongkai.core.errors import PermissionDenied

    from .permissions import has_perm

    if not has_perm(user, Action.MANAGE_USERS):
        raise PermissionDenied()
    qs = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    ).order_by("username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return qs


def user_get(*, user, user_id: int) -> User:
    try:
        return user_list(user=user).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def audit_event_list(
    *,
    user,
    actor: str = "",
    action: str = "",
    unit_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log as `user` may read it: account and coordinating roles see everything, unit
    roles their own units' records and their own actions. (Here, not in core, because it is a
    question about roles.)"""
    qs = AuditEvent.objects.select_related("unit", "actor")
    if not has_perm(user, Action.MANAGE_USERS) and not has_perm(user, Action.COORDINATE):
        # Unit roles see their own units' records and their own actions.
        qs = qs.filter(Q(unit__in=units_for(user, Action.VIEW_AUDIT)) | Q(actor=user))
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__username__iexact=actor))
    if action:
        qs = qs.filter(action__startswith=action)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")
