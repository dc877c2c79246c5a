"""The annual report's tables computed from live data, and the checks a report must pass.

    build(report) -> AnnualData      tables 二, 三, 四 of `report` (year, reporting body) and checks

Table 二, block （一）项 — 规章 and 行政规范性文件, from the catalog: published documents in the
policy-document columns (kind 政策文件, and their sub-columns) that carry a 文号. A document
promulgated by 令 (a 文号 with 令, e.g. 珠海市人民政府令第12号) is a 规章 — 规章 are published by
order (《立法法》); every other numbered policy document is a 行政规范性文件. 本年制发: 成文日期
(else 发布日期) in the year; 本年废止: marked 已废止 or 已失效 with the change date in the year;
现行有效: issued by the year's end and not abolished or expired by then. A unit's report counts
the unit's documents; the government's counts all. Blocks （五）（六）（八） are figures staff
enter; 行政许可 and 行政处罚, while not entered, count the decisions published in the 双公示
registers of the data-publishing module (`dataset_counts`).

Table 三 is `gongkai.foi.statistics.annual_table`. Table 四 counts the register of review and
litigation cases (`ReviewCase`) filed in the year, each in the column of its outcome if decided
by 31 December, else 尚未审结.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from gongkai.catalog.models import Column, Item, Validity
from gongkai.foi.statistics import annual_table

from ..models import AnnualReport, ReviewCase
from . import labels

ENDED = (Validity.ABOLISHED, Validity.EXPIRED)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def _check(name: str, left, right) -> Check:
    return Check(name, left == right, "" if left == right else f"{left} ≠ {right}")


@dataclass
class TableRow:
    label: str
    values: list
    level: int = 0
    key: str = ""


@dataclass
class Block:
    """One printed block: a header row (`title`), column labels, rows."""

    title: str
    columns: list[str]
    rows: list[TableRow]


@dataclass
class AnnualData:
    year: int
    two: list[Block]
    three: object  # gongkai.foi.statistics.AnnualTable
    four: dict[str, list[int]]  # "review" / "direct" / "after_review" → 4 outcomes + 总计
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict:
        """Every table as {"columns": [...], "rows": [{"label", "values"}]}, keyed by section."""
        two = {
            block.title: {
                "columns": [labels.CONTENT, *block.columns],
                "rows": [{"label": r.label, "values": _plain(r.values)} for r in block.rows],
            }
            for block in self.two
        }
        three = {
            "columns": [label for _k, label in self.three.columns],
            "rows": [{"label": row.label, "values": row.cells} for row in self.three.rows],
        }
        four_columns = [
            *(f"{labels.REVIEW}·{c}" for c in labels.FOUR_COLUMNS),
            *(f"{labels.LITIGATION}·{labels.DIRECT}·{c}" for c in labels.FOUR_COLUMNS),
            *(f"{labels.LITIGATION}·{labels.AFTER_REVIEW}·{c}" for c in labels.FOUR_COLUMNS),
        ]
        four = {
            "columns": four_columns,
            "rows": [
                {
                    "label": labels.HEADING["四"],
                    "values": self.four["review"] + self.four["direct"] + self.four["after_review"],
                }
            ],
        }
        return {
            "二": two,
            "三": three,
            "四": four,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


def _plain(values: list) -> list:
    return [float(v) if isinstance(v, Decimal) else v for v in values]


def _policy_columns() -> list[int]:
    """The policy-document columns (kind 政策文件) and all their descendants."""
    ids = set(Column.objects.filter(kind=Column.Kind.POLICY).values_list("pk", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = set(Column.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        frontier -= ids
        ids |= frontier
    return sorted(ids)


def _documents(year: int, unit) -> dict[str, list[int]]:
    """{"rules": [issued, abolished, in force], "normative": [...]} for the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = Item.objects.filter(
        column__in=_policy_columns(), first_published_at__isnull=False
    ).exclude(doc_number="")
    if unit is not None:
        qs = qs.filter(unit=unit)
    counts = {"rules": [0, 0, 0], "normative": [0, 0, 0]}
    for doc_number, written, published_at, validity, changed in qs.values_list(
        "doc_number", "written_date", "first_published_at", "validity", "validity_date"
    ):
        key = "rules" if "令" in doc_number else "normative"
        issued = written or (published_at.date() if published_at else None)
        if issued is None or issued > end:
            continue
        ended = validity in ENDED
        if start <= issued:
            counts[key][0] += 1
        if ended and changed is not None and start <= changed <= end:
            counts[key][1] += 1
        if not (ended and (changed is None or changed <= end)):
            counts[key][2] += 1
    return counts


#: Registers of the data-publishing module whose published records count in table 二:
#: report field → (dataset slug, the record's decision-date field).
DATASET_SOURCES = {
    "licensing": ("admin-licensing", "decision_date"),
    "penalty": ("admin-penalty", "decision_date"),
}


def dataset_counts(year: int, unit) -> dict[str, int]:
    """Decisions published in the 双公示 registers (gongkai.datasets, when installed) with a
    decision date in the year — the body's own registers for a unit, all for the government.
    Only registers that exist give a figure."""
    from django.apps import apps

    if not apps.is_installed("gongkai.datasets"):
        return {}
    from gongkai.datasets.models import Dataset, Period, Record

    counts: dict[str, int] = {}
    for key, (slug, date_field) in DATASET_SOURCES.items():
        datasets = Dataset.objects.filter(slug=slug, is_active=True)
        if unit is not None:
            datasets = datasets.filter(unit=unit)
        periods = list(
            Period.objects.filter(dataset__in=datasets, published_revision__gt=0).values_list(
                "pk", "published_revision"
            )
        )
        if not periods:
            continue
        total = 0
        for period_id, revision in periods:
            total += Record.objects.filter(
                period_id=period_id,
                revision=revision,
                **{f"data__{date_field}__startswith": f"{year}-"},
            ).count()
        counts[key] = total
    return counts


def _section_two(report: AnnualReport) -> list[Block]:
    docs = _documents(report.year, report.unit)
    derived = dataset_counts(report.year, report.unit)
    entered = {
        "licensing": report.licensing if report.licensing is not None else derived.get("licensing"),
        "penalty": report.penalty if report.penalty is not None else derived.get("penalty"),
        "enforcement": report.enforcement,
        "fees": report.fees,
    }
    blocks = []
    for title, columns, rows in labels.SECTION_TWO:
        table_rows = []
        for key, label in rows:
            values = docs[key] if key in docs else [entered[key]]
            table_rows.append(TableRow(label=label, values=list(values), key=key))
        blocks.append(Block(title=title, columns=list(columns), rows=table_rows))
    return blocks


def _section_four(year: int, unit) -> dict[str, list[int]]:
    end = dt.date(year, 12, 31)
    qs = ReviewCase.objects.filter(filed_date__year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    order = [key for key, _label in labels.OUTCOMES]
    out = {kind: [0] * (len(order) + 1) for kind in ("review", "direct", "after_review")}
    for kind, outcome, decided in qs.values_list("kind", "outcome", "decided_date"):
        if outcome == ReviewCase.Outcome.PENDING or decided is None or decided > end:
            outcome = ReviewCase.Outcome.PENDING
        out[kind][order.index(outcome)] += 1
        out[kind][-1] += 1
    return out


def check_three(table) -> list[Check]:
    """The checks of section 三: the printed 勾稽 relation per column, and the two the
    structure implies — （七）总计 = the sum of the 21 rows; 总计 = the six applicant columns."""
    from gongkai.foi.results import ALL_COLUMNS, TOTAL

    rows = {row.key: row for row in table.rows}
    data_rows = [
        row
        for row in table.rows
        if row.values is not None
        and row.key not in ("received", "carried_in", "results_total", "carried_out")
    ]
    checks = []
    for key, label in ALL_COLUMNS:
        left = rows["received"].values[key] + rows["carried_in"].values[key]
        right = rows["results_total"].values[key] + rows["carried_out"].values[key]
        checks.append(_check(f"三·{label}：一＋二＝三（七）总计＋四", left, right))
    for key, label in ALL_COLUMNS:
        total = sum(row.values[key] for row in data_rows)
        stated = rows["results_total"].values[key]
        checks.append(_check(f"三·{label}：（七）总计＝21项之和", stated, total))
    wrong = [
        f"{row.label}（{row.values[TOTAL]} ≠ {sum(v for k, v in row.values.items() if k != TOTAL)}）"
        for row in table.rows
        if row.values is not None
        and sum(v for k, v in row.values.items() if k != TOTAL) != row.values[TOTAL]
    ]
    checks.append(Check("三·各行：总计＝自然人＋法人或其他组织", not wrong, "；".join(wrong)))
    return checks


FOUR_KINDS = {
    "review": labels.REVIEW,
    "direct": f"{labels.LITIGATION}（{labels.DIRECT}）",
    "after_review": f"{labels.LITIGATION}（{labels.AFTER_REVIEW}）",
}


def check_four(four: dict[str, list[int]]) -> list[Check]:
    return [
        _check(f"四·{FOUR_KINDS[kind]}：总计＝各结果之和", values[-1], sum(values[:-1]))
        for kind, values in four.items()
    ]


def build(report: AnnualReport) -> AnnualData:
    three = annual_table(report.year, unit=report.unit)
    data = AnnualData(
        year=report.year,
        two=_section_two(report),
        three=three,
        four=_section_four(report.year, report.unit),
        warnings=list(three.warnings),
    )
    data.checks = check_three(three) + check_four(data.four)
    missing = [
        row.label for block in data.two for row in block.rows if any(v is None for v in row.values)
    ]
    if missing:
        data.checks.append(
            Check(
                "二：第二十条第（五）（六）（八）项已填写", False, "未填写：" + "、".join(missing)
            )
        )
    return data


def section_one_draft(report: AnnualReport) -> str:
    """A first draft of 一、总体情况 from live figures, for staff to edit."""
    from gongkai.catalog.models import ItemStatus

    year, unit = report.year, report.unit
    items = Item.objects.filter(first_published_at__year=year, status=ItemStatus.PUBLISHED)
    if unit is not None:
        items = items.filter(unit=unit)
    total = items.count()
    by_column = list(
        items.values_list("column__name").order_by().annotate(n=Count("pk")).order_by("-n")[:5]
    )
    interpretations = items.filter(interprets__isnull=False).count()
    table = annual_table(year, unit=unit)
    received = table.cell("received")
    finished = table.cell("results_total")
    body = report.body_name
    parts = [
        f"{year}年，{body}深入贯彻《中华人民共和国政府信息公开条例》，"
        f"全年主动公开政府信息{total}条",
    ]
    if by_column:
        parts[-1] += "，其中" + "、".join(f"{name}{n}条" for name, n in by_column)
    parts[-1] += "。"
    if interpretations:
        parts.append(f"围绕重要政策发布解读材料{interpretations}篇，做到政策文件与解读同步。")
    parts.append(
        f"全年新收政府信息公开申请{received}件，办结{finished}件，均依法按时答复。"
        if received or finished
        else "全年未收到政府信息公开申请。"
    )
    parts.append("（请补充：政府信息管理、平台建设、监督保障及教育培训等情况。）")
    return "".join(parts)
