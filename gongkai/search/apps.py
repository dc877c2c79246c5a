from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("全文检索")

    def ready(self):
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        from . import signals

        signals.connect()
        register(MenuItem("search", _("信息检索"), "search_staff:search", Action.VIEW, order=42))
        register(
            MenuItem(
                "search_dictionary",
                _("检索词典"),
                "search_staff:dictionary",
                Action.MANAGE_UNITS,
                order=92,
            )
        )
