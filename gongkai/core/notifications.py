"""In-app notifications to staff."""

from __future__ import annotations

from django.db.models import Q

from .models import Notification


def notify_users(*, users, title: str, body: str = "", url: str = "") -> int:
    created = Notification.objects.bulk_create(
        Notification(user=u, title=title[:200], body=body, url=url[:300]) for u in users
    )
    return len(created)


def unit_staff(unit, roles=("liaison", "reviewer")):
    from gongkai.orgs.models import User

    return User.objects.filter(
        is_active=True, memberships__unit=unit, memberships__role__in=roles
    ).distinct()


def coordinators():
    from gongkai.orgs.models import User

    return User.objects.filter(
        Q(memberships__role="coordinator", memberships__unit__isnull=True), is_active=True
    ).distinct()


def notify_unit_staff(*, unit, title: str, body: str = "", url: str = "") -> int:
    return notify_users(users=unit_staff(unit), title=title, body=body, url=url)
