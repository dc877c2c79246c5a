"""Reads for the staff side of FOI applications (the applicant's side: `selectors.public`).

Who may SEE an application is decided here and only here (`application_list`); who may HANDLE
it (act on it, edit its reply) by `services.handling.can_handle`.

API (stable):

    application_list(*, user) -> QuerySet[Application]
        coordinators (COORDINATE) see every application; other staff the applications assigned
        to units they may VIEW; unassigned applications only coordinators.
    application_get(*, user, application_id) -> Application        NotFound when not visible
    visible_application_ids(*, user, ids) -> set[int]    those of `ids` the user may see
    application_queue(*, user, filter="", day=None, q="") -> (QuerySet, counts: dict)
        filters (QUEUE_FILTERS): "" all, "new" 新登记, "correction" 待补正, "consulting" 征求意见中,
        "due_soon" 5个工作日内到期, "overdue" 已逾期, "replied" 已答复
    clock_for(application) -> Clock          the due date and its steps, from the events
    due_soon_limit(day) -> date              the 5th working day after `day` (estimated if uncovered)
    today() -> date
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.core.errors import NotFound
from gongkai.core.workdays import deadline_estimate, get_calendar
from gongkai.orgs.permissions import Action, has_perm, units_for

from ..clock import Clock, compute_due
from ..models import Application, Status
from ..services.common import application_events_clock

DUE_SOON_WORKDAYS = 5

#: Statuses in which the application still awaits its reply.
OPEN_STATUSES = (
    Status.REGISTERED,
    Status.CORRECTION,
    Status.PROCESSING,
    Status.CONSULTING,
    Status.AWAITING_FEE,
    Status.REPLY_PENDING,
)

QUEUE_FILTERS = {
    "": "全部",
    "new": "新登记",
    "correction": "待补正",
    "consulting": "征求意见中",
    "due_soon": "5个工作日内到期",
    "overdue": "已逾期",
    "replied": "已答复",
}


def today() -> dt.date:
    return timezone.localdate()


def application_list(*, user) -> QuerySet[Application]:
    qs = Application.objects.select_related("unit", "handler")
    if has_perm(user, Action.COORDINATE):
        return qs
    return qs.filter(unit__in=units_for(user, Action.VIEW))


def application_get(*, user, application_id: int) -> Application:
    try:
        return application_list(user=user).get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def visible_application_ids(*, user, ids) -> set[int]:
    return set(application_list(user=user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def due_soon_limit(day: dt.date) -> dt.date:
    return deadline_estimate(day, DUE_SOON_WORKDAYS).date


def _filter_q(name: str, day: dt.date) -> Q:
    if name == "new":
        return Q(status=Status.REGISTERED)
    if name == "correction":
        return Q(status=Status.CORRECTION)
    if name == "consulting":
        return Q(status=Status.CONSULTING)
    if name == "due_soon":
        return Q(status__in=OPEN_STATUSES, due_date__gte=day, due_date__lte=due_soon_limit(day))
    if name == "overdue":
        return Q(status__in=OPEN_STATUSES, due_date__lt=day)
    if name == "replied":
        return Q(status=Status.REPLIED) | Q(status=Status.CLOSED, replied_at__isnull=False)
    return Q()


def application_queue(
    *, user, filter: str = "", day: dt.date | None = None, q: str = ""
) -> tuple[QuerySet[Application], dict[str, int]]:
    day = day or today()
    base = application_list(user=user)
    q = (q or "").strip()
    if q:
        base = base.filter(Q(tracking_code__icontains=q) | Q(description__icontains=q))
    counts = {name: base.filter(_filter_q(name, day)).count() for name in QUEUE_FILTERS}
    name = filter if filter in QUEUE_FILTERS else ""
    rows = base.filter(_filter_q(name, day))
    if name in ("due_soon", "overdue"):
        rows = rows.order_by("due_date", "pk")
    return rows, counts


def clock_for(application: Application) -> Clock:
    return compute_due(application_events_clock(application), get_calendar())
