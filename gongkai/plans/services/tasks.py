"""Task transitions: progress, submission, acceptance, return. Each is one transaction with one
audit record and one history entry; none flips a status any other way.

    未开始/进行中/已退回 --report--> 进行中
    未开始/进行中/已退回 --submit--> 已报送 --accept--> 已完成
                                    已报送 --return--> 已退回
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import notify, unit_staff
from gongkai.core.uploads import CheckedUpload
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications
from ..models import OPEN_STATUSES, Task, TaskAttachment, TaskEntry, TaskLink, TaskStatus

MAX_TEXT = 5000


def _lock(task: Task, expected_version: int | None) -> Task:
    locked = Task.objects.select_for_update().select_related("item__plan", "unit").get(pk=task.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationFailed("该任务已被他人更新，请刷新页面后重试")
    return locked


def _entry(task, kind, actor, text, before, files=(), links=()) -> TaskEntry:
    entry = TaskEntry.objects.create(
        task=task, kind=kind, text=text, actor=actor, status_before=before, status_after=task.status
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
    if task.status not in OPEN_STATUSES:
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
    expected_version: int | None = None,
) -> Task:
    task = _lock(task, expected_version)
    check_perm(actor, Action.SUBMIT, task.unit)
    if task.status not in OPEN_STATUSES:
        raise ValidationFailed(f"任务处于“{task.get_status_display()}”状态，不能报送")
    text = (text or "").strip()[:MAX_TEXT]
    links = _clean_links(links)
    has_evidence = bool(text or files or links or task.progress or task.attachments.exists())
    if not has_evidence:
        raise ValidationFailed("报送前请填写完成情况或上传佐证材料")
    before = task.status
    task.status = TaskStatus.SUBMITTED
    task.submitted_at = timezone.now()
    if text:
        task.progress = text
    _save(task, before, ["status", "submitted_at", "progress"])
    _entry(task, TaskEntry.Kind.SUBMIT, actor, text, before, files, links)
    audit_record(
        actor=actor,
        action="task.submit",
        obj=task,
        unit=task.unit,
        summary="报送任务",
        before={"status": before},
        after={"status": task.status},
    )
    return task


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
        summary="验收通过",
        before={"status": before},
        after={"status": task.status},
    )
    _notify_unit(
        task, notifications.TASK_ACCEPTED, f"任务已验收：{task.item.title[:40]}", comment, actor
    )
    return task


@transaction.atomic
def task_return(*, actor, task: Task, reason: str, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    check_perm(actor, Action.COORDINATE, task.unit)
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise ValidationFailed("退回时须填写理由")
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationFailed("只有已报送的任务可以退回")
    before = task.status
    task.status = TaskStatus.RETURNED
    task.submitted_at = None
    _save(task, before, ["status", "submitted_at"])
    _entry(task, TaskEntry.Kind.RETURN, actor, reason, before)
    audit_record(
        actor=actor,
        action="task.return",
        obj=task,
        unit=task.unit,
        summary=f"退回：{reason[:100]}",
        before={"status": before},
        after={"status": task.status},
    )
    _notify_unit(
        task, notifications.TASK_RETURNED, f"任务被退回：{task.item.title[:40]}", reason, actor
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


def _notify_unit(task: Task, kind: str, title: str, body: str, actor) -> None:
    notify(
        kind=kind,
        users=unit_staff(task.unit),
        title=title,
        body=body,
        url=f"/workbench/plans/tasks/{task.pk}/",
        actor=actor,
    )


@transaction.atomic
def task_submit_by_system(
    *, task: Task, text: str, links=(), reason: str, on_behalf_of=None, extra: dict | None = None
) -> bool:
    """Submit `task` as the system (no acting user), e.g. when publishing a bound column's item
    by someone without SUBMIT on the unit. The caller has checked its own permission; `reason`
    says why (shown in the history and the audit record). Returns False when the task is no
    longer open."""
    task = _lock(task, None)
    if task.status not in OPEN_STATUSES:
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
    return True
