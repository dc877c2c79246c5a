from .audit import AuditEvent
from .calendar import CalendarDay, CalendarYear
from .notification import EmailMode, EmailStatus, Notification, NotificationPreference
from .reminder import Reminder

__all__ = [
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "EmailMode",
    "EmailStatus",
    "Notification",
    "NotificationPreference",
    "Reminder",
]
