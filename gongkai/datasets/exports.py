"""Files: downloads of a view (CSV, XLSX, JSON) and the import template (XLSX)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Dataset, Field, FieldType

TYPE_HINTS = {
    FieldType.TEXT: "文本",
    FieldType.INTEGER: "整数",
    FieldType.DECIMAL: "数值",
    FieldType.DATE: "日期，如 2026-10-08",
    FieldType.MONTH: "月份，如 2026-10",
    FieldType.ENUM: "从可选值中选择",
    FieldType.USCC: "18位统一社会信用代码（含校验位）",
    FieldType.ID_NUMBER: "18位身份证号码（不在网站公开）",
}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(rows: Iterable[list], fields: list[Field]) -> Iterable[list]:
    """Text that a spreadsheet would take for a formula (=, +, -, @ first) gets a leading
    apostrophe, so that a downloaded file never runs one (CSV injection); numbers stay."""
    text = [not f.is_numeric for f in fields]
    for row in rows:
        yield [
            "'" + v if t and isinstance(v, str) and v.startswith(_FORMULA_START) else v
            for v, t in zip(row, text, strict=True)
        ]


def csv_bytes(fields: list[Field], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens it in Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.heading for f in fields])
    writer.writerows(_safe(rows, fields))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(fields: list[Field], rows: Iterable[list[str]], *, title: str = "数据") -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "数据")
    ws.append([f.heading for f in fields])
    numeric = [f.is_numeric for f in fields]
    for row in _safe(rows, fields):
        ws.append([_number(v) if isnum else v for v, isnum in zip(row, numeric, strict=True)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value: str):
    if value in ("", None):
        return None
    try:
        return int(value) if value.lstrip("-").isdigit() else float(value)
    except ValueError:
        return value


def json_bytes(meta: dict, records: Iterable[dict]) -> bytes:
    return json.dumps({**meta, "records": list(records)}, ensure_ascii=False).encode("utf-8")


def template_xlsx(dataset: Dataset) -> bytes:
    """The import template: the header row (required columns marked *), drop-down lists for
    enumerations, and a sheet that explains every column."""
    fields = list(dataset.fields.all())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([("*" if f.required else "") + f.heading for f in fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, f in enumerate(fields, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, min(40, len(f.heading) * 2 + 4))
        if f.type == FieldType.ENUM and f.choices and len(",".join(f.choices)) < 250:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True
            )
            dv.error = f"请从可选值中选择：{'、'.join(f.choices)}"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5000")
    guide = wb.create_sheet("填写说明")
    guide.append(["列名", "类型", "必填", "计量单位", "可选值 / 规则"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for f in fields:
        rules = []
        if f.choices:
            rules.append("、".join(f.choices))
        if "min" in f.rules:
            rules.append(f"不小于 {f.rules['min']}")
        if "max" in f.rules:
            rules.append(f"不大于 {f.rules['max']}")
        if "decimals" in f.rules:
            rules.append(f"保留 {f.rules['decimals']} 位小数")
        guide.append(
            [
                f.label,
                TYPE_HINTS.get(f.type, f.type),
                "是" if f.required else "",
                f.unit,
                "；".join(rules),
            ]
        )
    guide.append([])
    guide.append(
        [
            "说明：在“数据”表第2行起填写，每行一条；表头按名称识别，可调整列顺序。整个文件全部校验通过才会导入。"
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
