"""Section 三 of the annual report (收到和处理政府信息公开申请情况), computed from the applications.

    annual_table(year, unit=None) -> AnnualTable
        .rows        [Row(key, label, level, values {column key: int})] in the printed order
        .columns     ALL_COLUMNS (six applicant columns + 总计)
        .mismatches  [(column label, 一+二, 三（七）+四)] — empty when the table adds up
        .check()     raises StatisticsMismatch when a column does not add up
        .cell(row_key, column_key)

Counting rules (each application once per row it belongs to; dates in Asia/Shanghai):
- intake date: the receipt date (Art. 31), or the arrival date while receipt is unconfirmed;
- finished date: the reply date (`replied_at`), else the closing date (`closed_at`) for an
  application ended without a reply (逾期不补正, 逾期未缴费, 撤回 …);
- 一 本年新收: intake date in the year;
- 二 上年结转: intake before the year, not finished before the year began;
- 三 办理结果: finished in the year, in the row of its result (`gongkai.foi.results`);
- 四 结转下年度继续办理: intake by the year's end, not finished by the year's end.
So, per column, 一 + 二 = 三（七）总计 + 四 holds whenever no application was finished before its
intake date; anything else (bad data) shows up in `mismatches`.

`unit` limits the table to one handling unit (its own annual report); None counts all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Application
from .results import (
    ALL_COLUMNS,
    CHECK_NOTE,
    COLUMN_KEYS,
    G_DENY,
    G_OTHER,
    G_REJECT,
    G_TOTAL,
    G_UNABLE,
    RESULT_BY_KEY,
    RESULTS,
    ROW_FOUR,
    ROW_ONE,
    ROW_THREE,
    ROW_TWO,
    TOTAL,
    applicant_column,
    result_of,
)


class StatisticsMismatch(Exception):
    def __init__(self, mismatches):
        self.mismatches = mismatches
        super().__init__(
            "；".join(f"{label}：一+二={a}，三（七）+四={b}" for label, a, b in mismatches)
        )


@dataclass
class Row:
    key: str
    label: str
    level: int  # 0: 一/二/三/四; 1: （一）…（七）; 2: 1. 2. …
    values: dict[str, int] | None  # None for a heading row without numbers (三, （三）…)

    @property
    def cells(self) -> list[int]:
        """The numbers in column order (自然人 … 其他, 总计); [] for a heading row."""
        return [self.values[key] for key, _label in ALL_COLUMNS] if self.values is not None else []


@dataclass
class AnnualTable:
    year: int
    unit: object | None
    rows: list[Row]
    columns: tuple[tuple[str, str], ...] = ALL_COLUMNS
    mismatches: list[tuple[str, int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check_note: str = CHECK_NOTE

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cell(self, row_key: str, column_key: str = TOTAL) -> int:
        values = self.row(row_key).values
        if values is None:
            raise KeyError(f"{row_key} has no numbers")
        return values[column_key]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def check(self) -> None:
        if self.mismatches:
            raise StatisticsMismatch(self.mismatches)


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def intake_date(app: Application) -> dt.date:
    return app.received_date or _local_date(app.arrived_at)


def finished_date(app: Application) -> dt.date | None:
    return _local_date(app.replied_at) or (_local_date(app.closed_at) if result_of(app) else None)


def _zero() -> dict[str, int]:
    return dict.fromkeys((*COLUMN_KEYS, TOTAL), 0)


_GROUPS_WITH_ITEMS = {G_DENY: "deny", G_UNABLE: "unable", G_REJECT: "reject", G_OTHER: "other"}


def row_layout() -> list[tuple[str, str, int, bool]]:
    """(key, label, level, has numbers) of every row, in the printed order."""
    layout: list[tuple[str, str, int, bool]] = [
        ("received", ROW_ONE, 0, True),
        ("carried_in", ROW_TWO, 0, True),
        ("results", ROW_THREE, 0, False),
    ]
    seen_groups: set[str] = set()
    for result in RESULTS:
        if result.item_label:
            if result.group_label not in seen_groups:
                seen_groups.add(result.group_label)
                layout.append(
                    (
                        f"group.{_GROUPS_WITH_ITEMS[result.group_label]}",
                        result.group_label,
                        1,
                        False,
                    )
                )
            layout.append((result.key, result.item_label, 2, True))
        else:
            layout.append((result.key, result.group_label, 1, True))
    layout.append(("results_total", G_TOTAL, 1, True))
    layout.append(("carried_out", ROW_FOUR, 0, True))
    return layout


def annual_table(year: int, unit=None) -> AnnualTable:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts: dict[str, dict[str, int]] = {
        key: _zero() for key, _l, _v, numbered in row_layout() if numbered
    }
    warnings: list[str] = []
    qs = Application.objects.all()
    if unit is not None:
        qs = qs.filter(unit=unit)
    qs = qs.only(
        "pk",
        "tracking_code",
        "applicant_type",
        "org_type",
        "received_date",
        "arrived_at",
        "replied_at",
        "closed_at",
        "result",
        "status",
    )

    def add(row_key: str, column: str) -> None:
        counts[row_key][column] += 1
        counts[row_key][TOTAL] += 1

    for app in qs.iterator(chunk_size=500):
        begun = intake_date(app)
        if begun > end:
            continue
        column = applicant_column(app)
        try:
            result = result_of(app)
        except KeyError:
            warnings.append(
                f"申请 {app.tracking_code} 的办理结果“{app.result}”无法对应年报行次，按“（六）其他处理 3.其他”统计"
            )
            result = RESULT_BY_KEY["other.other"]
        finished = (_local_date(app.replied_at) or _local_date(app.closed_at)) if result else None
        if finished is not None and finished < begun:
            warnings.append(f"申请 {app.tracking_code} 的办结日期早于收到日期")
        if start <= begun <= end:
            add("received", column)
        elif begun < start and (finished is None or finished >= start):
            add("carried_in", column)
        if finished is not None and start <= finished <= end and result is not None:
            add(result.key, column)
            add("results_total", column)
        if finished is None or finished > end:
            add("carried_out", column)

    rows = [
        Row(key=key, label=label, level=level, values=counts[key] if numbered else None)
        for key, label, level, numbered in row_layout()
    ]
    mismatches = []
    for column_key, column_label in ALL_COLUMNS:
        left = counts["received"][column_key] + counts["carried_in"][column_key]
        right = counts["results_total"][column_key] + counts["carried_out"][column_key]
        if left != right:
            mismatches.append((column_label, left, right))
    return AnnualTable(year=year, unit=unit, rows=rows, mismatches=mismatches, warnings=warnings)


def annual_table_xlsx(table: AnnualTable) -> bytes:
    """The table as an XLSX sheet laid out like the printed form (3 header rows)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from .results import APPLICANT_COLUMNS, LEGAL_GROUP_LABEL

    wb = Workbook()
    ws = wb.active
    ws.title = f"{table.year}年申请情况"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append(["三、收到和处理政府信息公开申请情况"])
    ws["A1"].font = Font(bold=True)
    # header rows 2–4: the note spans 3 columns × 3 rows
    ws.merge_cells(start_row=2, start_column=1, end_row=4, end_column=3)
    ws.cell(row=2, column=1, value=table.check_note)
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=10)
    ws.cell(row=2, column=4, value="申请人情况")
    ws.merge_cells(start_row=3, start_column=4, end_row=4, end_column=4)
    ws.cell(row=3, column=4, value=APPLICANT_COLUMNS[0][1])
    ws.merge_cells(start_row=3, start_column=5, end_row=3, end_column=9)
    ws.cell(row=3, column=5, value=LEGAL_GROUP_LABEL)
    for i, (_key, label) in enumerate(APPLICANT_COLUMNS[1:]):
        ws.cell(row=4, column=5 + i, value=label)
    ws.merge_cells(start_row=3, start_column=10, end_row=4, end_column=10)
    ws.cell(row=3, column=10, value="总计")
    r = 5
    for row in table.rows:
        ws.cell(row=r, column=1 + min(row.level, 2), value=row.label)
        if row.level == 0:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        elif row.level == 1:
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        if row.values is not None:
            for i, (key, _label) in enumerate(table.columns):
                ws.cell(row=r, column=4 + i, value=row.values[key])
        r += 1
    for row_cells in ws.iter_rows(min_row=2, max_row=r - 1, max_col=10):
        for cell in row_cells:
            cell.border = border
            if cell.column >= 4 or cell.row <= 4:
                cell.alignment = center
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 50
    for col in "DEFGHIJ":
        ws.column_dimensions[col].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
