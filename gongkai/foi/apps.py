from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoiConfig(AppConfig):
    name = "gongkai.foi"
    label = "foi"
    verbose_name = _("依申请公开")

    def ready(self):
        from gongkai.orgs.permissions import Action
        from gongkai.workbench.menu import MenuItem, register

        register(MenuItem("foi", _("依申请公开"), "foi:queue", Action.VIEW, order=60))
