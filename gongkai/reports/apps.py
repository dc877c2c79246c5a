from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongkai.reports"
    label = "reports"
    verbose_name = _("报告与考评")

    def ready(self):
        from . import notifications, reminders

        notifications.register()
        reminders.register()
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(
            MenuItem(
                "reports", _("年度报告"), "reports:annual_list", Action.VIEW_DASHBOARD, order=63
            )
        )
