"""The ledger (台账) as an XLSX sheet in the layout offices use, and reading it back.

Export columns: 序号, 工作任务, 具体要求, 责任单位, 完成时限, 进展情况, 状态, 完成日期, 逾期说明 —
plus a trailing 任务编号 column. 状态 carries the computed marks in brackets (已逾期, 即将到期,
逾期完成); 完成日期 is `Task.completion_date`; 逾期说明 the liaison's late reason. The last
column is what the progress import matches rows by: titles repeat (a monthly item has twelve rows
with the same text) and 序号 changes with every filter, so neither can identify a task. It is
the last column so the office columns keep their usual place, and visible so that nobody deletes
it without noticing. The import finds its columns by their headers, so sheets exported before
完成日期 and 逾期说明 were added still import.

Reading is defensive: the file's real type has been sniffed before (`check_upload`), the ZIP's
unpacked size is bounded before openpyxl opens it, rows are capped, and every failure becomes a
Chinese `ValidationFailed`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import format_date

COLUMNS = (
    "序号",
    "工作任务",
    "具体要求",
    "责任单位",
    "完成时限",
    "进展情况",
    "状态",
    "完成日期",
    "逾期说明",
)
ID_COLUMN = "任务编号"
HEADER = (*COLUMNS, ID_COLUMN)
WIDTHS = (6, 36, 48, 20, 16, 48, 14, 16, 30, 10)
#: 1-based columns holding dates
DATE_COLUMNS = (5, 8)
SHEET_TITLE = "任务台账"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'

#: Limits for reading an uploaded sheet.
MAX_ROWS = 10000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
_HEADER_SCAN_ROWS = 10

ROLE_SUFFIX = {"lead": "（牵头）", "cooperating": "（配合）"}


@dataclass(frozen=True)
class LedgerRow:
    """One task as the sheet shows it (built by the caller from a Task)."""

    task_id: int
    task: str  # item path + title, with the period on a second line
    requirement: str
    unit: str
    due_date: dt.date
    progress: str
    status: str
    completion_date: dt.date | None = None
    late_reason: str = ""


def _text(cell, value: str) -> None:
    """Write `value` as text even when it starts with "=" (never a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def ledger_workbook(*, rows: Iterable[LedgerRow], title: str, exported_on: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    last_col = get_column_letter(len(HEADER))

    ws.merge_cells(f"A1:{last_col}1")
    _text(ws["A1"], f"{title}（导出日期：{format_date(exported_on)}）")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(HEADER, start=1):
        cell = ws.cell(row=2, column=col, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    n = 0
    for n, row in enumerate(rows, start=1):
        r = n + 2
        values = (
            n,
            row.task,
            row.requirement,
            row.unit,
            row.due_date,
            row.progress,
            row.status,
            row.completion_date,
            row.late_reason,
            row.task_id,
        )
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            _text(cell, value)
            cell.alignment = wrap
            cell.border = border
        for col in DATE_COLUMNS:
            ws.cell(row=r, column=col).number_format = DATE_FORMAT
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last_col}{max(n + 2, 2)}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_export(*, tasks, roles: dict[tuple[int, int], str], title: str, day: dt.date) -> bytes:
    """The XLSX bytes for `tasks` (Task objects with item and unit loaded, already filtered by
    the caller's permissions); `roles` maps (item id, unit id) to the unit's role on the item."""
    from .selectors import STATE_LABELS, task_state

    def row(task) -> LedgerRow:
        item = task.item
        state = STATE_LABELS.get(task_state(task, day), "")
        return LedgerRow(
            task_id=task.pk,
            task=f"{item.path_label} {item.title}".strip() + f"\n周期：{task.period_label}",
            requirement=item.text,
            unit=task.unit.name + ROLE_SUFFIX.get(roles.get((task.item_id, task.unit_id), ""), ""),
            due_date=task.due_date,
            progress=task.progress,
            status=task.get_status_display() + (f"（{state}）" if state else ""),
            completion_date=task.completion_date,
            late_reason=task.late_reason,
        )

    return ledger_workbook(rows=(row(t) for t in tasks), title=title, exported_on=day)


@dataclass(frozen=True)
class ProgressRow:
    """A data row read back: its row number in the sheet, the task id and the progress text;
    `error` is set when the row itself is unusable (e.g. a task id that is not a number)."""

    row: int
    task_id: int | None
    progress: str
    error: str = ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = format_date(value if isinstance(value, dt.date) else value.date())
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _task_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    text = _cell_text(value)
    return int(text) if text.isdigit() and len(text) < 12 and int(text) > 0 else None


def _check_zip(data: bytes) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationFailed("无法读取该文件：不是有效的 Excel（XLSX）表格") from None
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise ValidationFailed("表格内容过大，无法导入；请只保留需要填报的任务行")


def read_progress_rows(data: bytes) -> list[ProgressRow]:
    """The data rows of an exported ledger sheet: (row number, task id, progress text).

    The header row is found among the first rows by its 任务编号 and 进展情况 cells, so the
    title row may be kept or deleted. Completely empty rows are skipped."""
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise ValidationFailed("无法读取该文件：Excel 表格可能已损坏") from None
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_at = id_col = progress_col = None
        for number, values in enumerate(rows, start=1):
            names = [_cell_text(v) for v in values]
            if ID_COLUMN in names or "进展情况" in names:
                header_at = number
                id_col = names.index(ID_COLUMN) if ID_COLUMN in names else None
                progress_col = names.index("进展情况") if "进展情况" in names else None
                break
            if number >= _HEADER_SCAN_ROWS:
                break
        if header_at is None or id_col is None or progress_col is None:
            missing = "、".join(
                f"“{name}”"
                for name, col in ((ID_COLUMN, id_col), ("进展情况", progress_col))
                if header_at is None or col is None
            )
            raise ValidationFailed(
                f"表格缺少{missing}列。请使用本系统导出的台账，在“进展情况”列填写后导入，不要删除“任务编号”列"
            )
        result: list[ProgressRow] = []
        for number, values in enumerate(rows, start=header_at + 1):
            if not any(_cell_text(v) for v in values):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationFailed(f"表格行数超过 {MAX_ROWS} 行，请分批导入")
            raw_id = values[id_col] if id_col < len(values) else None
            progress = _cell_text(values[progress_col]) if progress_col < len(values) else ""
            task_id = _task_id(raw_id)
            error = "" if task_id else ("缺少任务编号" if raw_id in (None, "") else "任务编号无效")
            result.append(ProgressRow(number, task_id, progress, error))
        return result
    except ValidationFailed:
        raise
    except Exception:
        raise ValidationFailed("无法读取该文件：Excel 表格可能已损坏") from None
    finally:
        wb.close()
