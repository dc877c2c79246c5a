"""Notification kinds of the FOI app, registered in `FoiConfig.ready()`.

Titles and bodies carry the tracking code, dates and unit names only — never the applicant's
name, identity number, phone or address.
"""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

GROUP = _("依申请公开")

APPLICATION_REGISTERED = "foi.application_registered"
APPLICATION_ASSIGNED = "foi.application_assigned"
CORRECTION_RECEIVED = "foi.correction_received"
LETTER_PENDING = "foi.letter_pending"
LETTER_APPROVED = "foi.letter_approved"
LETTER_RETURNED = "foi.letter_returned"
DUE_SOON = "foi.due_soon"
OVERDUE = "foi.overdue"
ESCALATION = "foi.escalation"
DEADLINE_RECOMPUTED = "foi.deadline_recomputed"
NOTICE_PENDING = "foi.notice_pending"


def register() -> None:
    register_kind(APPLICATION_REGISTERED, _("收到新申请，待分办"), group=GROUP, order=50)
    register_kind(APPLICATION_ASSIGNED, _("申请已分办给我"), group=GROUP, order=51)
    register_kind(CORRECTION_RECEIVED, _("申请人已提交补正"), group=GROUP, order=52)
    register_kind(LETTER_PENDING, _("答复书待审批"), group=GROUP, order=53)
    register_kind(LETTER_APPROVED, _("答复书已审批"), group=GROUP, order=54)
    register_kind(LETTER_RETURNED, _("答复书被退回"), group=GROUP, order=55)
    register_kind(DUE_SOON, _("申请临期提醒"), group=GROUP, order=56)
    register_kind(OVERDUE, _("申请逾期提醒"), group=GROUP, order=57)
    register_kind(ESCALATION, _("申请逾期督办"), group=GROUP, order=58)
    register_kind(DEADLINE_RECOMPUTED, _("节假日安排公布后期限重新计算"), group=GROUP, order=59)
    register_kind(NOTICE_PENDING, _("告知书待审批"), group=GROUP, order=60)
