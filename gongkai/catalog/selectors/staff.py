"""Reads of the catalog for validity, interpretations, task binding and oversight.

Public selectors (for the portal) only ever return live items. Staff selectors take the asking
`user` and only see the units that user may view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from gongkai.core.errors import NotFound
from gongkai.orgs.permissions import Action, units_for
from gongkai.plans.models import OPEN_STATUSES, Plan, PlanItem, RuleKind, Task

from ..models import (
    LIVE_Q,
    PUBLIC_STATES,
    Column,
    ColumnBinding,
    Item,
    ItemStatus,
    PublicState,
    ReviewEntry,
    Validity,
)

#: Validity values under which a policy is still in force (blank: never marked).
IN_FORCE_VALUES = ("", Validity.IN_FORCE)
ENDED_VALUES = (Validity.ABOLISHED, Validity.EXPIRED)
CHANGED_VALUES = (Validity.AMENDED, Validity.ABOLISHED, Validity.EXPIRED)


# ---------------------------------------------------------------------------------------------
# Public reads (the portal).


def live_items() -> QuerySet[Item]:
    return Item.objects.filter(LIVE_Q)


def interpretations_of(policy: Item) -> QuerySet[Item]:
    """The live interpretations of a policy, oldest first (for the policy's page)."""
    return live_items().filter(interprets=policy).order_by("published_at", "pk")


def interpreted_policy(item: Item) -> Item | None:
    """The live policy an interpretation interprets (for the interpretation's page)."""
    if not item.interprets_id:
        return None
    return live_items().filter(pk=item.interprets_id).first()


def replacing_item(item: Item) -> Item | None:
    """The live item that amends or abolishes `item`, for the marking on its page."""
    if not item.replaced_by_id:
        return None
    return live_items().filter(pk=item.replaced_by_id).first()


# ---------------------------------------------------------------------------------------------
# Staff reads.


def staff_items(*, user) -> QuerySet[Item]:
    return Item.objects.filter(unit__in=units_for(user, Action.VIEW))


def staff_item_get(*, user, item_id: int) -> Item:
    try:
        return (
            staff_items(user=user).select_related("column", "unit", "replaced_by").get(pk=item_id)
        )
    except (Item.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def published_item_by_index(index_number: str) -> Item | None:
    """A published (reachable) item by its 索引号, e.g. the document that abolishes another."""
    index_number = (index_number or "").strip()
    if not index_number:
        return None
    return Item.objects.filter(
        index_number=index_number, public_state__in=PUBLIC_STATES, current_version__isnull=False
    ).first()


def policies_without_interpretation(*, user, year: int | None = None) -> QuerySet[Item]:
    """Live policy documents still in force that have no live interpretation (解读 missing)."""
    interpreted = Item.objects.filter(LIVE_Q, interprets=OuterRef("pk"))
    qs = (
        staff_items(user=user)
        .filter(LIVE_Q, column__kind=Column.Kind.POLICY, validity__in=IN_FORCE_VALUES)
        .filter(~Exists(interpreted))
        .select_related("column", "unit")
        .order_by("-publish_date", "-pk")
    )
    if year:
        qs = qs.filter(publish_date__year=year)
    return qs


def interpretation_flags(*, user, limit: int = 10) -> dict:
    """For the coordinator's dashboard: how many policies lack an interpretation, and the first."""
    qs = policies_without_interpretation(user=user)
    items = list(qs[:limit])
    count = len(items) if len(items) < limit else qs.count()
    return {"count": count, "items": items}


def validity_list(*, user, validity: str = "") -> QuerySet[Item]:
    """Policy documents marked amended, abolished or expired (the 废止、失效文件 list)."""
    values = (validity,) if validity in CHANGED_VALUES else CHANGED_VALUES
    return (
        staff_items(user=user)
        .filter(column__kind=Column.Kind.POLICY, validity__in=values)
        .select_related("column", "unit", "replaced_by")
        .order_by("-validity_date", "-pk")
    )


def _marking_tasks_q() -> Q:
    return Q(rule__kind=RuleKind.EVENT, rule__params__event="abolition")


def marking_task_for(item: Item) -> Task | None:
    """The marking task created when `item` was abolished or expired (same unit, event day)."""
    if item.validity not in ENDED_VALUES or not item.validity_date:
        return None
    return (
        Task.objects.filter(_marking_tasks_q(), unit_id=item.unit_id, event_date=item.validity_date)
        .select_related("item__plan")
        .order_by("-pk")
        .first()
    )


@dataclass
class MarkingRow:
    item: Item
    task: Task | None
    state: str  # "overdue", "missing", "open", "done"

    @property
    def state_label(self) -> str:
        return {
            "overdue": "标注逾期",
            "missing": "未生成标注任务",
            "open": "待标注",
            "done": "已报送或完成",
        }[self.state]


def marking_rows(*, user, day: dt.date | None = None) -> list[MarkingRow]:
    """Every abolished or expired policy with its marking task and its state."""
    day = day or timezone.localdate()
    items = list(
        staff_items(user=user)
        .filter(column__kind=Column.Kind.POLICY, validity__in=ENDED_VALUES)
        .select_related("column", "unit")
        .order_by("-validity_date", "-pk")[:500]
    )
    tasks: dict[tuple[int, dt.date], Task] = {}
    if items:
        for task in Task.objects.filter(
            _marking_tasks_q(),
            unit_id__in={i.unit_id for i in items},
            event_date__in={i.validity_date for i in items if i.validity_date},
        ).order_by("pk"):
            tasks[(task.unit_id, task.event_date)] = task
    rows = []
    for item in items:
        task = tasks.get((item.unit_id, item.validity_date))
        if task is None:
            state = "missing"
        elif task.status not in OPEN_STATUSES:
            state = "done"
        elif task.due_date < day:
            state = "overdue"
        else:
            state = "open"
        rows.append(MarkingRow(item, task, state))
    return rows


def bound_open_tasks(*, user, day: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks of bound plan items whose period has begun: waiting for a publication."""
    day = day or timezone.localdate()
    bound = ColumnBinding.objects.filter(plan_item=OuterRef("item_id"))
    return (
        Task.objects.filter(
            Exists(bound),
            unit__in=units_for(user, Action.VIEW),
            item__is_removed=False,
            status__in=OPEN_STATUSES,
            period_start__lte=day,
        )
        .select_related("item__plan", "unit")
        .prefetch_related(
            Prefetch(
                "item__column_bindings", queryset=ColumnBinding.objects.select_related("column")
            )
        )
        .order_by("due_date", "item__position", "unit__sort_order", "pk")
    )


def binding_plan_items(*, plan: Plan) -> list[PlanItem]:
    """The plan's tasks with their bound columns (`item.column_bindings.all()`)."""
    return list(
        plan.items.filter(is_task=True, is_removed=False)
        .prefetch_related(
            Prefetch(
                "column_bindings",
                queryset=ColumnBinding.objects.select_related("column").order_by(
                    "column__sort_order", "pk"
                ),
            ),
            "item_units__unit",
        )
        .order_by("position")
    )


def binding_get(*, binding_id: int) -> ColumnBinding:
    try:
        return ColumnBinding.objects.select_related("plan_item__plan", "column").get(pk=binding_id)
    except (ColumnBinding.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def active_columns() -> QuerySet[Column]:
    return (
        Column.objects.filter(is_active=True).select_related("parent").order_by("sort_order", "pk")
    )


# ---------------------------------------------------------------------------------------------
# What waits for a user (read by the workbench home page).

#: History entries that move an item through the workflow (edits and checks do not).
_WORKFLOW_KINDS = (
    ReviewEntry.Kind.CREATE,
    ReviewEntry.Kind.SUBMIT,
    ReviewEntry.Kind.RETURN,
    ReviewEntry.Kind.APPROVE,
    ReviewEntry.Kind.PUBLISH,
    ReviewEntry.Kind.WITHDRAW,
    ReviewEntry.Kind.REMOVE,
    ReviewEntry.Kind.REVISE,
)


def _units_q(user, action: Action, unit_ids) -> Q:
    q = Q(unit__in=units_for(user, action))
    if unit_ids is not None:
        q &= Q(unit_id__in=list(unit_ids))
    return q


def items_returned(*, user, unit_ids=None) -> QuerySet[Item]:
    """Drafts whose last workflow step was a return by the reviewer (退回修改), for the units
    the user edits; newest return first. `return_reason` carries the reviewer's text."""
    last = ReviewEntry.objects.filter(item=OuterRef("pk"), kind__in=_WORKFLOW_KINDS).order_by(
        "-created_at", "-pk"
    )
    return (
        Item.objects.filter(_units_q(user, Action.EDIT, unit_ids), status=ItemStatus.DRAFT)
        .annotate(
            last_step=Subquery(last.values("kind")[:1]),
            returned_at=Subquery(last.values("created_at")[:1]),
            return_reason=Subquery(last.values("text")[:1]),
        )
        .filter(last_step=ReviewEntry.Kind.RETURN)
        .select_related("unit", "column")
        .order_by("-returned_at", "-pk")
    )


def items_awaiting_approval(*, user, unit_ids=None) -> QuerySet[Item]:
    """Items submitted for review (待审核) in the units the user approves, oldest first."""
    return (
        Item.objects.filter(_units_q(user, Action.APPROVE, unit_ids), status=ItemStatus.SUBMITTED)
        .select_related("unit", "column")
        .order_by("updated_at", "pk")
    )


def column_figures(*, user, year: int, now: dt.datetime | None = None) -> dict:
    """For the leaders' overview: active columns, items first published in `year`, and the
    active columns with no live item (空白栏目) or not updated within their period (栏目不更新,
    `Column.stale_after_days`); a column with active sub-columns is never empty. Three
    queries."""
    now = now or timezone.now()
    visible = Q(items__unit__in=units_for(user, Action.VIEW))
    live = visible & Q(items__public_state=PublicState.LIVE)
    columns = list(
        Column.objects.filter(is_active=True)
        .annotate(
            live_count=Count("items", filter=live, distinct=True),
            last_published=Max("items__published_at", filter=live),
        )
        .order_by("sort_order", "pk")
    )
    # A column with active sub-columns is a heading: its items live in the sub-columns.
    parents = set(
        Column.objects.filter(is_active=True, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    empty = [c for c in columns if not c.live_count and c.pk not in parents]
    stale = [
        c
        for c in columns
        if c.live_count
        and c.stale_after_days
        and now - c.last_published > dt.timedelta(days=c.stale_after_days)
    ]
    published = staff_items(user=user).filter(first_published_at__year=year).count()
    return {
        "columns": len(columns),
        "published": published,
        "empty": empty,
        "stale": stale,
    }
