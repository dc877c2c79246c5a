"""Task transitions: progress, submission, the unit's sign-off, acceptance, return. Each is one
transaction with one audit record, one history entry and the notification of whoever acts next;
none flips a status any other way.

    未开始/进行中/已退回 --report--> 进行中
    未开始/进行中/已退回 --submit--> 已报送 --accept--> 已完成
                                    已报送 --return--> 已退回
    with 单位审核 on (Unit.task_review_required):
    未开始/进行中/已退回 --submit--> 待单位审核 --review_approve--> 已报送
                                    待单位审核 --review_return--> 已退回

Who is told (never the actor): submit → the coordinators, or with sign-off the unit's
reviewers; review_approve → the coordinators; review_return → the unit's liaisons;
accept → the unit's liaisons; return by the coordinator → the unit's liaisons and reviewers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.uploads import CheckedUpload
from gongkai.core.workdays import format_date
from gongkai.orgs.models import Role
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications
from ..models import EDITABLE_STATUSES, Task, TaskAttachment, TaskEntry, TaskLink, TaskStatus
from ..selectors import submission_is_late

MAX_TEXT = 5000


def _lock(task: Task, expected_version: int | None) -> Task:
    locked = Task.objects.select_for_update().select_related("item__plan", "unit").get(pk=task.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationFailed("该任务已被他人更新，请刷新页面后重试")
    return locked


def _entry(task, kind, actor, text, before, files=(), links=(), late_reason="") -> TaskEntry:
    entry = TaskEntry.objects.create(
        task=task,
        kind=kind,
        text=text,
        late_reason=late_reason,
        actor=actor,
        status_before=before,
        status_after=task.status,
    )
    for upload in files:
        attachment = TaskAttachment(
            task=task,
            entry=entry,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(
            f"{upload.sha256[:16]}.{upload.kind}", ContentFile(upload.data), save=False
        )
        attachment.save()
    for url, title in links:
        TaskLink.objects.create(task=task, entry=entry, url=url, title=title[:300])
    return entry


def _clean_links(links) -> list[tuple[str, str]]:
    validator = URLValidator(schemes=["http", "https"])
    out = []
    for link in links or ():
        url, title = (link, "") if isinstance(link, str) else link
        url = (url or "").strip()
        if not url:
            continue
        try:
            validator(url)
        except DjangoValidationError:
            raise ValidationFailed(f"链接格式不正确：{url[:100]}") from None
        out.append((url, (title or "").strip()))
    return out


def _save(task: Task, before: str, fields: list[str]) -> None:
    task.version += 1
    task.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def task_report_progress(
    *,
    actor,
    task: Task,
    text: str,
    files: list[CheckedUpload] = (),
    links=(),
    expected_version: int | None = None,
    entry_kind: str = TaskEntry.Kind.PROGRESS,
) -> Task:
    """Report progress. `entry_kind` is PROGRESS for the form, IMPORT for the XLSX import."""
    task = _lock(task, expected_version)
    check_perm(actor, Action.SUBMIT, task.unit)
    text = (text or "").strip()[:MAX_TEXT]
    if not text and not files and not links:
        raise ValidationFailed("请填写进展情况或上传佐证材料")
    if task.status not in EDITABLE_STATUSES:
        raise ValidationFailed(f"任务处于“{task.get_status_display()}”状态，不能填报进展")
    before = task.status
    task.status = TaskStatus.IN_PROGRESS
    if text:
        task.progress = text
    _save(task, before, ["status", "progress"])
    _entry(task, entry_kind, actor, text, before, files, _clean_links(links))
    summary = "导入进展" if entry_kind == TaskEntry.Kind.IMPORT else "填报进展"
    audit_record(
        actor=actor,
        action="task.progress",
        obj=task,
        unit=task.unit,
        summary=summary,
        before={"status": before},
        after={"status": task.status},
    )
    return task


@transaction.atomic
def task_submit(
    *,
    actor,
    task: Task,
    text: str,
    files: list[CheckedUpload] = (),
    links=(),
    late_reason: str = "",
    expected_version: int | None = None,
) -> Task:
    """Submit the unit's work. To the coordinator (已报送), or first to the unit's reviewer
    (待单位审核) when the unit requires sign-off. After the due date a late reason (逾期说明)
    is required; it is kept on the task for the coordinator and the ledger."""
    task = _lock(task, expected_version)
    check_perm(actor, Action.SUBMIT, task.unit)
    if task.status not in EDITABLE_STATUSES:
        raise ValidationFailed(f"任务处于“{task.get_status_display()}”状态，不能报送")
    text = (text or "").strip()[:MAX_TEXT]
    links = _clean_links(links)
    has_evidence = bool(text or files or links or task.progress or task.attachments.exists())
    if not has_evidence:
        raise ValidationFailed("报送前请填写完成情况或上传佐证材料")
    late = submission_is_late(task)
    late_reason = (late_reason or "").strip()[:MAX_TEXT] if late else ""
    if late and not late_reason:
        raise ValidationFailed("该任务已超过完成时限，报送时请填写逾期说明")
    review = task.unit.task_review_required
    if review and not _reviewers(task).exists():
        raise ValidationFailed(
            "本单位要求任务报送前经单位审核人审核，但尚未指定单位审核人，请联系公开办或系统管理员"
        )
    before = task.status
    task.status = TaskStatus.REVIEWING if review else TaskStatus.SUBMITTED
    task.submitted_at = timezone.now()
    task.late_reason = late_reason
    if text:
        task.progress = text
    _save(task, before, ["status", "submitted_at", "progress", "late_reason"])
    _entry(task, TaskEntry.Kind.SUBMIT, actor, text, before, files, links, late_reason)
    audit_record(
        actor=actor,
        action="task.submit",
        obj=task,
        unit=task.unit,
        summary=("报送任务，待单位审核" if review else "报送任务")
        + ("（逾期报送）" if late else ""),
        before={"status": before},
        after={"status": task.status, **({"late_reason": late_reason[:200]} if late else {})},
    )
    late_note = f"逾期报送，逾期说明：{late_reason}" if late else ""
    if review:
        notify(
            kind=notifications.TASK_SUBMITTED,
            users=_reviewers(task),
            title=f"任务待单位审核：{_short(task)}",
            body=_body(task, late_note),
            url=task_url(task),
            actor=actor,
        )
    else:
        _notify_coordinators(task, notifications.TASK_SUBMITTED, "任务已报送", late_note, actor)
    return task


@transaction.atomic
def task_review_approve(
    *, actor, task: Task, comment: str = "", expected_version: int | None = None
) -> Task:
    """The unit's reviewer (单位审核人) signs a submitted task off: 待单位审核 → 已报送, on to
    the coordinator. The submission time stays the liaison's."""
    task = _lock(task, expected_version)
    check_perm(actor, Action.APPROVE, task.unit)
    if task.status != TaskStatus.REVIEWING:
        raise ValidationFailed(f"任务处于“{task.get_status_display()}”状态，不需要单位审核")
    before = task.status
    comment = (comment or "").strip()[:MAX_TEXT]
    task.status = TaskStatus.SUBMITTED
    _save(task, before, ["status"])
    _entry(task, TaskEntry.Kind.REVIEW_APPROVE, actor, comment, before)
    audit_record(
        actor=actor,
        action="task.review_approve",
        obj=task,
        unit=task.unit,
        summary="单位审核通过，报送公开办",
        before={"status": before},
        after={"status": task.status},
    )
    late_note = f"逾期报送，逾期说明：{task.late_reason}" if task.late_reason else ""
    _notify_coordinators(task, notifications.TASK_REVIEWED, "任务已经单位审核", late_note, actor)
    return task


@transaction.atomic
def task_review_return(
    *, actor, task: Task, reason: str, expected_version: int | None = None
) -> Task:
    """The unit's reviewer returns a submitted task to the liaison: 待单位审核 → 已退回."""
    task = _lock(task, expected_version)
    check_perm(actor, Action.APPROVE, task.unit)
    if task.status != TaskStatus.REVIEWING:
        raise ValidationFailed(f"任务处于“{task.get_status_display()}”状态，不需要单位审核")
    return _return(
        actor,
        task,
        reason,
        entry=TaskEntry.Kind.REVIEW_RETURN,
        action="task.review_return",
        summary="单位审核退回",
        roles=(Role.LIAISON,),
        title="任务被单位审核人退回",
    )


@transaction.atomic
def task_accept(
    *, actor, task: Task, comment: str = "", expected_version: int | None = None
) -> Task:
    task = _lock(task, expected_version)
    check_perm(actor, Action.COORDINATE, task.unit)
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationFailed("只有已报送的任务可以验收")
    before = task.status
    task.status = TaskStatus.COMPLETED
    task.completed_at = timezone.now()
    _save(task, before, ["status", "completed_at"])
    _entry(task, TaskEntry.Kind.ACCEPT, actor, (comment or "").strip()[:MAX_TEXT], before)
    audit_record(
        actor=actor,
        action="task.accept",
        obj=task,
        unit=task.unit,
        summary="验收通过" + ("（逾期完成）" if task.completed_late else ""),
        before={"status": before},
        after={"status": task.status},
    )
    # The liaisons did the work; the reviewer's part ended with the sign-off.
    notify(
        kind=notifications.TASK_ACCEPTED,
        users=unit_staff(task.unit, roles=(Role.LIAISON,)),
        title=f"任务已验收：{_short(task)}",
        body=comment,
        url=task_url(task),
        actor=actor,
    )
    return task


@transaction.atomic
def task_return(*, actor, task: Task, reason: str, expected_version: int | None = None) -> Task:
    """The coordinator returns a submitted task to the unit: 已报送 → 已退回."""
    task = _lock(task, expected_version)
    check_perm(actor, Action.COORDINATE, task.unit)
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationFailed("只有已报送的任务可以退回")
    # Both: the liaison redoes the work, and a resubmission may pass the reviewer again.
    return _return(
        actor,
        task,
        reason,
        entry=TaskEntry.Kind.RETURN,
        action="task.return",
        summary="退回",
        roles=(Role.LIAISON, Role.REVIEWER),
        title="任务被公开办退回",
    )


def _return(actor, task: Task, reason: str, *, entry, action, summary, roles, title) -> Task:
    """A locked task whose status and permission the caller checked goes back to the unit
    (已退回) with a reason: ledger entry, audit record, notification to `roles`."""
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise ValidationFailed("退回时须填写理由")
    before = task.status
    task.status = TaskStatus.RETURNED
    task.submitted_at = None
    _save(task, before, ["status", "submitted_at"])
    _entry(task, entry, actor, reason, before)
    audit_record(
        actor=actor,
        action=action,
        obj=task,
        unit=task.unit,
        summary=f"{summary}：{reason[:100]}",
        before={"status": before},
        after={"status": task.status},
    )
    notify(
        kind=notifications.TASK_RETURNED,
        users=unit_staff(task.unit, roles=roles),
        title=f"{title}：{_short(task)}",
        body=reason,
        url=task_url(task),
        actor=actor,
    )
    return task


@transaction.atomic
def task_attach_link(*, actor, task: Task, url: str, title: str = "") -> TaskLink:
    """Evidence pointing to published information, e.g. when an item is published in a bound
    column (the catalog calls this)."""
    task = _lock(task, None)
    check_perm(actor, Action.SUBMIT, task.unit)
    ((url, title),) = _clean_links([(url, title)])
    entry = _entry(task, TaskEntry.Kind.EVIDENCE, actor, title, task.status, (), [(url, title)])
    audit_record(
        actor=actor,
        action="task.evidence",
        obj=task,
        unit=task.unit,
        summary=f"关联公开信息：{title[:80]}",
    )
    return entry.links.get()


def task_url(task: Task) -> str:
    return reverse("plans:task_detail", args=[task.pk])


def _short(task: Task) -> str:
    return Truncator(task.item.title).chars(40)


def _body(task: Task, note: str = "") -> str:
    lines = [f"{task.unit.name} · {task.period_label} · 完成时限 {format_date(task.due_date)}"]
    if note:
        lines.append(note)
    return "\n".join(lines)


def _reviewers(task: Task):
    return unit_staff(task.unit, roles=(Role.REVIEWER,))


def _notify_coordinators(task: Task, kind: str, title: str, note: str, actor) -> None:
    notify(
        kind=kind,
        users=coordinators(),
        title=f"{title}：{_short(task)}",
        body=_body(task, note),
        url=task_url(task),
        actor=actor,
    )


@transaction.atomic
def task_submit_by_system(
    *, task: Task, text: str, links=(), reason: str, on_behalf_of=None, extra: dict | None = None
) -> bool:
    """Submit `task` as the system (no acting user), e.g. when publishing a bound column's item
    by someone without SUBMIT on the unit. The caller has checked its own permission; `reason`
    says why (shown in the history and the audit record). It goes straight to the coordinators
    (the published item has passed the unit's approval in the catalogue), without a late
    reason. Returns False when the task is no longer editable (submitted, waiting for the
    unit's sign-off, completed)."""
    task = _lock(task, None)
    if task.status not in EDITABLE_STATUSES:
        return False
    links = _clean_links(links)
    text = (text or "").strip()[:MAX_TEXT]
    before = task.status
    task.status = TaskStatus.SUBMITTED
    task.submitted_at = timezone.now()
    if text:
        task.progress = text
    _save(task, before, ["status", "submitted_at", "progress"])
    who = f"（{on_behalf_of}）" if on_behalf_of is not None else ""
    _entry(task, TaskEntry.Kind.SUBMIT, None, f"{reason}{who}：{text}", before, (), links)
    audit_record(
        actor=None,
        action="task.submit",
        obj=task,
        unit=task.unit,
        summary=f"{reason}：{text[:80]}",
        before={"status": before},
        after={"status": task.status, **(extra or {})},
    )
    _notify_coordinators(task, notifications.TASK_SUBMITTED, "任务已自动报送", reason, None)
    return True
