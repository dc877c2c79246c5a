"""Import a period's rows from XLSX or CSV, and enter rows by hand.

`import_rows` streams the file once: every row is validated, and while no error has been found
the valid rows are inserted in batches inside one transaction. Any error rolls everything back
(all or nothing); the result lists every error by row, column and reason (the first
`MAX_ERRORS`, with the total). A dry run writes nothing and returns the same result with a
preview of the first rows. The imported rows replace the period's draft revision; the published
revision stays public until the draft is approved.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from itertools import chain
from typing import IO

from django.db import connection, transaction

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import deadline_estimate
from gongkai.orgs.permissions import Action, check_perm

from ..models import (
    EDITABLE_PERIOD_STATUSES,
    REGISTER_KEY,
    Dataset,
    FieldType,
    Period,
    PeriodStatus,
    Record,
)
from ..reading import HeaderMap, find_header, open_table
from ..values import BadValue, FieldSpec, convert, display, row_errors

BATCH = 2000
MAX_ERRORS = 500
PREVIEW_ROWS = 20
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    period_key: str = ""
    kind: str = ""
    encoding: str = ""
    header: HeaderMap | None = None
    preview: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_json(self) -> dict:
        return {"rows": self.rows, "imported": self.imported, "errors": self.errors}


class _Abort(Exception):
    """Raised inside the transaction to roll an import with errors back."""


def clean_period_key(dataset: Dataset, key: str | None) -> str | None:
    if not dataset.is_monthly:
        return REGISTER_KEY
    if not key:
        return None
    key = key.strip().replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-(\d{1,2})$", key)
    if m:
        key = f"{m[1]}-{int(m[2]):02d}"
    if not _PERIOD.match(key):
        raise ValidationFailed(f"期间“{key}”格式不正确，应为 YYYY-MM，例如 2026-10")
    return key


def _editable_period(dataset: Dataset, key: str) -> Period:
    period, _ = Period.objects.get_or_create(dataset=dataset, key=key)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status not in EDITABLE_PERIOD_STATUSES:
        raise ValidationFailed(f"{period.label}的数据正在审核中，不能修改；如需修改请审核人先退回")
    return period


def _start_draft(period: Period, *, copy_published: bool) -> int:
    """The draft revision number, created when missing (with a copy of the published rows when
    `copy_published`)."""
    if period.draft_revision:
        return period.draft_revision
    revision = period.published_revision + 1
    Record.objects.filter(period=period, revision=revision).delete()
    if copy_published and period.published_revision:
        rows = Record.objects.filter(period=period, revision=period.published_revision)
        batch = []
        for r in rows.iterator(chunk_size=BATCH):
            batch.append(Record(period=period, revision=revision, row=r.row, data=r.data))
            if len(batch) >= BATCH:
                Record.objects.bulk_create(batch)
                batch = []
        Record.objects.bulk_create(batch)
        period.draft_rows = period.published_rows
    else:
        period.draft_rows = 0
    period.draft_revision = revision
    return revision


def publication_due(dataset: Dataset, value) -> dt.date | None:
    """The publication deadline of a record dated `value` (ISO date), for datasets with one."""
    if not dataset.deadline_workdays or not value:
        return None
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return deadline_estimate(day, dataset.deadline_workdays).date


_RECORD_COLUMNS = ("period_id", "revision", "row", "data")


def _insert_records(rows: list[tuple]) -> None:
    """Insert record rows (period id, revision, row, data dict) in bulk: COPY on PostgreSQL, one
    prepared executemany on SQLite — a model instance per row and bulk_create cost several
    times more (bench/datasets.py), as for the ledger (plans.services.ledger)."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(Record._meta.db_table)
    columns = ", ".join(ops.quote_name(Record._meta.get_field(c).column) for c in _RECORD_COLUMNS)
    encoded = [(p, rev, row, json.dumps(data, ensure_ascii=False)) for p, rev, row, data in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in encoded:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(_RECORD_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 — names from model meta
        cursor.executemany(sql, encoded)


def _published_fingerprints(dataset: Dataset, key: str | None, specs) -> set[int]:
    """Fingerprints of the published rows (to tell new records from republished ones)."""
    if not dataset.deadline_workdays or key is None:
        return set()
    period = Period.objects.filter(dataset=dataset, key=key, published_revision__gt=0).first()
    if period is None:
        return set()
    rows = Record.objects.filter(period=period, revision=period.published_revision)
    return {
        hash(tuple(data.get(s.name) for s in specs))
        for data in rows.values_list("data", flat=True).iterator(chunk_size=BATCH)
    }


def import_rows(
    *,
    actor,
    dataset: Dataset,
    stream: IO[bytes],
    name: str,
    period_key: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate every row of `stream` and, when all are valid and not `dry_run`, make them the
    draft of the period (given, or read from the month column)."""
    check_perm(actor, Action.EDIT, dataset.unit)
    if not dataset.is_active:
        raise ValidationFailed("该数据集已停用")
    specs = [FieldSpec.of(f) for f in dataset.fields.all()]
    key = clean_period_key(dataset, period_key)
    result = ImportResult(dry_run=dry_run, period_key=key or "")
    table = open_table(stream, name)
    result.kind, result.encoding = table.kind, table.encoding
    try:
        header, pending = find_header(table.rows, specs)
        result.header = header

        def error(row: int, column: str, message: str) -> None:
            result.error_count += 1
            if len(result.errors) < MAX_ERRORS:
                result.errors.append({"row": row, "column": column, "message": message})

        for spec in header.missing:
            if spec.required:
                error(header.row, spec.label, "缺少必填列")
        month_spec = next((s for s in specs if s.type == FieldType.MONTH), None)
        if (
            dataset.is_monthly
            and key is None
            and (month_spec is None or month_spec.name not in header.columns)
        ):
            raise ValidationFailed("请选择数据所属期间（YYYY-MM）")
        mapped = [(s, header.columns[s.name]) for s in specs if s.name in header.columns]
        optional_missing = [s for s in header.missing if not s.required]
        seen: dict[int, int] = {}
        state = {"period": None, "revision": 0, "batch": []}
        cross_rules = any("required_when" in s.rules for s in specs)
        labels = {s.name: s.label for s in specs}
        published = _published_fingerprints(dataset, key, specs)
        due_of = functools.lru_cache(maxsize=4096)(lambda value: publication_due(dataset, value))
        due: dt.date | None = None

        def flush() -> None:
            if state["batch"]:
                _insert_records(state["batch"])
                state["batch"] = []

        try:
            with transaction.atomic():
                for number, cells in chain(pending, table.rows):
                    if not any(c is not None and str(c).strip() for c in cells):
                        continue
                    result.rows += 1
                    data: dict = {}
                    bad = False
                    for spec, index in mapped:
                        raw = cells[index] if index < len(cells) else None
                        try:
                            data[spec.name] = convert(spec, raw, data)
                        except BadValue as exc:
                            error(number, spec.label, exc.reason)
                            bad = True
                    for spec in optional_missing:
                        data[spec.name] = None
                    if cross_rules and not bad:
                        for name, reason in row_errors(specs, data).items():
                            error(number, labels[name], reason)
                            bad = True
                    if bad:
                        continue
                    if dataset.is_monthly and month_spec is not None and data.get(month_spec.name):
                        month = data[month_spec.name]
                        if key is None:
                            key = month
                            result.period_key = key
                        elif month != key:
                            error(
                                number,
                                month_spec.label,
                                f"{month_spec.label}“{month}”与导入期间“{key}”不一致",
                            )
                            continue
                    fingerprint = hash(tuple(data.get(s.name) for s in specs))
                    if fingerprint in seen:
                        error(number, "", f"与第{seen[fingerprint]}行完全相同（重复行）")
                        continue
                    seen[fingerprint] = number
                    if dataset.deadline_workdays and fingerprint not in published:
                        row_due = due_of(data.get(dataset.deadline_field))
                        if row_due is not None and (due is None or row_due < due):
                            due = row_due
                    if len(result.preview) < PREVIEW_ROWS:
                        result.preview.append(
                            {
                                "row": number,
                                "cells": [display(s.type, data.get(s.name)) for s in specs],
                            }
                        )
                    if dry_run or result.error_count:
                        continue
                    if state["period"] is None:
                        period = _editable_period(dataset, key)
                        state["revision"] = _start_draft(period, copy_published=False)
                        Record.objects.filter(period=period, revision=state["revision"]).delete()
                        state["period"] = period
                    state["batch"].append((state["period"].pk, state["revision"], number, data))
                    result.imported += 1
                    if len(state["batch"]) >= BATCH:
                        flush()
                if result.rows == 0:
                    error(header.row + 1, "", "表头下没有数据行")
                if result.error_count or dry_run:
                    raise _Abort
                flush()
                period = state["period"]
                period.draft_rows = result.imported
                period.due_date = due
                period.status = PeriodStatus.DRAFT
                period.source_name = name[:255]
                period.return_reason = ""
                period.save()
                audit_record(
                    actor=actor,
                    action="datasets.import",
                    obj=period,
                    unit=dataset.unit,
                    summary=f"导入数据：{dataset.title} {period.label}，{result.imported}行（{name[:80]}）",
                    after={
                        "rows": result.imported,
                        "revision": period.draft_revision,
                        "file": name[:200],
                    },
                )
        except _Abort:
            result.imported = 0
    finally:
        table.close()
    return result


def _period_for_entry(dataset: Dataset, key: str | None) -> Period:
    key = clean_period_key(dataset, key)
    if key is None:
        raise ValidationFailed("请选择数据所属期间（YYYY-MM）")
    return _editable_period(dataset, key)


@transaction.atomic
def record_add(*, actor, dataset: Dataset, period_key: str | None, values: dict) -> Record:
    """One row typed into the form; errors per field in `extra["errors"]`."""
    check_perm(actor, Action.EDIT, dataset.unit)
    specs = [FieldSpec.of(f) for f in dataset.fields.all()]
    data, errors = {}, {}
    for spec in specs:
        try:
            data[spec.name] = convert(spec, values.get(spec.name), data)
        except BadValue as exc:
            errors[spec.name] = exc.reason
    if not errors:
        errors = row_errors(specs, data)
    key = clean_period_key(dataset, period_key)
    month_spec = next((s for s in specs if s.type == FieldType.MONTH), None)
    if dataset.is_monthly and month_spec is not None and data.get(month_spec.name):
        if key is None:
            key = data[month_spec.name]
        elif data[month_spec.name] != key and month_spec.name not in errors:
            errors[month_spec.name] = f"与期间“{key}”不一致"
    if errors:
        raise ValidationFailed(
            "；".join(f"{s.label}：{errors[s.name]}" for s in specs if s.name in errors),
            extra={"errors": errors},
        )
    period = _period_for_entry(dataset, key)
    revision = _start_draft(period, copy_published=True)
    last = (
        Record.objects.filter(period=period, revision=revision)
        .order_by("-row")
        .values_list("row", flat=True)
        .first()
    )
    record = Record.objects.create(period=period, revision=revision, row=(last or 1) + 1, data=data)
    row_due = publication_due(dataset, data.get(dataset.deadline_field))
    if row_due is not None and (period.due_date is None or row_due < period.due_date):
        period.due_date = row_due
    period.draft_rows += 1
    period.status = PeriodStatus.DRAFT
    period.save()
    audit_record(
        actor=actor,
        action="datasets.record_add",
        obj=period,
        unit=dataset.unit,
        summary=f"录入一行数据：{dataset.title} {period.label}",
        after={"row": record.row, "revision": revision},
    )
    return record


@transaction.atomic
def record_delete(*, actor, record: Record) -> None:
    """Remove one row of the draft (a published row is removed by a correction)."""
    period = (
        Period.objects.select_for_update().select_related("dataset__unit").get(pk=record.period_id)
    )
    check_perm(actor, Action.EDIT, period.dataset.unit)
    if period.status not in EDITABLE_PERIOD_STATUSES:
        raise ValidationFailed("数据正在审核中，不能修改")
    revision = _start_draft(period, copy_published=True)
    deleted, _ = Record.objects.filter(period=period, revision=revision, row=record.row).delete()
    if not deleted:
        raise ValidationFailed("该行不存在")
    period.draft_rows -= 1
    period.status = PeriodStatus.DRAFT
    period.save()
    audit_record(
        actor=actor,
        action="datasets.record_delete",
        obj=period,
        unit=period.dataset.unit,
        summary=f"删除一行数据：{period} 第{record.row}行",
        before={"row": record.row},
    )
    return None
