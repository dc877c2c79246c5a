"""Notification kinds of the plans app, registered in `PlansConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

GROUP = _("工作台账")

TASK_SUBMITTED = "plans.task_submitted"
TASK_REVIEWED = "plans.task_reviewed"
TASK_ACCEPTED = "plans.task_accepted"
TASK_RETURNED = "plans.task_returned"
IMPORT_CONFIRMED = "plans.import_confirmed"
TASK_BEFORE_DUE = "plans.task_before_due"
TASK_DUE = "plans.task_due"
TASK_OVERDUE = "plans.task_overdue"
TASK_ESCALATION = "plans.task_escalation"
ITEM_UNITS_CHANGED = "plans.item_units_changed"


def register() -> None:
    register_kind(TASK_SUBMITTED, _("任务已报送，待验收或审核"), group=GROUP, order=10)
    register_kind(TASK_REVIEWED, _("任务已经单位审核，待验收"), group=GROUP, order=11)
    register_kind(TASK_ACCEPTED, _("任务已验收"), group=GROUP, order=12)
    register_kind(TASK_RETURNED, _("任务被退回"), group=GROUP, order=13)
    register_kind(IMPORT_CONFIRMED, _("工作方案已导入"), group=GROUP, order=14)
    register_kind(TASK_BEFORE_DUE, _("任务临期提醒"), group=GROUP, order=15)
    register_kind(TASK_DUE, _("任务到期提醒"), group=GROUP, order=16)
    register_kind(TASK_OVERDUE, _("任务逾期提醒"), group=GROUP, order=17)
    register_kind(TASK_ESCALATION, _("任务逾期督办"), group=GROUP, order=18)
    register_kind(ITEM_UNITS_CHANGED, _("方案条目的责任单位调整"), group=GROUP, order=19)
