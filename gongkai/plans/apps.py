from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "gongkai.plans"
    label = "plans"
    verbose_name = _("工作台账")

    def ready(self):
        from . import notifications, reminders

        notifications.register()
        reminders.register()
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(MenuItem("tasks", _("我的任务"), "plans:task_list", Action.VIEW, order=10))
        register(MenuItem("plans", _("工作方案"), "plans:plan_list", Action.VIEW, order=30))
