"""Reads for the staff side of FOI applications (the applicant's side: `selectors.public`).

Who may SEE an application is decided here and only here (`application_list`); who may HANDLE
it (act on it, edit its reply) by `services.handling.can_handle`.

API (stable):

    application_list(*, user) -> QuerySet[Application]
        coordinators (COORDINATE) see every application; other staff the applications assigned
        to units they may VIEW; unassigned applications only coordinators.
    application_get(*, user, application_id) -> Application        NotFound when not visible
    visible_application_ids(*, user, ids) -> set[int]    those of `ids` the user may see
    application_queue(*, user, filter="", day=None, q="", unit_ids=None) -> (QuerySet, counts)
        filters (QUEUE_FILTERS): "" all, "mine" 待我办理, "approve" 答复待我审核, "new" 新登记,
        "correction" 待补正, "consulting" 征求意见中, "due_soon" 5个工作日内到期, "overdue" 已逾期,
        "replied" 已答复; `unit_ids` narrows the queue to those units (the home page's links)
    applications_waiting / replies_awaiting_approval(*, user, unit_ids=None)
        the home page's groups: the queue's "mine" / "approve" rows, most urgent first
    clock_for(application) -> Clock          the due date and its steps, from the events
    due_soon_limit(day) -> date              the 5th working day after `day` (estimated if uncovered)
    today() -> date
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from gongkai.core.errors import NotFound
from gongkai.core.workdays import get_calendar
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
    "mine": "待我办理",
    "approve": "答复待我审核",
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
    return get_calendar(provisional=True).deadline_estimate(day, DUE_SOON_WORKDAYS).date


def _filter_q(name: str, day: dt.date, user) -> Q:
    if name == "mine":
        # open and with the unit or the user, except while the reply is with the reviewer
        return Q(
            Q(unit__in=units_for(user, Action.EDIT)) | Q(handler=user),
            status__in=[s for s in OPEN_STATUSES if s != Status.REPLY_PENDING],
        )
    if name == "approve":
        return Q(status=Status.REPLY_PENDING, unit__in=units_for(user, Action.APPROVE))
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
    *, user, filter: str = "", day: dt.date | None = None, q: str = "", unit_ids=None
) -> tuple[QuerySet[Application], dict[str, int]]:
    day = day or today()
    base = application_list(user=user)
    if unit_ids is not None:
        base = base.filter(unit_id__in=list(unit_ids))
    q = (q or "").strip()
    if q:
        base = base.filter(Q(tracking_code__icontains=q) | Q(description__icontains=q))
    counts = {name: base.filter(_filter_q(name, day, user)).count() for name in QUEUE_FILTERS}
    name = filter if filter in QUEUE_FILTERS else ""
    rows = base.filter(_filter_q(name, day, user))
    if name in ("mine", "approve"):
        rows = _by_urgency(rows)
    elif name in ("due_soon", "overdue"):
        rows = rows.order_by("due_date", "pk")
    return rows, counts


def clock_for(application: Application) -> Clock:
    return compute_due(application_events_clock(application), get_calendar(provisional=True))


# ---------------------------------------------------------------------------------------------
# What waits for a user (read by the workbench home page).


def _by_urgency(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Earliest reply deadline first; applications without one (not yet received) last."""
    return qs.order_by(F("due_date").asc(nulls_last=True), "arrived_at", "pk")


def _personal(name: str, user, unit_ids) -> QuerySet[Application]:
    qs = application_list(user=user).filter(_filter_q(name, today(), user))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return _by_urgency(qs)


def applications_waiting(*, user, unit_ids=None) -> QuerySet[Application]:
    """Open applications assigned to a unit the user handles (EDIT) or to the user, except those
    whose reply is with the reviewer (the queue's "mine"), in `unit_ids` if given; most urgent
    first."""
    return _personal("mine", user, unit_ids)


def replies_awaiting_approval(*, user, unit_ids=None) -> QuerySet[Application]:
    """Applications whose drafted reply letter awaits approval (答复待审核) by the user as the
    unit's reviewer (the queue's "approve"), in `unit_ids` if given; most urgent first."""
    return _personal("approve", user, unit_ids)


def applications_unassigned(*, user) -> QuerySet[Application]:
    """Open applications without a handling unit, for the coordinator to assign (待分办)."""
    if not has_perm(user, Action.COORDINATE):
        return Application.objects.none()
    return _by_urgency(Application.objects.filter(unit__isnull=True, status__in=OPEN_STATUSES))


def application_figures(*, user, year: int, day: dt.date | None = None) -> dict[str, int]:
    """For the leaders' overview: applications that arrived in `year`, still open, overdue
    (open past the reply deadline) and replied; one query. Dashboard readers (领导, 公开办) count
    every application, unassigned ones included; other staff their units'."""
    day = day or today()
    if has_perm(user, Action.VIEW_DASHBOARD):
        base = Application.objects.all()
    else:
        base = application_list(user=user)
    return base.filter(arrived_at__year=year).aggregate(
        received=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=day)),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
    )
