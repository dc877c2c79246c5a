from .audit import AuditEvent
from .calendar import CalendarDay, CalendarYear
from .notification import Notification

__all__ = ["AuditEvent", "CalendarDay", "CalendarYear", "Notification"]
