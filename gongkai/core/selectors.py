"""Reads of the audit log, limited to what the asking user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import AuditEvent


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
    from gongkai.orgs.permissions import Action, has_perm, units_for

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


def audit_action_choices() -> list[str]:
    return list(
        AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()[:200]
    )
