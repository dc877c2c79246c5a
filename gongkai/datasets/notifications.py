"""Notification kinds of structured data publishing."""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

SUBMITTED = "datasets.period_submitted"
RETURNED = "datasets.period_returned"
PUBLISHED = "datasets.period_published"
DEADLINE_DUE_SOON = "datasets.deadline_due_soon"
DEADLINE_OVERDUE = "datasets.deadline_overdue"


def register() -> None:
    group = _("数据发布")
    register_kind(SUBMITTED, _("数据待审核"), group=group, order=45, email_by_default=True)
    register_kind(RETURNED, _("数据被退回"), group=group, order=46, email_by_default=True)
    register_kind(PUBLISHED, _("数据已发布"), group=group, order=47, email_by_default=False)
    register_kind(
        DEADLINE_DUE_SOON, _("数据公示即将到期"), group=group, order=48, email_by_default=True
    )
    register_kind(
        DEADLINE_OVERDUE, _("数据公示已逾期"), group=group, order=49, email_by_default=True
    )
