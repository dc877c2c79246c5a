"""How a staff page of one application gets it: visible to the user (`selectors.application_get`,
else 404) and, for pages that change it, handled by the user (`services.can_handle`, else 403).
These two are the only FOI checks of "may see" and "may handle"; the services check again."""

from __future__ import annotations

from gongkai.core.errors import PermissionDenied

from .. import selectors
from ..models import Application
from ..services import can_handle


def visible_application(request, app_id: int) -> Application:
    return selectors.application_get(user=request.user, application_id=app_id)


def handled_application(request, app_id: int, *, refused: str = "") -> Application:
    app = visible_application(request, app_id)
    if not can_handle(request.user, app):
        raise PermissionDenied(refused or "您没有办理该申请的权限")
    return app
