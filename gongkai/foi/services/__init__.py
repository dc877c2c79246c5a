"""FOI services (writes). Import from here, e.g.

    from gongkai.foi.services import application_register, event_record, application_refresh_due

intake    application_register (Arts. 29, 31)
common    event_record, application_refresh_due, application_transition, application_lock,
          check_version, bump, application_events_clock
handling  application_confirm_receipt, application_assign, application_request_correction,
          application_receive_correction, application_expire_correction,
          application_start_consultation, application_end_consultation, application_extend,
          application_delay, application_close, application_reveal_id, can_handle
replies / fees: the replies-and-letters module's own services (import from their modules).
"""

from .common import (
    application_events_clock,
    application_lock,
    application_refresh_due,
    application_transition,
    bump,
    check_version,
    event_record,
)
from .handling import (
    application_assign,
    application_close,
    application_confirm_receipt,
    application_delay,
    application_end_consultation,
    application_expire_correction,
    application_extend,
    application_receive_correction,
    application_request_correction,
    application_reveal_id,
    application_start_consultation,
    can_handle,
    can_reveal_id,
    open_consultations,
)
from .intake import application_register, new_tracking_code, receipt_date

__all__ = [
    "application_assign",
    "application_close",
    "application_confirm_receipt",
    "application_delay",
    "application_end_consultation",
    "application_events_clock",
    "application_expire_correction",
    "application_extend",
    "application_lock",
    "application_receive_correction",
    "application_refresh_due",
    "application_register",
    "application_request_correction",
    "application_reveal_id",
    "application_start_consultation",
    "application_transition",
    "bump",
    "can_handle",
    "can_reveal_id",
    "check_version",
    "event_record",
    "new_tracking_code",
    "open_consultations",
    "receipt_date",
]
