"""Generating the ledger (台账): tasks per (item, unit, period) with due dates on the calendar."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import notify, unit_staff
from gongkai.core.workdays import CalendarNotCovered, WorkdayCalendar, get_calendar
from gongkai.orgs.models import Role, Unit
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications
from ..models import ItemUnit, Plan, PlanItem, ScheduleRule, Task, TaskEntry, TaskStatus
from ..schedule import (
    Period,
    check_effective_from,
    clean_rule,
    event_period,
    planned_periods,
)

_BATCH = 2000


def _today() -> dt.date:
    """The day that divides an edited item's past (kept) from its future (regenerated)."""
    return timezone.localdate()


def _require_calendar(calendar: WorkdayCalendar, year: int) -> None:
    if not calendar.covers(year):
        raise CalendarNotCovered(year)


def _planned_periods(
    rules: list[ScheduleRule], plan: Plan, calendar, from_date: dt.date | None = None
) -> list[tuple[int | None, Period]]:
    """The item's periods in the plan year, none due before the plan's effective-from date
    (nor before `from_date`, when an edit regenerates only the future)."""
    starts_on = max(plan.starts_on, from_date) if from_date else plan.starts_on
    return planned_periods(
        [(rule.pk, rule.kind, rule.params) for rule in rules], plan.year, calendar, starts_on
    )


_TASK_COLUMNS = (
    "item_id",
    "unit_id",
    "rule_id",
    "period_start",
    "period_end",
    "period_label",
    "due_date",
    "status",
    "progress",
    "late_reason",
    "event_note",
    "version",
    "created_at",
    "updated_at",
)


def _insert_tasks(rows: list[tuple]) -> None:
    """Insert task rows in bulk: COPY on PostgreSQL, one prepared executemany on SQLite.

    A district's ledger is tens of thousands of rows generated in one go; building a model
    instance per row and letting bulk_create prepare every value costs ~100 µs a row, these
    paths a few µs (bench/ledger.py). Values are adapted as the ORM would."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(Task._meta.db_table)
    columns = ", ".join(ops.quote_name(Task._meta.get_field(c).column) for c in _TASK_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(_TASK_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 — names from model meta
        for start in range(0, len(rows), _BATCH):
            cursor.executemany(sql, rows[start : start + _BATCH])


def _generate(
    plan: Plan,
    *,
    items: list[PlanItem] | None = None,
    calendar=None,
    per_unit: Counter | None = None,
    from_date: dt.date | None = None,
) -> int:
    """Create the missing tasks of `plan` (or of `items`); existing tasks are kept as they are.
    `from_date`: only periods due on or after it (an edit changes the future, not the past).
    Returns how many were created; `per_unit`, when given, is updated with {unit id: count}."""
    calendar = calendar or get_calendar()
    _require_calendar(calendar, plan.year)
    items = items if items is not None else list(plan.items.filter(is_task=True, is_removed=False))
    item_ids = [i.pk for i in items]
    rules_by_item: dict[int, list[ScheduleRule]] = {}
    for rule in ScheduleRule.objects.filter(item_id__in=item_ids).order_by("position", "id"):
        rules_by_item.setdefault(rule.item_id, []).append(rule)
    units_by_item: dict[int, list[int]] = {}
    for item_id, unit_id in (
        ItemUnit.objects.filter(item_id__in=item_ids)
        .order_by("position")
        .values_list("item_id", "unit_id")
    ):
        units_by_item.setdefault(item_id, []).append(unit_id)
    existing = set(
        Task.objects.filter(item_id__in=item_ids).values_list(
            "item_id", "unit_id", "rule_id", "period_start", "period_end"
        )
    )
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    status = TaskStatus.NOT_STARTED.value
    adapted: dict[dt.date, object] = {}

    def day(value: dt.date):
        if value not in adapted:
            adapted[value] = ops.adapt_datefield_value(value)
        return adapted[value]

    rows: list[tuple] = []
    for item in items:
        planned = _planned_periods(rules_by_item.get(item.pk, []), plan, calendar, from_date)
        for rule_id, period in planned:
            for unit_id in units_by_item.get(item.pk, []):
                if (item.pk, unit_id, rule_id, period.start, period.end) in existing:
                    continue
                rows.append(
                    (
                        item.pk,
                        unit_id,
                        rule_id,
                        day(period.start),
                        day(period.end),
                        period.label,
                        day(period.due),
                        status,
                        "",
                        "",
                        "",
                        0,
                        now,
                        now,
                    )
                )
    _insert_tasks(rows)
    if per_unit is not None:
        per_unit.update(row[1] for row in rows)
    return len(rows)


@transaction.atomic
def ledger_generate(*, actor, plan: Plan) -> int:
    """Create the plan year's missing tasks. Idempotent."""
    check_perm(actor, Action.COORDINATE)
    created = _generate(plan)
    audit_record(
        actor=actor,
        action="plan.ledger_generate",
        obj=plan,
        summary=f"生成台账任务 {created} 条",
        after={"created": created},
    )
    return created


@transaction.atomic
def plan_set_effective_from(*, actor, plan: Plan, effective_from: dt.date | None) -> dict[str, int]:
    """Change the plan's effective-from date (None: from 1 January) and make the ledger follow
    in the same transaction: periods now in range are generated; tasks due before a later date
    that nobody has worked on (未开始, no history) are removed, those with any history kept.
    Returns {"removed": n, "created": n}."""
    check_perm(actor, Action.COORDINATE)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_effective_from(effective_from, plan.year)
    before = plan.effective_from
    if before == effective_from:
        return {"removed": 0, "created": 0}
    plan.effective_from = effective_from
    plan.save(update_fields=["effective_from", "updated_at"])
    removed = _untouched_tasks({"item__plan": plan, "due_date__lt": plan.starts_on})
    Task.objects.filter(pk__in=removed).delete()
    created = _generate(plan)
    shown = effective_from.isoformat() if effective_from else f"{plan.year}年1月1日（年初）"
    audit_record(
        actor=actor,
        action="plan.effective_from",
        obj=plan,
        summary=(f"生效日期改为 {shown}：删除未开始任务 {len(removed)} 条，新建任务 {created} 条"),
        before={"effective_from": before.isoformat() if before else None},
        after={
            "effective_from": effective_from.isoformat() if effective_from else None,
            "removed": len(removed),
            "created": created,
        },
    )
    return {"removed": len(removed), "created": created}


def _untouched_tasks(rule_or_item_filter) -> list[int]:
    """Tasks nobody has worked on yet: still 未开始 and without any history."""
    return list(
        Task.objects.filter(
            **rule_or_item_filter, status=TaskStatus.NOT_STARTED, entries__isnull=True
        ).values_list("pk", flat=True)
    )


def _regenerate_item(item: PlanItem, today: dt.date | None = None) -> tuple[int, int]:
    """After a change of the item's rules: its future is regenerated, its past kept. Untouched
    tasks due today or later are dropped and the periods due from today generated again; tasks
    due before today, and every task someone has worked on, stay as they are (a worked task's
    period may no longer match the new rule; it stays visible with its history)."""
    today = today or _today()
    removed = _untouched_tasks({"item": item, "due_date__gte": today})
    Task.objects.filter(pk__in=removed).delete()
    created = _generate(item.plan, items=[item], from_date=today)
    return len(removed), created


@transaction.atomic
def rule_update(*, actor, rule: ScheduleRule, kind: str, params: dict) -> ScheduleRule:
    check_perm(actor, Action.COORDINATE)
    rule = ScheduleRule.objects.select_for_update().select_related("item__plan").get(pk=rule.pk)
    before = rule.as_dict()
    rule.kind, rule.params = clean_rule({"kind": kind, **params})
    rule.changed_by_coordinator = True
    rule.save()
    removed, created = _regenerate_item(rule.item)
    audit_record(
        actor=actor,
        action="plan.rule_update",
        obj=rule.item,
        unit=None,
        summary=f"调整时限规则：{rule.describe()}（删除未开始任务 {removed} 条，新建 {created} 条）",
        before=before,
        after=rule.as_dict(),
    )
    return rule


@transaction.atomic
def rule_create(
    *, actor, item: PlanItem, kind: str, params: dict, phrase: str = ""
) -> ScheduleRule:
    check_perm(actor, Action.COORDINATE)
    kind, params = clean_rule({"kind": kind, **params})
    position = (
        item.rules.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    rule = ScheduleRule.objects.create(
        item=item,
        kind=kind,
        params=params,
        phrase=phrase,
        position=position,
        changed_by_coordinator=True,
    )
    _removed, created = _regenerate_item(item)
    audit_record(
        actor=actor,
        action="plan.rule_create",
        obj=item,
        summary=f"新增时限规则：{rule.describe()}（新建任务 {created} 条）",
        after=rule.as_dict(),
    )
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: ScheduleRule) -> None:
    check_perm(actor, Action.COORDINATE)
    item = rule.item
    before = rule.as_dict()
    untouched = _untouched_tasks({"rule": rule, "due_date__gte": _today()})
    Task.objects.filter(pk__in=untouched).delete()
    rule.delete()
    removed, created = _regenerate_item(item)
    audit_record(
        actor=actor,
        action="plan.rule_delete",
        obj=item,
        summary="删除时限规则",
        before=before,
        after={"removed_tasks": len(untouched) + removed, "created_tasks": created},
    )


def item_unit_rows(
    *, lead_ids=(), unit_ids=(), groups=()
) -> list[tuple[int, str, str, int | None]]:
    """[(unit id, role, name as written, group id)] for an item edited on the plan tree: lead
    units first, then the other units, then each group's members; when the item has a lead
    unit the others cooperate (配合), else each is responsible (责任). A unit appears once."""
    leads = list(dict.fromkeys(int(u) for u in lead_ids))
    rest_role = ItemUnit.Role.COOPERATING if leads else ItemUnit.Role.RESPONSIBLE
    rows: list[tuple[int, str, str, int | None]] = []
    seen: set[int] = set()

    def add(unit_id: int, role: str, name: str, group_id: int | None) -> None:
        if unit_id not in seen:
            seen.add(unit_id)
            rows.append((unit_id, role, name, group_id))

    names = dict(Unit.objects.filter(pk__in=[*leads, *unit_ids]).values_list("pk", "short_name"))
    for unit_id in leads:
        add(unit_id, ItemUnit.Role.LEAD, names.get(unit_id) or "", None)
    for unit_id in unit_ids:
        add(int(unit_id), rest_role, names.get(int(unit_id)) or "", None)
    for group in groups:
        for unit_id in group.member_units().values_list("pk", flat=True):
            add(unit_id, rest_role, group.name, group.pk)
    return rows


def create_item_units(item: PlanItem, rows: list[tuple[int, str, str, int | None]]) -> None:
    """The item's `ItemUnit` rows from [(unit id, role, name as written, group id)], in order."""
    ItemUnit.objects.bulk_create(
        ItemUnit(
            item=item,
            unit_id=unit_id,
            role=role,
            name_as_written=name[:120],
            group_id=group_id,
            position=n,
        )
        for n, (unit_id, role, name, group_id) in enumerate(rows)
    )


def _set_item_units(
    item: PlanItem, rows: list[tuple[int, str, str, int | None]], today: dt.date | None = None
) -> dict[str, list[int] | int]:
    """Replace the item's units by `rows` and make its ledger follow: a unit taken off loses its
    untouched tasks due from today (its past tasks and any task with history stay); a unit
    added gets the periods due from today. Returns {"added", "dropped": unit ids, "removed",
    "created": task counts}. Runs inside the caller's transaction."""
    today = today or _today()
    before = set(item.item_units.values_list("unit_id", flat=True))
    after = {row[0] for row in rows}
    item.item_units.all().delete()
    create_item_units(item, rows)
    dropped = sorted(before - after)
    removed = _untouched_tasks({"item": item, "unit__in": dropped, "due_date__gte": today})
    Task.objects.filter(pk__in=removed).delete()
    created = _generate(item.plan, items=[item], from_date=today)
    return {
        "added": sorted(after - before),
        "dropped": dropped,
        "removed": len(removed),
        "created": created,
    }


@transaction.atomic
def item_units_update(
    *, actor, item: PlanItem, lead_ids=(), unit_ids=(), groups=(), today: dt.date | None = None
) -> dict[str, list[int] | int]:
    """The coordinator changes which units carry an item (on the plan tree, after the import):
    lead units, other units, and unit groups expanded to their members. The item's future
    periods follow in this transaction (see `_set_item_units`); the past and its history stay.
    Units that gain tasks are told."""
    check_perm(actor, Action.COORDINATE)
    item = PlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if not item.is_task or item.is_removed:
        raise ValidationFailed("只有方案中的任务条目才能调整责任单位")
    rows = item_unit_rows(lead_ids=lead_ids, unit_ids=unit_ids, groups=groups)
    if not rows:
        raise ValidationFailed("请至少选择一个责任单位（或单位组）")
    active = set(
        Unit.objects.filter(pk__in=[r[0] for r in rows], is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(active) != len(rows):
        raise ValidationFailed("所选单位不存在或已停用")
    before = [
        {"unit": u, "role": r}
        for u, r in item.item_units.order_by("position").values_list("unit_id", "role")
    ]
    result = _set_item_units(item, rows, today)
    names = dict(Unit.objects.filter(pk__in=active).values_list("pk", "name"))
    summary = f"调整责任单位：{len(rows)} 个单位"
    if result["added"]:
        summary += "；新增 " + "、".join(names[u] for u in result["added"])
    if result["dropped"]:
        summary += "；移除 " + "、".join(
            Unit.objects.filter(pk__in=result["dropped"]).values_list("name", flat=True)
        )
    summary += f"（删除未开始的未来任务 {result['removed']} 条，新建任务 {result['created']} 条）"
    audit_record(
        actor=actor,
        action="plan.item_units",
        obj=item,
        summary=summary,
        before={"units": before},
        after={"units": [{"unit": r[0], "role": str(r[1])} for r in rows], **result},
    )
    task_list = reverse("plans:task_list")
    for unit_id in result["added"]:
        notify(
            kind=notifications.ITEM_UNITS_CHANGED,
            users=unit_staff(unit_id, roles=(Role.LIAISON,)),
            title="新的工作任务已下达",
            body=f"{item.plan.title}：{item.title[:60]}",
            url=f"{task_list}?plan={item.plan_id}&unit={unit_id}&status=",
            actor=actor,
        )
    return result


@transaction.atomic
def task_create_for_event(
    *, actor, rule: ScheduleRule, unit: Unit, event_date: dt.date, note: str
) -> Task:
    """Record an event (e.g. a document abolished) and create the task it triggers, due N working
    days after it. The unit's own liaison may record it, as may the coordinator."""
    check_perm(actor, Action.SUBMIT, unit)
    if rule.kind != "event":
        raise ValidationFailed("该规则不是事件触发类规则")
    if not ItemUnit.objects.filter(item=rule.item_id, unit=unit).exists():
        raise ValidationFailed("该单位不是此条目的责任单位")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请说明发生的事件，例如废止的文件名称")
    if Task.objects.filter(
        item=rule.item_id, unit=unit, rule=rule, period_start=event_date
    ).exists():
        raise ValidationFailed("该日期的事件已登记")
    task = event_task_create(actor=actor, rule=rule, unit=unit, event_date=event_date, note=note)
    return task


def event_task_create(
    *,
    actor,
    rule: ScheduleRule,
    unit: Unit,
    event_date: dt.date,
    note: str,
    extra: dict | None = None,
) -> Task:
    """Create an event rule's task with its history entry and audit record. No permission check:
    callers check first (task_create_for_event: SUBMIT on the unit; recording a document's
    abolition: APPROVE on the publishing unit). Must run inside the caller's transaction."""
    period = event_period(rule.params, event_date, get_calendar())
    task = Task.objects.create(
        item_id=rule.item_id,
        unit=unit,
        rule=rule,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        due_date=period.due,
        event_date=event_date,
        event_note=note[:300],
    )
    TaskEntry.objects.create(
        task=task,
        kind=TaskEntry.Kind.EVENT,
        text=note,
        actor=actor if getattr(actor, "pk", None) else None,
        status_after=task.status,
    )
    audit_record(
        actor=actor,
        action="task.event",
        obj=task,
        unit=unit,
        summary=f"登记事件并生成任务，完成时限 {period.due.isoformat()}",
        after={"event_date": event_date.isoformat(), **(extra or {})},
    )
    return task
