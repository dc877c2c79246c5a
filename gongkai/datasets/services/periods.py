"""Review and publishing of a period's draft, and the bound plan task.

    草稿/已退回 --提交审核--> 待审核 --审核通过并发布--> 已发布
                               待审核 --退回----------> 已退回

The unit's 联络员 (SUBMIT) submits; the unit's 审核人 or the 公开办 (APPROVE) approves, which
publishes. Before publishing, the personal-data scan runs over every text cell of the draft;
findings must be resolved or released with a reason. Correcting a published period (a new import
or a hand edit) makes a draft the public does not see until it is approved with a change note
(更正说明), shown on the portal.

Publishing completes the bound plan item's task (`Dataset.plan_item`): the unit's open task
whose period contains the publication day (the shortest such period), submitted with the public
page as evidence — by the publisher when they may submit for the unit, otherwise by the system.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core import pii
from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.orgs.permissions import Action, check_perm, has_perm
from gongkai.plans.models import OPEN_STATUSES, RuleKind, Task, TaskLink
from gongkai.plans.services.tasks import task_submit, task_submit_by_system

from .. import notifications as kinds
from ..models import FieldType, Period, PeriodStatus, PeriodVersion, Record

logger = logging.getLogger(__name__)

SYSTEM_NOTE = "发布数据自动报送"
LATE_NOTE = "发布数据时已超过完成时限，随发布自动报送"


def _lock(period: Period) -> Period:
    return Period.objects.select_for_update().select_related("dataset__unit").get(pk=period.pk)


def public_url(period: Period) -> str:
    base = str(settings.GONGKAI_BASE_URL).rstrip("/")
    return f"{base}/sjfb/{period.dataset.slug}/{period.key}/"


def staff_url(period: Period) -> str:
    return f"/workbench/datasets/{period.dataset.slug}/periods/{period.key}/"


def pii_findings(period: Period, revision: int | None = None, limit: int = 200) -> list[dict]:
    """Personal data found in the text cells of a revision (the draft by default): one entry per
    cell, {row, column, kinds}. Identity-number fields are excluded (never published), as are
    codes (统一社会信用代码 is an organisation's)."""
    revision = revision or period.draft_revision
    fields = [f for f in period.dataset.fields.all() if f.type in (FieldType.TEXT, FieldType.ENUM)]
    found: list[dict] = []
    rows = Record.objects.filter(period=period, revision=revision).values_list("row", "data")
    for row, data in rows.iterator(chunk_size=2000):
        cells = [(f, str(data.get(f.name) or "")) for f in fields]
        joined = "\n".join(text for _, text in cells)
        if not joined.strip() or not pii.scan(joined):
            continue
        for f, text in cells:
            hits = pii.scan(text) if text else []
            if hits:
                found.append(
                    {"row": row, "column": f.label, "kinds": sorted({h.label for h in hits})}
                )
                if len(found) >= limit:
                    return found
    return found


@transaction.atomic
def period_submit(*, actor, period: Period) -> Period:
    period = _lock(period)
    unit = period.dataset.unit
    check_perm(actor, Action.SUBMIT, unit)
    if (
        period.status not in (PeriodStatus.DRAFT, PeriodStatus.RETURNED)
        or not period.draft_revision
    ):
        raise ValidationFailed("没有待提交的数据")
    if period.draft_rows == 0:
        raise ValidationFailed("草稿中没有数据行")
    before = period.status
    period.status = PeriodStatus.SUBMITTED
    period.submitted_at = timezone.now()
    period.submitted_by = actor
    period.save()
    audit_record(
        actor=actor,
        action="datasets.period_submit",
        obj=period,
        unit=unit,
        summary=f"提交审核：{period}（{period.draft_rows}行）",
        before={"status": before},
        after={"status": period.status, "revision": period.draft_revision},
    )
    reviewers = unit_staff(unit, roles=("reviewer",))
    notify(
        kind=kinds.SUBMITTED,
        users=reviewers if reviewers.exists() else coordinators(),
        title=f"数据待审核：{period}",
        body=f"{unit.name}提交了{period}，共{period.draft_rows}行。",
        url=staff_url(period),
        actor=actor,
    )
    return period


@transaction.atomic
def period_return(*, actor, period: Period, reason: str) -> Period:
    period = _lock(period)
    unit = period.dataset.unit
    check_perm(actor, Action.APPROVE, unit)
    if period.status != PeriodStatus.SUBMITTED:
        raise ValidationFailed("只能退回待审核的数据")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写退回理由")
    period.status = PeriodStatus.RETURNED
    period.return_reason = reason[:2000]
    period.save()
    audit_record(
        actor=actor,
        action="datasets.period_return",
        obj=period,
        unit=unit,
        summary=f"退回数据：{period}：{reason[:100]}",
        before={"status": PeriodStatus.SUBMITTED},
        after={"status": period.status},
    )
    notify(
        kind=kinds.RETURNED,
        users=unit_staff(unit, roles=("liaison",)),
        title=f"数据被退回：{period}",
        body=f"退回理由：{reason[:200]}",
        url=staff_url(period),
        actor=actor,
    )
    return period


@transaction.atomic
def period_publish(
    *, actor, period: Period, change_note: str = "", pii_override_reason: str = ""
) -> Period:
    """Approve the submitted draft and publish it (审核通过并发布)."""
    period = _lock(period)
    unit = period.dataset.unit
    check_perm(actor, Action.APPROVE, unit)
    if period.status != PeriodStatus.SUBMITTED or not period.draft_revision:
        raise ValidationFailed("只能发布已提交审核的数据")
    change_note = (change_note or "").strip()
    if period.published_revision and not change_note:
        raise ValidationFailed("更正已发布的数据，请填写更正说明（将在网站上公开）")
    findings = pii_findings(period)
    override = (pii_override_reason or "").strip()
    if findings and not override:
        where = "；".join(
            f"第{f['row']}行“{f['column']}”（{'、'.join(f['kinds'])}）" for f in findings[:5]
        )
        raise ValidationFailed(
            f"数据中疑似含有个人信息：{where}{'等' if len(findings) > 5 else ''}。"
            "请退回修改，或填写放行理由后发布",
            extra={"pii": findings},
        )
    old = period.published_revision
    now = timezone.now()
    period.published_revision = period.draft_revision
    period.published_rows = period.draft_rows
    period.draft_revision = 0
    period.draft_rows = 0
    period.status = PeriodStatus.PUBLISHED
    period.published_at = now
    period.due_date = None
    period.save()
    if old:
        Record.objects.filter(period=period, revision__lte=old).delete()
    PeriodVersion.objects.create(
        period=period,
        revision=period.published_revision,
        rows=period.published_rows,
        change_note=change_note[:2000],
        pii_override_reason=override[:2000] if findings else "",
        published_by=actor if getattr(actor, "pk", None) else None,
        published_at=now,
    )
    audit_record(
        actor=actor,
        action="datasets.period_publish",
        obj=period,
        unit=unit,
        summary=f"{'更正并发布' if old else '审核通过并发布'}：{period}（{period.published_rows}行）",
        before={"status": PeriodStatus.SUBMITTED, "revision": old},
        after={
            "status": period.status,
            "revision": period.published_revision,
            "pii_override": bool(findings),
        },
    )
    recipients = unit_staff(unit, roles=("liaison",))
    notify(
        kind=kinds.PUBLISHED,
        users=recipients,
        title=f"数据已发布：{period}",
        body=change_note[:200],
        url=staff_url(period),
        actor=actor,
    )
    complete_bound_task(actor=actor, period=period)
    return period


@transaction.atomic
def period_discard_draft(*, actor, period: Period) -> Period:
    """Drop the draft (a correction not wanted after all, or a wrong import)."""
    period = _lock(period)
    check_perm(actor, Action.EDIT, period.dataset.unit)
    if period.status == PeriodStatus.SUBMITTED:
        raise ValidationFailed("数据正在审核中，不能丢弃")
    if not period.draft_revision:
        raise ValidationFailed("没有草稿")
    Record.objects.filter(period=period, revision=period.draft_revision).delete()
    rows = period.draft_rows
    period.draft_revision = 0
    period.draft_rows = 0
    period.due_date = None
    period.status = PeriodStatus.PUBLISHED if period.published_revision else PeriodStatus.EMPTY
    period.save()
    audit_record(
        actor=actor,
        action="datasets.draft_discard",
        obj=period,
        unit=period.dataset.unit,
        summary=f"丢弃草稿：{period}（{rows}行）",
    )
    return period


def bound_task(period: Period, day) -> Task | None:
    """The unit's open task of the bound plan item whose period contains `day` (the shortest
    such period; event-triggered tasks are not completed by publishing)."""
    dataset = period.dataset
    if not dataset.plan_item_id:
        return None
    tasks = list(
        Task.objects.filter(
            item_id=dataset.plan_item_id,
            item__is_removed=False,
            unit_id=dataset.unit_id,
            period_start__lte=day,
            period_end__gte=day,
        )
        .exclude(rule__kind=RuleKind.EVENT)
        .select_related("unit", "item")
        .order_by("due_date", "pk")
    )
    if not tasks:
        return None
    shortest = min(t.period_end - t.period_start for t in tasks)
    for task in tasks:
        if task.period_end - task.period_start == shortest and task.status in OPEN_STATUSES:
            return task
    return None


def complete_bound_task(*, actor, period: Period) -> Task | None:
    """Submit the bound task with the public page as evidence (in a savepoint: a refusal by
    the ledger — e.g. the task is frozen — never undoes the publication)."""
    day = timezone.localdate()
    task = bound_task(period, day)
    if task is None:
        return None
    url = public_url(period)
    if TaskLink.objects.filter(task=task, url=url).exists():
        return None
    title = f"{period.dataset.title}（{period.label}）"
    text = f"已在“数据发布”发布{title}，共{period.published_rows}条"
    try:
        with transaction.atomic():
            if actor is not None and has_perm(actor, Action.SUBMIT, task.unit):
                task_submit(
                    actor=actor, task=task, text=text, links=[(url, title)], late_reason=LATE_NOTE
                )
            elif not task_submit_by_system(
                task=task,
                text=text,
                links=[(url, title)],
                reason=SYSTEM_NOTE,
                on_behalf_of=actor,
                extra={"dataset_period": period.pk},
            ):
                return None
    except ValidationFailed as exc:
        logger.warning(
            "bound task %s not submitted for period %s: %s", task.pk, period.pk, exc.message
        )
        return None
    return task
