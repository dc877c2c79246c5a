"""Who receives a notification: the staff of a unit in given roles, the coordinators."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def unit_staff(unit, roles=("liaison", "reviewer")):
    """Active users holding one of `roles` in `unit`."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__unit=unit, memberships__role__in=roles)
        .distinct()
    )


def coordinators():
    """Active users holding the global 公开办 role."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__role="coordinator", memberships__unit__isnull=True
        )
        .distinct()
    )
