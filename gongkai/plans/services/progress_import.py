"""Importing progress (进展情况) from an exported ledger sheet.

All or nothing: every row is checked first (task exists and is visible, the user may report for
its unit, its status allows a report); when any row fails, nothing is written and every failing
row is reported. Otherwise each changed progress cell goes through `task_report_progress` (so
the status rules and history are the same as for the form, with the entry marked 导入进展) and
the whole import is one transaction with one audit record of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from gongkai.core.audit import audit_record
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.orgs.permissions import Action, has_perm

from ..ledger_xlsx import read_progress_rows
from ..models import EDITABLE_STATUSES, Task, TaskEntry
from .tasks import MAX_TEXT, task_report_progress


@dataclass(frozen=True)
class RowResult:
    row: int
    message: str
    ok: bool
    task_id: int | None = None

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}"


@dataclass
class ProgressImportResult:
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False
    updated: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


class _Rollback(Exception):
    pass


def _normalise(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def progress_import(*, actor, data: bytes, file_name: str = "") -> ProgressImportResult:
    """Check and apply the progress cells of an exported ledger sheet (bytes of a checked XLSX).

    Raises ValidationFailed for an unreadable sheet, PermissionDenied for a user who may not
    report progress for any unit; row problems come back in the result, with nothing written."""
    from ..selectors import task_queryset

    if not has_perm(actor, Action.SUBMIT):
        raise PermissionDenied()
    sheet_rows = read_progress_rows(data)
    result = ProgressImportResult()
    try:
        with transaction.atomic():
            ids = {r.task_id for r in sheet_rows if r.task_id}
            visible = {
                t.pk: t
                for t in task_queryset(user=actor)
                .filter(pk__in=ids)
                .select_related("unit", "item__plan")
            }
            seen: dict[int, int] = {}
            planned: list[tuple[int, Task, str]] = []
            for row in sheet_rows:
                if row.error:
                    result.rows.append(RowResult(row.row, row.error, False))
                    continue
                task = visible.get(row.task_id)
                if task is None:
                    result.rows.append(
                        RowResult(
                            row.row,
                            f"任务不存在或无权限（任务编号 {row.task_id}）",
                            False,
                            row.task_id,
                        )
                    )
                    continue
                if row.task_id in seen:
                    result.rows.append(
                        RowResult(
                            row.row,
                            f"任务编号 {row.task_id} 与第{seen[row.task_id]}行重复",
                            False,
                            row.task_id,
                        )
                    )
                    continue
                seen[row.task_id] = row.row
                text = _normalise(row.progress)
                if not text or text == _normalise(task.progress):
                    result.unchanged += 1
                    continue
                if not has_perm(actor, Action.SUBMIT, task.unit_id):
                    message = f"无权限：不能填报“{task.unit}”的任务"
                elif task.status not in EDITABLE_STATUSES:
                    message = f"状态不允许填报：任务处于“{task.get_status_display()}”状态"
                elif len(text) > MAX_TEXT:
                    message = f"进展情况超过 {MAX_TEXT} 字"
                else:
                    planned.append((row.row, task, text))
                    continue
                result.rows.append(RowResult(row.row, message, False, task.pk))
            if result.errors:
                result.rows.sort(key=lambda r: r.row)
                return result  # nothing has been written
            for number, task, text in planned:
                try:
                    task_report_progress(
                        actor=actor, task=task, text=text, entry_kind=TaskEntry.Kind.IMPORT
                    )
                except (ValidationFailed, PermissionDenied) as exc:  # changed since the check above
                    result.rows.append(RowResult(number, exc.message, False, task.pk))
                    raise _Rollback from None
                result.rows.append(RowResult(number, "已更新进展", True, task.pk))
            result.updated = len(planned)
            if planned:
                audit_record(
                    actor=actor,
                    action="task.import_progress",
                    summary=f"导入进展 {len(planned)} 条"
                    + (f"（{file_name[:100]}）" if file_name else ""),
                    after={"updated": [t.pk for _, t, _ in planned], "unchanged": result.unchanged},
                )
                result.applied = True
    except _Rollback:
        result.applied = False
        result.updated = 0
        result.rows = [r for r in result.rows if not r.ok]
    return result
