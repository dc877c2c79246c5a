"""Task binding: a plan item (an obligation in the ledger) bound to columns. Publishing an item
in a bound column (or in one of its sub-columns) for the first time submits the publishing
unit's open task of the period that contains the publish date, with the item as evidence.

The submission goes through `gongkai.plans.services.tasks.task_submit` with the publishing
user as actor when that user may submit for the unit. A user who may publish but not submit
(the unit's 审核人 holds APPROVE, not SUBMIT) still completes the obligation by publishing: the
task is then submitted by the system (actor None) with the note "发布信息自动报送", in its own
transaction with a history entry and an audit record that name the publisher.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import User
from gongkai.orgs.permissions import Action, check_perm, has_perm
from gongkai.plans.models import (
    OPEN_STATUSES,
    PlanItem,
    RuleKind,
    Task,
    TaskLink,
)
from gongkai.plans.services.tasks import task_submit, task_submit_by_system

from ..models import Column, ColumnBinding, Item, PublicState

logger = logging.getLogger(__name__)

SYSTEM_NOTE = "发布信息自动报送"
#: The late reason (逾期说明) of a bound task submitted by a publication after its due date.
LATE_NOTE = "发布信息时已超过完成时限，随发布自动报送"


@transaction.atomic
def binding_create(*, actor, plan_item: PlanItem, column: Column) -> ColumnBinding:
    check_perm(actor, Action.COORDINATE)
    if not plan_item.is_task or plan_item.is_removed:
        raise ValidationFailed("只能绑定方案中的工作任务")
    if not column.is_active:
        raise ValidationFailed("该栏目已停用")
    if ColumnBinding.objects.filter(plan_item=plan_item, column=column).exists():
        raise ValidationFailed("该任务已绑定此栏目")
    binding = ColumnBinding.objects.create(
        plan_item=plan_item, column=column, created_by=actor if getattr(actor, "pk", None) else None
    )
    audit_record(
        actor=actor,
        action="catalog.binding_create",
        obj=binding,
        summary=f"绑定任务与栏目：{plan_item.title[:60]} → {column.name}",
        after={"plan_item": plan_item.pk, "column": column.pk},
    )
    return binding


@transaction.atomic
def binding_delete(*, actor, binding: ColumnBinding) -> None:
    check_perm(actor, Action.COORDINATE)
    binding = ColumnBinding.objects.select_related("plan_item", "column").get(pk=binding.pk)
    audit_record(
        actor=actor,
        action="catalog.binding_delete",
        obj=binding,
        summary=f"解除任务与栏目的绑定：{binding.plan_item.title[:60]} → {binding.column.name}",
        before={"plan_item": binding.plan_item_id, "column": binding.column_id},
    )
    binding.delete()


def item_public_url(item: Item) -> str:
    base = str(settings.GONGKAI_BASE_URL).rstrip("/")
    return f"{base}/xxgk/item/{item.pk}/"


def column_with_ancestors(column: Column) -> list[int]:
    ids, seen = [], set()
    current = column
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        ids.append(current.pk)
        current = current.parent
    return ids


def bound_tasks_for(item: Item) -> list[Task]:
    """The unit's open tasks that publishing `item` on its publish date completes.

    For each bound plan item, take the unit's tasks whose period contains the publish date and
    keep those with the shortest period, whatever their status: a monthly task rather than the
    same item's yearly "及时" or continuous one (two monthly rules of one item are both kept).
    Of those, the open ones are returned. Choosing before filtering by status keeps the answer
    stable: once the monthly task is submitted, a later publication in the same month does not
    fall through to the yearly task. Event-triggered tasks (e.g. marking an abolished document)
    are not completed by publishing."""
    day = item.publish_date
    tasks = (
        Task.objects.filter(
            item__column_bindings__column__in=column_with_ancestors(item.column),
            item__is_removed=False,
            unit_id=item.unit_id,
            period_start__lte=day,
            period_end__gte=day,
        )
        .exclude(rule__kind=RuleKind.EVENT)
        .distinct()
        .select_related("unit", "item")
        .order_by("due_date", "pk")
    )
    by_item: dict[int, list[Task]] = {}
    for task in tasks:
        by_item.setdefault(task.item_id, []).append(task)
    chosen = []
    for group in by_item.values():
        shortest = min(t.period_end - t.period_start for t in group)
        chosen.extend(
            t
            for t in group
            if t.period_end - t.period_start == shortest and t.status in OPEN_STATUSES
        )
    return sorted(chosen, key=lambda t: (t.due_date, t.pk))


def bindings_on_publish(
    *, item_id: int, actor_id: int | None, first: bool | None = None
) -> list[int]:
    """Submit the bound tasks an item's first publication completes. Returns the submitted task
    ids. Called on commit by `gongkai.catalog.events.item_published`; idempotent per task (a
    task already holding this item's link, or no longer open, is left alone)."""
    item = (
        Item.objects.select_related("column", "unit", "current_version").filter(pk=item_id).first()
    )
    if item is None or item.public_state != PublicState.LIVE or item.publish_date is None:
        return []
    if first is None:
        first = not item.versions.filter(number__gt=1).exists()
    if not first:
        return []
    url = item_public_url(item)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        logger.error(
            "GONGKAI_BASE_URL gives an invalid item link %r; bound tasks not submitted", url
        )
        return []
    title = item.current_version.title if item.current_version_id else item.title
    text = f"已在“{item.column.name}”栏目发布《{title}》（索引号 {item.index_number}）"
    link = (url, title[:300])
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    submitted = []
    for task in bound_tasks_for(item):
        if TaskLink.objects.filter(task=task, url=url).exists():
            continue
        try:
            if actor is not None and has_perm(actor, Action.SUBMIT, task.unit):
                task_submit(actor=actor, task=task, text=text, links=[link], late_reason=LATE_NOTE)
            elif not task_submit_by_system(
                task=task,
                text=text,
                links=[link],
                reason=SYSTEM_NOTE,
                on_behalf_of=actor,
                extra={"catalog_item": item.pk, "published_by": getattr(actor, "pk", None)},
            ):
                continue
        except ValidationFailed as exc:
            logger.warning(
                "bound task %s not submitted for item %s: %s", task.pk, item.pk, exc.message
            )
            continue
        submitted.append(task.pk)
    return submitted
