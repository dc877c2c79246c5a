"""Validity (有效性) of published policy documents, and the marking task an abolition triggers.

rules.md §4.1: when a published document is amended, abolished or expires, the original page
must be clearly marked. Seed task 2 gives the unit 10 working days for it
("文件废止和宣布失效之日起10个工作日内"), so recording an abolition or expiry here also creates
that ledger task for the publishing unit, due on the working-day calendar.

Permission: APPROVE on the item's unit (the unit's 审核人, or the 公开办). A reviewer holds APPROVE
but not SUBMIT, so the marking task is not created through `task_create_for_event` (which
checks SUBMIT) but through the plans' `event_task_create`, after this service has checked
APPROVE on the very unit the task is for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.core.audit import audit_record, changes
from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import CalendarNotCovered, format_date, get_calendar
from gongkai.orgs.permissions import Action, check_perm
from gongkai.plans.models import OPEN_STATUSES, ItemUnit, RuleKind, ScheduleRule, Task, TaskEntry
from gongkai.plans.schedule import event_period
from gongkai.plans.services.ledger import event_task_create

from .. import events
from ..models import PUBLIC_STATES, Column, Item, ReviewEntry, Validity

#: The schedule-rule event of "mark abolished documents" (the parser's name for 废止/失效).
MARKING_EVENT = "abolition"
#: Validity states that end a document's force and call for marking the original page.
ENDED = frozenset({Validity.ABOLISHED, Validity.EXPIRED})
NO_RULE_WARNING = "当前年度工作方案中没有“文件废止后标注”事项，未生成台账任务"
MAX_NOTE = 300


@dataclass
class ValidityResult:
    item: Item
    task: Task | None = None
    warning: str = ""


def marking_rule_for(day: dt.date) -> ScheduleRule | None:
    """The event rule "mark within N working days of abolition" in the plan of `day`'s year
    (the newest plan of that year when there are several)."""
    return (
        ScheduleRule.objects.filter(
            kind=RuleKind.EVENT,
            params__event=MARKING_EVENT,
            item__plan__year=day.year,
            item__is_task=True,
            item__is_removed=False,
        )
        .select_related("item__plan")
        .order_by("-item__plan__created_at", "-item__plan_id", "item__position", "position", "pk")
        .first()
    )


def marking_note(item: Item, validity: str) -> str:
    verb = "已废止" if validity == Validity.ABOLISHED else "已失效"
    return f"《{item.title}》{verb}，须在原发布页面标注"[:MAX_NOTE]


def _is_public(item: Item) -> bool:
    return item.current_version_id is not None and item.public_state in PUBLIC_STATES


def _clean(item: Item, validity: str, date: dt.date | None, note: str, replaced_by: Item | None):
    if item.column.kind != Column.Kind.POLICY:
        raise ValidationFailed("只有“政策文件”栏目中的信息需要标注有效性")
    if not _is_public(item):
        raise ValidationFailed("只有已发布的信息可以标注有效性")
    if validity not in Validity.values:
        raise ValidationFailed("请选择有效性")
    if date is None and validity != Validity.IN_FORCE:
        raise ValidationFailed("请填写修改、废止或失效的日期")
    if date is not None:
        if date > timezone.localdate():
            raise ValidationFailed("有效性变更日期不能晚于今天")
        if item.written_date and date < item.written_date:
            raise ValidationFailed("有效性变更日期不能早于成文日期")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"有效性说明不能超过{MAX_NOTE}字")
    if replaced_by is not None:
        if validity == Validity.IN_FORCE:
            raise ValidationFailed("有效的文件无需填写修改或废止依据")
        if replaced_by.pk == item.pk:
            raise ValidationFailed("修改或废止依据不能是文件本身")
        if not _is_public(replaced_by):
            raise ValidationFailed("修改或废止依据须为已发布的信息")
    return note


@transaction.atomic
def item_set_validity(
    *,
    actor,
    item: Item,
    validity: str,
    date: dt.date | None,
    note: str = "",
    replaced_by: Item | None = None,
) -> ValidityResult:
    """Record a published policy document's validity. Moving it to 已废止 or 已失效 creates the
    marking task (see the module doc); `warning` says why none was created, if so."""
    item = Item.objects.select_for_update().select_related("column", "unit").get(pk=item.pk)
    check_perm(actor, Action.APPROVE, item.unit)
    note = _clean(item, validity, date, note, replaced_by)
    fields = ["validity", "validity_date", "validity_note", "replaced_by"]
    before = changes(item, fields)
    was_ended = item.validity in ENDED
    item.validity = validity
    item.validity_date = date
    item.validity_note = note
    item.replaced_by = replaced_by
    after = changes(item, fields)
    if after == before:
        raise ValidationFailed("有效性没有变化")
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])
    label = Validity(validity).label
    text = f"{label}（{format_date(date)}）" if date else str(label)
    if replaced_by is not None:
        text += f"，依据《{replaced_by.title}》"
    if note:
        text += f"。{note}"
    ReviewEntry.objects.create(
        item=item, kind=ReviewEntry.Kind.VALIDITY, text=text, actor=_actor(actor)
    )
    audit_record(
        actor=actor,
        action="item.validity",
        obj=item,
        unit=item.unit,
        summary=f"标注有效性：{text[:200]}",
        before=before,
        after=after,
    )
    result = ValidityResult(item)
    if validity in ENDED and not was_ended:
        result.task, result.warning = _marking_task(actor, item, validity, date)
    item_id = item.pk
    transaction.on_commit(lambda: events.validity_changed(item_id=item_id))
    return result


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _marking_task(actor, item: Item, validity: str, date: dt.date) -> tuple[Task | None, str]:
    """Create (or extend) the publishing unit's marking task. Called inside the transaction of
    `item_set_validity`, after APPROVE on `item.unit` was checked."""
    rule = marking_rule_for(date)
    if rule is None:
        return None, NO_RULE_WARNING
    try:
        # Fails before anything is written when the calendar does not cover the due date.
        event_period(rule.params, date, get_calendar())
    except CalendarNotCovered as exc:
        return None, f"{exc.message}，未生成台账任务"
    unit = item.unit
    plan_item = rule.item
    note = marking_note(item, validity)
    if not ItemUnit.objects.filter(item=plan_item, unit=unit).exists():
        last = ItemUnit.objects.filter(item=plan_item).aggregate(n=Max("position"))["n"]
        ItemUnit.objects.create(
            item=plan_item,
            unit=unit,
            role=ItemUnit.Role.RESPONSIBLE,
            name_as_written=unit.short_name or unit.name,
            position=(last or 0) + 1,
        )
        audit_record(
            actor=actor,
            action="plan.item_unit_add",
            obj=plan_item,
            unit=unit,
            summary=f"《{item.title[:60]}》{Validity(validity).label}，将{unit}列为该条目的责任单位",
            after={"unit": unit.pk, "role": ItemUnit.Role.RESPONSIBLE, "catalog_item": item.pk},
        )
    # task_create_for_event allows one event per (rule, unit, day): a second document of the
    # same unit abolished the same day joins that day's task.
    existing = (
        Task.objects.select_for_update()
        .filter(item=plan_item, unit=unit, rule=rule, period_start=date)
        .first()
    )
    if existing is not None:
        return existing, _join(actor, existing, note)
    task = event_task_create(
        actor=actor,
        rule=rule,
        unit=unit,
        event_date=date,
        note=note,
        extra={"catalog_item": item.pk},
    )
    return task, ""


def _join(actor, task: Task, note: str) -> str:
    if note not in task.event_note:
        task.event_note = f"{task.event_note}；{note}"[:MAX_NOTE]
        task.version += 1
        task.save(update_fields=["event_note", "version", "updated_at"])
    TaskEntry.objects.create(
        task=task,
        kind=TaskEntry.Kind.EVENT,
        text=note,
        actor=_actor(actor),
        status_before=task.status,
        status_after=task.status,
    )
    audit_record(
        actor=actor,
        action="task.event",
        obj=task,
        unit=task.unit,
        summary=f"追加事件：{note[:100]}",
    )
    if task.status in OPEN_STATUSES:
        return ""
    return (
        f"同日的标注任务已{task.get_status_display()}，本文件已追加到该任务的记录中，"
        "请核实原发布页面是否已标注"
    )
