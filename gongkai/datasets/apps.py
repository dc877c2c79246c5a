from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "gongkai.datasets"
    label = "datasets"
    verbose_name = _("数据发布")

    def ready(self):
        from . import notifications, reminders

        notifications.register()
        reminders.register()
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(MenuItem("datasets", _("数据发布"), "datasets:list", Action.VIEW, order=45))
