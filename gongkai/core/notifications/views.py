"""In-app notifications (站内通知): the user's own list, unread first (or unread only); mark one
or all read; the user's notification settings (email at once / daily digest / none, SMS).

Every query is filtered by the requesting user, so another user's notification is a 404.
The StaffSecurityMiddleware guards /workbench/ (login, staff role, OTP) in front of these views.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.models import Notification
from gongkai.core.paging import paginate

from .forms import NotificationSettingsForm
from .preferences import preferences_save, user_choices

# -- reads and writes (small enough to live beside their only views) ---------------------------


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications: unread first, newest first within each group."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.annotate(
        is_read=Case(
            When(read_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("is_read", "-created_at", "-pk")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (404 for anyone else's)."""
    notification = get_object_or_404(Notification, pk=notification_id, user=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# -- views ------------------------------------------------------------------------------------


def _safe_local(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_GET
def notification_list_view(request):
    unread_only = request.GET.get("show") == "unread"
    page = paginate(
        request, notification_list(user=request.user, unread_only=unread_only), per_page=50
    )
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "unread_count": unread_count(user=request.user),
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
        },
    )


@require_http_methods(["GET", "POST"])
def notification_settings_view(request):
    """Per kind: 即时邮件 / 每日汇总 / 不发邮件, and 短信 on or off."""
    user = request.user
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, choices=user_choices(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = preferences_save(user=user, choices=form.choices())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            if changed:
                messages.success(request, _("通知设置已保存。"))
            else:
                messages.info(request, _("通知设置没有变化。"))
            return redirect("notifications:settings")
    return render(
        request,
        "core/notification_settings.html",
        {"form": form, "has_email": bool(user.email), "has_phone": bool(user.phone)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def notification_read(request, notification_id: int):
    notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("notifications:list")


@require_POST
def notification_open(request, notification_id: int):
    """Mark read and go to what the notification is about."""
    notification = notification_mark_read(user=request.user, notification_id=notification_id)
    if _safe_local(request, notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
