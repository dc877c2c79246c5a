"""XLSX → blocks: one table per worksheet, merged ranges filled with their top-left value."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Any

from .blocks import Block, Table
from .normalize import clean_line, normalize_text

MAX_ROWS = 20000
MAX_COLS = 60
_EMPTY_RUN = 500  # stop after this many empty rows in a row (formatting-only tails)


@lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    lines = [clean_line(x) for x in normalize_text(text).split("\n")]
    return "\n".join(x for x in lines if x)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return _clean(str(value))


def sheet_rows(ws: Any) -> list[list[str]]:
    width = min(ws.max_column or 0, MAX_COLS)
    rows: list[list[str]] = []
    empty = 0
    for values in ws.iter_rows(max_col=width, values_only=True):
        row = [cell_text(v) for v in values]
        rows.append(row)
        empty = 0 if any(row) else empty + 1
        if empty >= _EMPTY_RUN or len(rows) >= MAX_ROWS:
            break
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows) or left >= width:
            continue
        value = rows[top][left]
        for r in range(top, min(merged.max_row, len(rows))):
            for c in range(left, min(merged.max_col, width)):
                rows[r][c] = value
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def read_xlsx(data: bytes) -> list[Block]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), data_only=True)
    blocks: list[Block] = []
    try:
        for ws in workbook.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = sheet_rows(ws)
            if not rows:
                continue
            sources = [{"sheet": ws.title, "row": r} for r in range(1, len(rows) + 1)]
            blocks.append(Table(rows, sources, name=ws.title, merged_filled=True))
    finally:
        workbook.close()
    return blocks
