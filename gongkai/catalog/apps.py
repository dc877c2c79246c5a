from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = _("主动公开")

    def ready(self):
        from . import notifications

        notifications.register()
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        register(MenuItem("items", _("信息发布"), "catalog:item_list", Action.VIEW, order=40))
        register(MenuItem("columns", _("公开目录"), "catalog:column_list", Action.VIEW, order=50))
        register(
            MenuItem(
                "oversight", _("公开监督"), "catalog:oversight", Action.VIEW_DASHBOARD, order=55
            )
        )
