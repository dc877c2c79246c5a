from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self):
        from gongkai.catalog import signals as catalog

        from .cache import on_catalog_change

        for signal in (
            catalog.item_published,
            catalog.item_unpublished,
            catalog.validity_changed,
            catalog.columns_changed,
        ):
            signal.connect(on_catalog_change, dispatch_uid="portal_cache")
