"""Notification kinds of the reports app, registered in `ReportsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

GROUP = _("年度报告")

ANNUAL_DUE_SOON = "reports.annual_due_soon"
ANNUAL_OVERDUE = "reports.annual_overdue"


def register() -> None:
    register_kind(ANNUAL_DUE_SOON, _("年度报告临近公布期限"), group=GROUP, order=70)
    register_kind(ANNUAL_OVERDUE, _("年度报告逾期未公布"), group=GROUP, order=71)
