"""Notifications to staff (站内通知, email, SMS) and who receives them.

from gongkai.core.notifications import notify, register_kind, unit_staff, coordinators
"""

from .dispatch import notify
from .kinds import NotificationKind, all_kinds, get_kind, register_kind
from .recipients import coordinators, unit_staff

__all__ = [
    "NotificationKind",
    "all_kinds",
    "coordinators",
    "get_kind",
    "notify",
    "register_kind",
    "unit_staff",
]
