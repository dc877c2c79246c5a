"""Reads of plans and the ledger, limited to the units the asking user may see.

Due-soon and overdue are computed here from the due date, the status and today's date — never
stored. "Today" is the local date in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.core.errors import NotFound
from gongkai.core.workdays import CalendarNotCovered, get_calendar
from gongkai.orgs.permissions import Action, has_perm, units_for

from .models import (
    OPEN_STATUSES,
    ItemUnit,
    Plan,
    PlanImport,
    PlanItem,
    RuleKind,
    ScheduleRule,
    Task,
    TaskStatus,
)


def today() -> dt.date:
    return timezone.localdate()


def due_soon_workdays() -> int:
    return int(settings.PLANS_DUE_SOON_WORKDAYS)


def due_soon_limit(day: dt.date | None = None) -> dt.date:
    """The last due date that counts as 即将到期 today."""
    day = day or today()
    try:
        return get_calendar().add_workdays(day, due_soon_workdays())
    except CalendarNotCovered:
        return get_calendar().deadline_estimate(day, due_soon_workdays()).date


def task_state(task: Task, day: dt.date | None = None) -> str:
    """'overdue', 'due_soon', 'completed_late' (逾期完成) or '' — computed, never stored."""
    if task.status == TaskStatus.COMPLETED:
        return "completed_late" if task.completed_late else ""
    day = day or today()
    if task.status not in OPEN_STATUSES:
        return ""
    if task.due_date < day:
        return "overdue"
    if task.due_date <= due_soon_limit(day):
        return "due_soon"
    return ""


STATE_LABELS = {"overdue": "已逾期", "due_soon": "即将到期", "completed_late": "逾期完成"}


def submission_is_late(task: Task, day: dt.date | None = None) -> bool:
    """Whether submitting `task` on `day` is after its due date: the liaison must then give a
    late reason (逾期说明). By default the day is the local date of the clock that stamps
    `submitted_at`, so a late submission is exactly one whose completion date is late."""
    return task.due_date < (day or timezone.localdate())


def completed_late_q() -> Q:
    """Completed tasks whose completion date (`Task.completion_date`) is after the due date."""
    return Q(status=TaskStatus.COMPLETED) & (
        Q(submitted_at__date__gt=F("due_date"))
        | Q(submitted_at__isnull=True, completed_at__date__gt=F("due_date"))
    )


def plan_list(*, user) -> QuerySet[Plan]:
    if not has_perm(user, Action.VIEW):
        return Plan.objects.none()
    # An aggregate drops Meta.ordering, so order explicitly: latest year, newest first.
    return Plan.objects.annotate(
        item_count=Count("items", filter=Q(items__is_task=True, items__is_removed=False))
    ).order_by("-year", "-created_at", "-pk")


def plan_get(*, user, plan_id: int) -> Plan:
    try:
        return plan_list(user=user).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def plan_tree(*, plan: Plan) -> list[PlanItem]:
    """All nodes in document order, with units and rules prefetched, for the tree page."""
    return list(
        plan.items.filter(is_removed=False)
        .prefetch_related(
            Prefetch("item_units", queryset=ItemUnit.objects.select_related("unit")), "rules"
        )
        .order_by("position")
    )


def task_queryset(*, user) -> QuerySet[Task]:
    return Task.objects.filter(unit__in=units_for(user, Action.VIEW), item__is_removed=False)


def task_list(
    *,
    user,
    plan_id: int | None = None,
    unit_id: int | None = None,
    status: str = "",
    state: str = "",
    month: int | None = None,
    q: str = "",
) -> QuerySet[Task]:
    qs = task_queryset(user=user).select_related("item__plan", "unit", "rule")
    if plan_id:
        qs = qs.filter(item__plan_id=plan_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in TaskStatus.values:
        qs = qs.filter(status=status)
    day = today()
    if state == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=day)
    elif state == "due_soon":
        qs = qs.filter(
            status__in=OPEN_STATUSES, due_date__gte=day, due_date__lte=due_soon_limit(day)
        )
    elif state == "completed_late":
        qs = qs.filter(completed_late_q())
    if month and 1 <= month <= 12:
        qs = qs.filter(due_date__month=month)
    if q:
        qs = qs.filter(Q(item__title__icontains=q[:100]) | Q(item__text__icontains=q[:100]))
    return qs.order_by("due_date", "item__position", "unit__sort_order", "pk")


def task_counts(qs: QuerySet[Task]) -> dict[str, int]:
    """Counts per status plus overdue and due-soon, for filter badges."""
    day = today()
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    out = {s.value: counts.get(s.value, 0) for s in TaskStatus}
    out["all"] = sum(counts.values())
    out["overdue"] = qs.filter(status__in=OPEN_STATUSES, due_date__lt=day).count()
    out["due_soon"] = qs.filter(
        status__in=OPEN_STATUSES, due_date__gte=day, due_date__lte=due_soon_limit(day)
    ).count()
    out["completed_late"] = qs.filter(completed_late_q()).count()
    out["open"] = sum(out[s.value] for s in OPEN_STATUSES)
    return out


def task_get(*, user, task_id: int) -> Task:
    try:
        return (
            task_queryset(user=user)
            .select_related("item__plan", "unit", "rule")
            .prefetch_related(
                "entries__actor", "entries__attachments", "entries__links", "attachments", "links"
            )
            .get(pk=task_id)
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def task_peers(*, task: Task) -> list[ItemUnit]:
    """The item's units with their roles (lead / responsible / cooperating)."""
    return list(task.item.item_units.select_related("unit").order_by("position"))


@dataclass
class UnitStats:
    unit_id: int
    unit_name: str
    total: int = 0
    due: int = 0  # due by today
    completed: int = 0
    completed_late: int = 0  # 逾期完成
    on_time: int = 0
    overdue: int = 0
    submitted: int = 0
    reviewing: int = 0  # 待单位审核

    @property
    def on_time_rate(self) -> float | None:
        """Share of tasks due by today that were submitted by their due date and accepted."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


def dashboard(*, user, plan: Plan) -> dict:
    """Figures for the coordinator's dashboard: per-unit on-time rates, the overdue list and the
    series for the charts (completion by month and by unit)."""
    day = today()
    tasks = list(
        task_queryset(user=user)
        .filter(item__plan=plan)
        .select_related("unit")
        .only(
            "pk",
            "status",
            "due_date",
            "submitted_at",
            "completed_at",
            "unit__short_name",
            "unit__name",
            "unit__sort_order",
            "unit_id",
            "item_id",
        )
    )
    per_unit: dict[int, UnitStats] = {}
    by_month_due: Counter = Counter()
    by_month_done: Counter = Counter()
    status_counts: Counter = Counter()
    for t in tasks:
        stats = per_unit.setdefault(t.unit_id, UnitStats(t.unit_id, str(t.unit)))
        stats.total += 1
        status_counts[t.status] += 1
        by_month_due[t.due_date.month] += 1
        if t.status == TaskStatus.COMPLETED:
            stats.completed += 1
            stats.completed_late += t.completed_late
            by_month_done[t.due_date.month] += 1
        if t.status == TaskStatus.SUBMITTED:
            stats.submitted += 1
        if t.status == TaskStatus.REVIEWING:
            stats.reviewing += 1
        if t.due_date <= day:
            stats.due += 1
            if t.status == TaskStatus.COMPLETED and t.submitted_at and not t.completed_late:
                stats.on_time += 1
        if t.status in OPEN_STATUSES and t.due_date < day:
            stats.overdue += 1
    units = sorted(per_unit.values(), key=lambda s: (-(s.on_time_rate or 0), s.unit_name))
    overdue = (
        task_queryset(user=user)
        .filter(item__plan=plan, status__in=OPEN_STATUSES, due_date__lt=day)
        .select_related("item", "unit")
        .order_by("due_date", "unit__sort_order")[:200]
    )
    months = list(range(1, 13))
    return {
        "today": day,
        "total": len(tasks),
        "status_counts": {s.value: status_counts.get(s.value, 0) for s in TaskStatus},
        "overdue_count": sum(s.overdue for s in per_unit.values()),
        "completed_late_count": sum(s.completed_late for s in per_unit.values()),
        "units": units,
        "overdue": overdue,
        "chart_month": {
            "months": [f"{m}月" for m in months],
            "due": [by_month_due.get(m, 0) for m in months],
            "completed": [by_month_done.get(m, 0) for m in months],
        },
        "chart_unit": {
            "units": [s.unit_name for s in units],
            "completed": [s.completed for s in units],
            "open": [s.total - s.completed for s in units],
            "on_time_rate": [s.on_time_rate or 0 for s in units],
        },
    }


def plan_import_get(*, user, import_id: int) -> PlanImport:
    if not has_perm(user, Action.COORDINATE):
        raise NotFound()
    try:
        return PlanImport.objects.get(pk=import_id)
    except (PlanImport.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def import_preview(*, plan_import: PlanImport) -> dict:
    """What the coordinator reviews before confirming: items with units resolved (or not),
    the names that need mapping, and for a re-import what changed."""
    from gongkai.orgs.models import UnitGroup
    from gongkai.orgs.selectors import unit_target_match

    parsed = plan_import.parsed
    resolved: dict[str, object] = {}
    members: dict[int, list[int]] = {}
    unresolved: list[str] = []
    items = []
    for index, data in enumerate(parsed["items"]):
        units = []
        for name in dict.fromkeys([*data.get("lead_units", []), *data.get("units", [])]):
            if name not in resolved:
                resolved[name] = unit_target_match(name=name)
                if resolved[name] is None:
                    unresolved.append(name)
            target = resolved[name]
            group = target if isinstance(target, UnitGroup) else None
            if group is not None and group.pk not in members:
                members[group.pk] = list(group.member_units().values_list("pk", flat=True))
            units.append(
                {
                    "name": name,
                    "unit": None if group is not None else target,
                    "group": group,
                    "unit_ids": members[group.pk] if group else ([target.pk] if target else []),
                    "lead": name in data.get("lead_units", []),
                }
            )
        items.append({"index": index, **data, "unit_rows": units})
    diff = None
    if plan_import.replaces_id:
        old = {
            tuple(i.path): i
            for i in plan_import.replaces.items.filter(is_task=True, is_removed=False)
        }
        new = {tuple(d["path"]): d for d in parsed["items"]}
        diff = {
            "added": [new[k] for k in new if k not in old],
            "removed": [old[k] for k in old if k not in new],
            "changed": [
                {"old": old[k], "new": new[k]}
                for k in new
                if k in old
                and (old[k].title != new[k]["title"][:500] or old[k].text != new[k].get("text", ""))
            ],
        }
    return {
        "items": items,
        "unresolved": unresolved,
        "warnings": parsed.get("warnings", []),
        "sections": {tuple(s["path"]): s["title"] for s in parsed.get("sections", [])},
        "diff": diff,
    }


def task_unit_roles(*, tasks) -> dict[tuple[int, int], str]:
    """(item id, unit id) → the unit's role on the item (ItemUnit.Role), for a page of tasks."""
    tasks = list(tasks)
    rows = ItemUnit.objects.filter(
        item_id__in={t.item_id for t in tasks}, unit_id__in={t.unit_id for t in tasks}
    ).values_list("item_id", "unit_id", "role")
    return {(item_id, unit_id): role for item_id, unit_id, role in rows}


def event_rule_list(*, user) -> QuerySet[ScheduleRule]:
    """Event-triggered rules (e.g. 文件废止之日起10个工作日内) of items on which the user may
    record an event for at least one of the item's units."""
    return (
        ScheduleRule.objects.filter(
            kind=RuleKind.EVENT,
            item__is_task=True,
            item__is_removed=False,
            item__item_units__unit__in=units_for(user, Action.SUBMIT),
        )
        .distinct()
        .select_related("item__plan")
        .order_by("-item__plan__year", "item__plan_id", "item__position", "position")
    )


def event_rule_get(*, user, rule_id: int) -> ScheduleRule:
    try:
        return event_rule_list(user=user).get(pk=rule_id)
    except (ScheduleRule.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def event_rule_units(*, user, rule: ScheduleRule) -> QuerySet:
    """The rule's item units for which `user` may record an event."""
    item_units = ItemUnit.objects.filter(item_id=rule.item_id).values("unit_id")
    return units_for(user, Action.SUBMIT).filter(pk__in=item_units, is_active=True)


# ---------------------------------------------------------------------------------------------
# What waits for a user (read by the workbench home page). Each returns a queryset limited to the
# units on which the user may act; `unit_ids` narrows it further, e.g. to the units where the user
# holds one role.


#: The status of a task awaiting its unit's sign-off before it reaches the coordinator, when the
#: ledger has one (None otherwise).
REVIEWING_STATUS = getattr(TaskStatus, "REVIEWING", None)


def _waiting_tasks(*, user, action: Action, unit_ids=None) -> QuerySet[Task]:
    qs = Task.objects.filter(unit__in=units_for(user, action), item__is_removed=False)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return qs.select_related("item", "unit")


def tasks_overdue(*, user, unit_ids=None, day: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks past their due date that the user reports on (SUBMIT), oldest first."""
    day = day or today()
    return (
        _waiting_tasks(user=user, action=Action.SUBMIT, unit_ids=unit_ids)
        .filter(status__in=OPEN_STATUSES, due_date__lt=day)
        .order_by("due_date", "unit__sort_order", "pk")
    )


def tasks_due_soon(*, user, unit_ids=None, day: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks due within the reminder window (PLANS_DUE_SOON_WORKDAYS working days)."""
    day = day or today()
    return (
        _waiting_tasks(user=user, action=Action.SUBMIT, unit_ids=unit_ids)
        .filter(status__in=OPEN_STATUSES, due_date__gte=day, due_date__lte=due_soon_limit(day))
        .order_by("due_date", "unit__sort_order", "pk")
    )


def tasks_returned(*, user, unit_ids=None) -> QuerySet[Task]:
    """Tasks the coordinator returned for more work, to be reported again."""
    return (
        _waiting_tasks(user=user, action=Action.SUBMIT, unit_ids=unit_ids)
        .filter(status=TaskStatus.RETURNED)
        .order_by("due_date", "unit__sort_order", "pk")
    )


def tasks_awaiting_signoff(*, user, unit_ids=None) -> QuerySet[Task] | None:
    """Tasks awaiting the unit's sign-off (单位审核), or None when the ledger has no such step."""
    if REVIEWING_STATUS is None:
        return None
    return (
        _waiting_tasks(user=user, action=Action.APPROVE, unit_ids=unit_ids)
        .filter(status=REVIEWING_STATUS)
        .order_by("due_date", "unit__sort_order", "pk")
    )


def tasks_awaiting_acceptance(*, user) -> QuerySet[Task]:
    """Submitted tasks the coordinator has to accept or return (待验收), oldest first."""
    return (
        _waiting_tasks(user=user, action=Action.COORDINATE)
        .filter(status=TaskStatus.SUBMITTED)
        .order_by("submitted_at", "due_date", "pk")
    )


def overdue_by_unit(*, user, day: dt.date | None = None) -> list[dict]:
    """[{"unit_id", "unit_name", "count"}] of open overdue tasks per unit (COORDINATE or
    VIEW_DASHBOARD), most overdue first; one query."""
    if not (has_perm(user, Action.COORDINATE) or has_perm(user, Action.VIEW_DASHBOARD)):
        return []
    day = day or today()
    rows = (
        task_queryset(user=user)
        .filter(status__in=OPEN_STATUSES, due_date__lt=day)
        .order_by()
        .values("unit_id", "unit__name", "unit__short_name", "unit__sort_order")
        .annotate(n=Count("pk"))
    )
    out = [
        {
            "unit_id": r["unit_id"],
            "unit_name": r["unit__short_name"] or r["unit__name"],
            "count": r["n"],
            "sort": r["unit__sort_order"],
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["count"], r["sort"], r["unit_name"]))
    return out


def plan_figures(*, user, year: int, day: dt.date | None = None) -> list[dict]:
    """Per plan of `year`: tasks, completed, overdue and the completion rate (%), for the
    leaders' overview; one query."""
    day = day or today()
    open_overdue = Q(status__in=OPEN_STATUSES, due_date__lt=day)
    rows = (
        task_queryset(user=user)
        .filter(item__plan__year=year)
        .order_by()
        .values("item__plan_id", "item__plan__title", "item__plan__created_at")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status=TaskStatus.COMPLETED)),
            overdue=Count("pk", filter=open_overdue),
        )
    )
    out = []
    for r in sorted(rows, key=lambda r: (r["item__plan__created_at"], r["item__plan_id"])):
        total = r["total"]
        out.append(
            {
                "plan_id": r["item__plan_id"],
                "title": r["item__plan__title"],
                "total": total,
                "completed": r["completed"],
                "overdue": r["overdue"],
                "rate": round(100 * r["completed"] / total, 1) if total else 0.0,
            }
        )
    return out


def workdays_overdue(due: dt.date, day: dt.date) -> tuple[int, bool]:
    """Working days from the due date to `day` ((due, day]) and whether the figure is an
    estimate (weekdays only) because the calendar does not cover those years."""
    try:
        return get_calendar().workdays_between(due, day), False
    except CalendarNotCovered:
        count, current = 0, due
        while current < day:
            current += dt.timedelta(days=1)
            count += current.weekday() < 5
        return count, True
