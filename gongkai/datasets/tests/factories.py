"""Datasets for tests: a built-in schema (by slug) owned by a given unit, and real files."""

from __future__ import annotations

import csv
import io

import openpyxl

from gongkai.datasets.builtin import BUILTINS
from gongkai.datasets.models import Dataset
from gongkai.datasets.services.schema import dataset_create
from gongkai.orgs.codes import uscc_make


def builtin_dataset(slug: str, unit, **kwargs) -> Dataset:
    spec = next(b for b in BUILTINS if b.slug == slug)
    return dataset_create(
        actor=None,
        slug=spec.slug,
        title=spec.title,
        unit=unit,
        fields=spec.fields,
        period_kind=spec.period_kind,
        chart=spec.chart,
        is_builtin=True,
        deadline_workdays=spec.deadline_workdays,
        deadline_field=spec.deadline_field,
        **kwargs,
    )


def csv_bytes(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, title_row: str | None = None, width: int = 8) -> bytes:
    """A workbook with the rows; with `title_row`, a merged title cell above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if title_row:
        ws.append([title_row])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


WATER_HEADER = [
    "监测月份",
    "水源名称",
    "水源类型",
    "监测断面",
    "水质类别",
    "达标情况",
    "超标项目",
    "备注",
]


def water_rows(month: str = "2026-10", n: int = 3) -> list[list]:
    sources = ["竹仙洞水库", "凤凰山水库", "前山河", "地下水井一号", "地下水井二号"]
    kinds = ["湖库", "湖库", "河流", "地下水", "地下水"]
    classes = ["Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅱ类", "Ⅲ类"]
    rows = []
    for i in range(n):
        k = i % 5
        rows.append(
            [
                month,
                f"{sources[k]}{i // 5 or ''}",
                kinds[k],
                "取水口",
                classes[k],
                "不达标" if classes[k] == "Ⅳ类" else "达标",
                "总磷" if classes[k] == "Ⅳ类" else "",
                "",
            ]
        )
    return rows


def credit_code(serial: str = "MA4W00001") -> str:
    return uscc_make(category="91", region="440400", serial=serial)
