"""The 互动回应 indicator of unit evaluation (`gongkai.reports.evaluation` calls
`evaluation_indicator(unit, period)` when this app is installed).

Counted: messages routed to the unit (not sent back) and due in the period, and messages the
unit answered in the period. On time: answered by the due date (extensions included). Share =
on time / counted; a unit with nothing counted scores in full. Deductions name the tracking code
only — never the citizen."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import AssignmentStatus, Message


@dataclass
class Deduction:
    text: str
    url: str = ""
    points: object = None


def evaluation_indicator(unit, period, today=None) -> tuple[float | None, list[Deduction], str]:
    """(share on time, [deductions], a one-line summary for the bulletin)."""
    today = today or timezone.localdate()
    routed = Q(
        assignments__unit=unit,
        due_date__range=(period.start, period.end),
    ) & ~Q(assignments__status=AssignmentStatus.SENT_BACK)
    answered = Q(reply_unit=unit, replied_date__range=(period.start, period.end))
    messages = (
        Message.objects.filter(routed | answered)
        .distinct()
        .only("pk", "tracking_code", "due_date", "replied_date")
        .order_by("due_date", "pk")
    )
    total = on_time = 0
    deductions = []
    for message in messages:
        total += 1
        if not message.replied_date and message.due_date and message.due_date >= today:
            total -= 1  # still within its time limit: not yet counted
            continue
        if message.replied_date and message.due_date and message.replied_date <= message.due_date:
            on_time += 1
            continue
        state = (
            f"逾期答复（期限 {message.due_date:%Y-%m-%d}，答复 {message.replied_date:%Y-%m-%d}）"
            if message.replied_date
            else f"未按期答复（期限 {message.due_date:%Y-%m-%d}）"
        )
        deductions.append(
            Deduction(
                f"留言 {message.tracking_code} {state}",
                reverse("interaction_staff:message_detail", args=[message.pk]),
            )
        )
    summary = f"{on_time}/{total}" if total else "0/0"
    return (on_time / total if total else 1.0), deductions, summary
