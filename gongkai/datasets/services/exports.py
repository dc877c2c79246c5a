"""Export for the credit platform (信用信息共享平台): a period's published records, whole
(identity numbers included — the platform needs them), for a date range on the dataset's first
date field (the decision date of 双公示 records), as CSV or XLSX with the standard's column
names. Staff only (VIEW on the unit), and every export is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import CharField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from .. import exports
from ..models import FieldType, Period, Record


def _day(text: str) -> str:
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationFailed(f"日期“{text}”格式不正确，应为 YYYY-MM-DD") from None


@transaction.atomic
def credit_export(*, actor, period: Period, fmt: str, date_from: str = "", date_to: str = ""):
    """(bytes, filename) of the export."""
    dataset = period.dataset
    check_perm(actor, Action.VIEW, dataset.unit)
    if not period.published_revision:
        raise ValidationFailed("该期数据尚未发布")
    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed("导出格式应为 CSV 或 XLSX")
    fields = list(dataset.fields.all())
    date_field = next((f for f in fields if f.type == FieldType.DATE), None)
    lo, hi = _day(date_from), _day(date_to)
    qs = Record.objects.filter(period=period, revision=period.published_revision).order_by("row")
    if date_field is not None and (lo or hi):
        qs = qs.alias(_d=Cast(KT(f"data__{date_field.name}"), CharField()))
        if lo:
            qs = qs.filter(_d__gte=lo)
        if hi:
            qs = qs.filter(_d__lte=hi)
    rows = (
        ["" if data.get(f.name) is None else str(data.get(f.name)) for f in fields]
        for data in qs.values_list("data", flat=True).iterator(chunk_size=2000)
    )
    content = (exports.csv_bytes if fmt == "csv" else exports.xlsx_bytes)(fields, rows)
    span = f"{lo or '起'}至{hi or '今'}"
    audit_record(
        actor=actor,
        action="datasets.credit_export",
        obj=period,
        unit=dataset.unit,
        summary=f"导出报送信用平台数据：{period}（{span}，{fmt.upper()}）",
        after={"from": lo, "to": hi, "format": fmt},
    )
    return content, f"{dataset.title}_{span}.{fmt}"
