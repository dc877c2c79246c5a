"""The staff's reads. Who may SEE a message is decided here only: the 公开办 and global roles see
every message; a unit's staff see only the messages routed to their units (their existence is
not revealed otherwise: `message_get` raises NotFound).

    message_list(*, user, status="", unit_ids=None, q="") -> QuerySet
    message_get(*, user, pk) -> Message
    messages_to_accept(*, user, unit_ids=None)     routed, not yet signed for by the unit
    messages_processing(*, user, unit_ids=None)    accepted, no reply drafted yet
    replies_awaiting_approval(*, user, unit_ids=None) -> QuerySet[Reply]
    messages_unrouted(*, user)                     待分办 (公开办)
    messages_unanswered_long(*, user, day)         open and received more than
                                                   INTERACTION_WARN_UNANSWERED_DAYS ago
    error_list / error_get / consultation_list / consultation_get   the same rule for the others
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from gongkai.core.errors import NotFound
from gongkai.orgs.permissions import Action, has_perm, units_for

from ..models import (
    AssignmentStatus,
    Consultation,
    ErrorReport,
    Message,
    MessageStatus,
    Reply,
    ReplyStatus,
)
from ..services.messages import OPEN_STATUSES


def _sees_all(user) -> bool:
    return has_perm(user, Action.COORDINATE) or has_perm(user, Action.VIEW_DASHBOARD)


def _unit_scope(user, unit_ids):
    """None (every unit) or a lazy queryset of unit ids (a subquery: no query of its own)."""
    if _sees_all(user) and unit_ids is None:
        return None
    mine = units_for(user, Action.VIEW)
    if unit_ids is not None:
        mine = mine.filter(pk__in=list(unit_ids))
    return mine.values("pk")


def message_list(*, user, status: str = "", unit_ids=None, q: str = "") -> QuerySet[Message]:
    qs = Message.objects.select_related("addressee", "reply_unit")
    ids = _unit_scope(user, unit_ids)
    if ids is not None:
        qs = qs.filter(assignments__unit_id__in=ids).distinct()
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(tracking_code__iexact=q.strip()) | Q(title__icontains=q.strip()))
    return qs.order_by("due_date", "pk") if status in OPEN_STATUSES else qs


def message_get(*, user, pk: int) -> Message:
    m = message_list(user=user).filter(pk=pk).first()
    if m is None:
        raise NotFound()
    return m


def messages_to_accept(*, user, unit_ids=None) -> QuerySet[Message]:
    ids = _unit_scope(user, unit_ids)
    f = Q(assignments__status=AssignmentStatus.PENDING)
    if ids is not None:
        f &= Q(assignments__unit_id__in=ids)
    return Message.objects.filter(f, status__in=OPEN_STATUSES).distinct().order_by("due_date", "pk")


def messages_processing(*, user, unit_ids=None) -> QuerySet[Message]:
    ids = _unit_scope(user, unit_ids)
    f = Q(assignments__status=AssignmentStatus.ACCEPTED)
    if ids is not None:
        f &= Q(assignments__unit_id__in=ids)
    return (
        Message.objects.filter(f, status=MessageStatus.PROCESSING)
        .distinct()
        .order_by("due_date", "pk")
    )


def replies_awaiting_approval(*, user, unit_ids=None) -> QuerySet[Reply]:
    ids = units_for(user, Action.APPROVE)
    if unit_ids is not None:
        ids = ids.filter(pk__in=list(unit_ids))
    ids = ids.values("pk")
    return (
        Reply.objects.filter(status=ReplyStatus.PENDING, unit_id__in=ids)
        .exclude(drafted_by=user)
        .select_related("message", "unit")
        .order_by("message__due_date", "pk")
    )


def messages_unrouted(*, user) -> QuerySet[Message]:
    if not has_perm(user, Action.COORDINATE):
        return Message.objects.none()
    return Message.objects.filter(status=MessageStatus.SUBMITTED).order_by("due_date", "pk")


def extension_requests(*, user) -> QuerySet[Message]:
    """Open messages whose unit asked for more time, for the 公开办 to approve or refuse."""
    if not has_perm(user, Action.COORDINATE):
        return Message.objects.none()
    return Message.objects.filter(status__in=OPEN_STATUSES, extension_requested__gt=0).order_by(
        "due_date", "pk"
    )


def warn_unanswered_days() -> int:
    return int(settings.INTERACTION_WARN_UNANSWERED_DAYS)


def messages_unanswered_long(*, user, day: dt.date) -> QuerySet[Message]:
    """Open messages received INTERACTION_WARN_UNANSWERED_DAYS or more days before `day`: the
    warning well before the State Council's 3-month veto (rules §3.1)."""
    if not has_perm(user, Action.COORDINATE):
        return Message.objects.none()
    limit = day - dt.timedelta(days=warn_unanswered_days())
    return Message.objects.filter(status__in=OPEN_STATUSES, received_date__lte=limit).order_by(
        "received_date", "pk"
    )


def error_list(*, user, status: str = "") -> QuerySet[ErrorReport]:
    qs = ErrorReport.objects.select_related("unit")
    if not _sees_all(user):
        ids = set(units_for(user, Action.VIEW).values_list("pk", flat=True))
        qs = qs.filter(unit_id__in=ids)
    return qs.filter(status=status) if status else qs


def error_get(*, user, pk: int) -> ErrorReport:
    r = error_list(user=user).filter(pk=pk).first()
    if r is None:
        raise NotFound()
    return r


def consultation_list(*, user) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("unit")
    if not _sees_all(user):
        qs = qs.filter(unit__in=units_for(user, Action.VIEW))
    return qs


def consultation_get(*, user, pk: int) -> Consultation:
    c = consultation_list(user=user).filter(pk=pk).first()
    if c is None:
        raise NotFound()
    return c
