from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "gongkai.workbench"
    label = "workbench"
    verbose_name = _("工作台")

    def ready(self):
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(MenuItem("home", _("首页"), "workbench:home", order=0))
        register(
            MenuItem(
                "dashboard", _("台账总览"), "workbench:dashboard", Action.VIEW_DASHBOARD, order=20
            )
        )
        register(MenuItem("units", _("单位"), "workbench:unit_list", Action.VIEW, order=80))
        register(
            MenuItem("users", _("用户与角色"), "workbench:user_list", Action.MANAGE_USERS, order=85)
        )
        register(
            MenuItem("audit", _("操作日志"), "workbench:audit_list", Action.VIEW_AUDIT, order=90)
        )
        register(
            MenuItem(
                "calendar",
                _("节假日安排"),
                "workbench:calendar_list",
                Action.MANAGE_CALENDAR,
                order=95,
            )
        )
