from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionConfig(AppConfig):
    name = "gongkai.interaction"
    label = "interaction"
    verbose_name = _("互动交流")

    def ready(self):
        from gongkai.core.menu import MenuItem, register
        from gongkai.orgs.permissions import Action

        from . import notifications, reminders

        notifications.register()
        reminders.register()
        register(
            MenuItem(
                "messages", _("网民留言"), "interaction_staff:message_list", Action.VIEW, order=65
            )
        )
        register(
            MenuItem(
                "error_reports",
                _("网站纠错"),
                "interaction_staff:error_list",
                Action.VIEW,
                order=66,
            )
        )
        register(
            MenuItem(
                "consultations",
                _("意见征集"),
                "interaction_staff:consultation_list",
                Action.VIEW,
                order=67,
            )
        )
