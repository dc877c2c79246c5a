"""Background jobs of core, collected here for huey's discovery (`run_huey` imports each app's
`tasks` module). Each job lives beside its concept:

* `send_reminders` (`reminders/jobs.py`) — daily at 08:30 Beijing time, working days only.
* `send_notification_digests` (`notifications/jobs.py`) — daily at 08:00, working days only.
* `deliver_notifications_task` (`notifications/jobs.py`) — queued by `notify()` after commit.
"""

from .notifications.jobs import deliver_notifications_task, run_digests, send_notification_digests
from .reminders.jobs import send_reminders

__all__ = [
    "deliver_notifications_task",
    "run_digests",
    "send_notification_digests",
    "send_reminders",
]
