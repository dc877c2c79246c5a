from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoiConfig(AppConfig):
    name = "gongkai.foi"
    label = "foi"
    verbose_name = _("依申请公开")

    def ready(self):
        from gongkai.core.signals import calendar_year_changed

        from . import deadlines, notifications, reminders

        notifications.register()
        reminders.register()
        calendar_year_changed.connect(
            deadlines.on_calendar_year_changed, dispatch_uid="foi.deadlines.recompute"
        )
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(MenuItem("foi", _("依申请公开"), "foi:queue", Action.VIEW, order=60))
        # The statistics page shows every unit to COORDINATE / VIEW_DASHBOARD holders (公开办,
        # 领导); the menu offers it to them (coordinators hold VIEW_DASHBOARD too). Unit staff
        # may still open it by URL for their own units.
        register(
            MenuItem(
                "foi_statistics",
                _("年度统计"),
                "foi:replies_office:statistics",
                Action.VIEW_DASHBOARD,
                order=61,
            )
        )
        # Letter templates: `services.replies.can_edit_templates` (COORDINATE or MANAGE_USERS).
        # A menu entry takes one action: the 公开办, who owns the letters, sees it.
        register(
            MenuItem(
                "foi_templates",
                _("文书模板"),
                "foi:replies_office:templates",
                Action.COORDINATE,
                order=62,
            )
        )
