"""Notification kinds of citizen interaction, registered in `InteractionConfig.ready()`.

Titles and bodies carry tracking codes, dates, unit names and titles of consultations only —
never a citizen's name, phone or email.
"""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

GROUP = _("政民互动")

MESSAGE_RECEIVED = "interaction.message_received"
MESSAGE_ROUTED = "interaction.message_routed"
MESSAGE_SENT_BACK = "interaction.message_sent_back"
REPLY_PENDING = "interaction.reply_pending"
REPLY_RETURNED = "interaction.reply_returned"
MESSAGE_REPLIED = "interaction.message_replied"
FOLLOW_UP = "interaction.follow_up"
DUE_SOON = "interaction.due_soon"
OVERDUE = "interaction.overdue"
ESCALATION = "interaction.escalation"
EXTENSION_REQUESTED = "interaction.extension_requested"
EXTENSION_DECIDED = "interaction.extension_decided"
ERROR_REPORTED = "interaction.error_reported"
COMMENT_RECEIVED = "interaction.comment_received"


def register() -> None:
    register_kind(
        MESSAGE_RECEIVED, _("收到留言，待分办"), group=GROUP, order=70, email_by_default=True
    )
    register_kind(
        MESSAGE_ROUTED, _("留言已分办给本单位"), group=GROUP, order=71, email_by_default=True
    )
    register_kind(MESSAGE_SENT_BACK, _("留言被单位退回"), group=GROUP, order=72)
    register_kind(REPLY_PENDING, _("留言答复待审核"), group=GROUP, order=73)
    register_kind(REPLY_RETURNED, _("留言答复被退回"), group=GROUP, order=74)
    register_kind(MESSAGE_REPLIED, _("留言已答复"), group=GROUP, order=75)
    register_kind(FOLLOW_UP, _("网民追问"), group=GROUP, order=76)
    register_kind(DUE_SOON, _("留言临期提醒"), group=GROUP, order=77)
    register_kind(OVERDUE, _("留言逾期提醒"), group=GROUP, order=78)
    register_kind(ESCALATION, _("留言逾期督办"), group=GROUP, order=79)
    register_kind(EXTENSION_REQUESTED, _("留言延期待审批"), group=GROUP, order=82)
    register_kind(EXTENSION_DECIDED, _("留言延期审批结果"), group=GROUP, order=83)
    register_kind(ERROR_REPORTED, _("网站纠错待处理"), group=GROUP, order=80)
    register_kind(COMMENT_RECEIVED, _("征集意见待审核"), group=GROUP, order=81)
