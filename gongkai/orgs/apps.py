from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongkai.orgs"
    label = "orgs"
    verbose_name = _("单位与人员")

    def ready(self):
        from gongkai.core import access

        from .permissions import Action, has_perm

        # core's services ask their permission questions through this gate (core cannot import
        # orgs): answer them with the one permission layer.
        access.install(lambda user, action: has_perm(user, Action(action)))
