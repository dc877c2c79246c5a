"""`unread_notifications`: the signed-in user's unread in-app notifications, on /workbench/ pages
(one COUNT query; nothing elsewhere)."""

from __future__ import annotations


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/workbench/"):
        return {}
    from gongkai.core.models import Notification

    return {
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()
    }
