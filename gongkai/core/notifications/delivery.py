"""Delivery of notifications beyond the app (email, SMS), after the state change commits.

Placeholder: delivery by email and SMS per user preference, and the daily digest, are built in
this package (see `dispatch.notify`).
"""

from __future__ import annotations


def deliver_notifications(notification_ids: list[int]) -> None:
    return None
