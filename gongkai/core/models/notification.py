from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    SENT = "sent", _("已发送")
    DIGEST = "digest", _("待汇总发送")
    NONE = "none", _("不发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """An in-app message to one staff user (reminders, returns, acceptances)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    #: a key registered in `gongkai.core.notifications.kinds` ("plans.task_returned", …)
    kind = models.CharField(_("类型"), max_length=60, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    #: what became of the email (`gongkai.core.notifications.delivery`)
    email_status = models.CharField(
        _("邮件"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_status", "user"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from gongkai.core.notifications.kinds import kind_label

        return kind_label(self.kind)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时邮件")
    DIGEST = "digest", _("每日汇总")
    NONE = "none", _("不发邮件")


class NotificationPreference(models.Model):
    """How one user wants one notification kind beyond the in-app list. No row = the kind's
    default (`NotificationKind.email_by_default`: at once or not at all; no SMS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("通知类型"), max_length=60)
    email = models.CharField(_("邮件"), max_length=10, choices=EmailMode.choices)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="core_notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}"
