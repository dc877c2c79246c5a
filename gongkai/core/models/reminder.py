from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder sent by the engine (`gongkai.core.reminders`). The `key` names the event
    (`plans.task:123:overdue:2026-10-30`) and is unique, so a reminder is never sent twice for
    the same event; a moved due date is a new key, hence a new event."""

    key = models.CharField(_("事件标识"), max_length=200, unique=True)
    #: the registered source that produced it ("plans", "foi")
    source = models.CharField(_("来源"), max_length=30)
    #: the notification kind it was sent as ("plans.task_overdue")
    kind = models.CharField(_("通知类型"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    due_date = models.DateField(_("针对的期限"), null=True, blank=True)
    #: user ids
    recipients = models.JSONField(_("接收人"), default=list)
    #: emails that went out at once after the send (a digest sends the others later)
    emailed = models.PositiveSmallIntegerField(_("邮件数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["source", "kind", "object_id"])]

    def __str__(self) -> str:
        return self.key
