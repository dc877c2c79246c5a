"""FOI reads (selectors).

staff   what the staff see: `application_list`, `application_get`, `application_queue`,
        `visible_application_ids`, `clock_for`, `due_soon_limit`, `today`, `OPEN_STATUSES`,
        `QUEUE_FILTERS` (re-exported here: `from gongkai.foi import selectors`)
public  what an applicant sees after the tracking-code lookup, as plain frozen data
        (`gongkai.foi.selectors.public`)
"""

from .staff import (
    DUE_SOON_WORKDAYS,
    OPEN_STATUSES,
    QUEUE_FILTERS,
    application_get,
    application_list,
    application_queue,
    clock_for,
    due_soon_limit,
    today,
    visible_application_ids,
)

__all__ = [
    "DUE_SOON_WORKDAYS",
    "OPEN_STATUSES",
    "QUEUE_FILTERS",
    "application_get",
    "application_list",
    "application_queue",
    "clock_for",
    "due_soon_limit",
    "today",
    "visible_application_ids",
]
