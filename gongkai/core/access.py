"""The permission gate of core's own services (today: entering the working-day calendar).

core is the bottom layer and knows nothing of roles: those belong to `gongkai.orgs`, which sits
above it. So a core service asks here, naming the action by its value (`"manage_calendar"`),
and `gongkai.orgs` installs the answer (`orgs.permissions.has_perm`) in `OrgsConfig.ready()`.
Until an answer is installed every question is refused: a missing app fails closed, not open.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import PermissionDenied

MANAGE_CALENDAR = "manage_calendar"

_answer: Callable[[object, str], bool] | None = None


def install(answer: Callable[[object, str], bool]) -> None:
    """Called once by the app that owns roles: `answer(user, action) -> bool`."""
    global _answer
    _answer = answer


def allowed(user, action: str) -> bool:
    return _answer is not None and bool(_answer(user, action))


def check(user, action: str) -> None:
    if not allowed(user, action):
        raise PermissionDenied()
