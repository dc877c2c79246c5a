"""Changes to annual reports and the review/litigation register. Each is one transaction with
one audit record; permissions are checked here (the 公开办 for the government's report and
for every unit's; a unit's reviewer for the unit's own)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.catalog.models import Column
from gongkai.catalog.services import items as catalog_items
from gongkai.core.audit import audit_record, changes
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.uploads import CheckedUpload
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, check_perm, has_perm

from .annual import document, tables
from .models import AnnualReport, ReviewCase

EDITABLE = (
    "section_one",
    "section_five",
    "section_six",
    "licensing",
    "penalty",
    "enforcement",
    "fees",
)


def can_edit(user, unit: Unit | None) -> bool:
    """The 公开办 edits every report; a unit's liaison and reviewer (EDIT) their unit's."""
    if has_perm(user, Action.COORDINATE):
        return True
    return unit is not None and has_perm(user, Action.EDIT, unit)


def can_publish(user, unit: Unit | None) -> bool:
    """Publishing submits and approves a catalog item in one go: the 公开办, or a user who may
    both submit and approve for the unit."""
    if has_perm(user, Action.COORDINATE):
        return True
    return (
        unit is not None
        and has_perm(user, Action.SUBMIT, unit)
        and has_perm(user, Action.APPROVE, unit)
    )


def _require_edit(user, unit: Unit | None) -> None:
    if not can_edit(user, unit):
        raise PermissionDenied()


def _check_year(year: int) -> int:
    year = int(year)
    if not 2008 <= year <= timezone.localdate().year:
        raise ValidationFailed("年度应为2008年（《政府信息公开条例》施行）至今年之间")
    return year


@transaction.atomic
def annual_get_or_create(*, actor, year: int, unit: Unit | None = None) -> AnnualReport:
    """The body's report for the year, created as a draft (with section 一 drafted from live
    figures and the figures to enter left empty) when there is none."""
    _require_edit(actor, unit)
    year = _check_year(year)
    report = AnnualReport.objects.filter(year=year, unit=unit).first()
    if report is not None:
        return report
    report = AnnualReport(year=year, unit=unit, updated_by=actor)
    report.section_one = tables.section_one_draft(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # created meanwhile by someone else
        return AnnualReport.objects.get(year=year, unit=unit)
    audit_record(
        actor=actor,
        action="report.annual_create",
        obj=report,
        unit=unit,
        summary=f"新建{report}（草稿）",
    )
    return report


@transaction.atomic
def annual_update(
    *, actor, report: AnnualReport, expected_version: int | None = None, **fields
) -> AnnualReport:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed("不能修改这些字段：" + "、".join(sorted(unknown)))
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require_edit(actor, report.unit)
    if expected_version is not None and report.version != expected_version:
        raise ValidationFailed("报告已被他人修改，请刷新页面后重新编辑")
    if report.status == AnnualReport.Status.PUBLISHED:
        raise ValidationFailed("报告已发布，不能再修改")
    for key in ("licensing", "penalty", "enforcement"):
        if fields.get(key) is not None and int(fields[key]) < 0:
            raise ValidationFailed("处理决定数量不能为负数")
    if fields.get("fees") is not None and Decimal(fields["fees"]) < 0:
        raise ValidationFailed("收费金额不能为负数")
    before = changes(report, list(fields))
    for key, value in fields.items():
        setattr(report, key, value.strip() if isinstance(value, str) else value)
    report.version += 1
    report.updated_by = actor
    report.save()
    audit_record(
        actor=actor,
        action="report.annual_update",
        obj=report,
        unit=report.unit,
        summary=f"修改{report}",
        before=before,
        after=changes(report, list(fields)),
    )
    return report


def annual_column() -> Column:
    column = (
        Column.objects.filter(kind=Column.Kind.ANNUAL_REPORT, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )
    if column is None:
        raise ValidationFailed("公开目录中还没有“年度报告”类型的栏目，请先在“公开目录”中新建")
    return column


def _publishing_unit(report: AnnualReport, column: Column) -> Unit:
    if report.unit_id:
        return report.unit
    unit = column.units.filter(is_active=True).order_by("sort_order", "pk").first()
    if unit is None:
        raise ValidationFailed(f"请先为“{column.name}”栏目指定维护单位，由其发布本级政府年报")
    return unit


@transaction.atomic
def annual_publish(*, actor, report: AnnualReport) -> AnnualReport:
    """Publish the report into the 年度报告 column: refused while any check fails or a text
    section is empty. The page carries the report as HTML and its DOCX as an attachment."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not can_publish(actor, report.unit):
        raise PermissionDenied()
    if report.status == AnnualReport.Status.PUBLISHED:
        raise ValidationFailed("报告已发布")
    data = tables.build(report)
    failed = [c for c in data.checks if not c.ok]
    if failed:
        raise ValidationFailed(
            "报告未通过校验，不能发布：" + "；".join(f"{c.name}（{c.detail}）" for c in failed)
        )
    empty = [
        label
        for label, text in (
            ("一、总体情况", report.section_one),
            ("五、存在的主要问题及改进情况", report.section_five),
        )
        if not text.strip()
    ]
    if empty:
        raise ValidationFailed("请先填写：" + "、".join(empty))
    column = annual_column()
    unit = _publishing_unit(report, column)
    check_perm(actor, Action.APPROVE, unit)
    docx = document.annual_docx(report, data)
    upload = CheckedUpload(
        name=f"{report}.docx",
        data=docx,
        kind="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(docx),
        sha256=hashlib.sha256(docx).hexdigest(),
    )
    item = catalog_items.item_create(
        actor=actor,
        unit=unit,
        column=column,
        title=str(report),
        body=document.annual_html(report, data),
        publisher_name=report.body_name,
        written_date=timezone.localdate(),
        uploads=[upload],
    )
    item = catalog_items.item_submit(actor=actor, item=item)
    item = catalog_items.item_approve(actor=actor, item=item, publish=True)
    report.status = AnnualReport.Status.PUBLISHED
    report.item = item
    report.published_at = timezone.now()
    report.version += 1
    report.save(update_fields=["status", "item", "published_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="report.annual_publish",
        obj=report,
        unit=report.unit,
        summary=f"发布{report}（索引号 {item.index_number}）",
        after={"item": item.pk},
    )
    return report


# -- the register of review and litigation cases (section 四) -----------------------------


def _clean_case(unit: Unit, kind: str, outcome: str, filed: dt.date, decided) -> None:
    if kind not in ReviewCase.Kind.values:
        raise ValidationFailed("请选择案件类型")
    if outcome not in ReviewCase.Outcome.values:
        raise ValidationFailed("请选择案件结果")
    if filed > timezone.localdate():
        raise ValidationFailed("受理日期不能晚于今天")
    if outcome == ReviewCase.Outcome.PENDING and decided is not None:
        raise ValidationFailed("尚未审结的案件不应填写审结日期")
    if outcome != ReviewCase.Outcome.PENDING and decided is None:
        raise ValidationFailed("已审结的案件请填写审结日期")
    if decided is not None and decided < filed:
        raise ValidationFailed("审结日期不能早于受理日期")


@transaction.atomic
def case_create(
    *,
    actor,
    unit: Unit,
    kind: str,
    filed_date: dt.date,
    outcome: str = ReviewCase.Outcome.PENDING,
    decided_date: dt.date | None = None,
    case_number: str = "",
    application=None,
    note: str = "",
) -> ReviewCase:
    _require_edit(actor, unit)
    _clean_case(unit, kind, outcome, filed_date, decided_date)
    if application is not None and application.unit_id not in (None, unit.pk):
        raise ValidationFailed("所选申请不属于该单位")
    case = ReviewCase.objects.create(
        unit=unit,
        kind=kind,
        filed_date=filed_date,
        outcome=outcome,
        decided_date=decided_date,
        case_number=case_number.strip(),
        application=application,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="report.case_create",
        obj=case,
        unit=unit,
        summary=f"登记{case.get_kind_display()}案件（{case.get_outcome_display()}）",
    )
    return case


@transaction.atomic
def case_update(
    *, actor, case: ReviewCase, outcome: str, decided_date: dt.date | None, note: str = ""
) -> ReviewCase:
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    _require_edit(actor, case.unit)
    _clean_case(case.unit, case.kind, outcome, case.filed_date, decided_date)
    before = changes(case, ["outcome", "decided_date", "note"])
    case.outcome, case.decided_date, case.note = outcome, decided_date, note.strip()
    case.save(update_fields=["outcome", "decided_date", "note"])
    audit_record(
        actor=actor,
        action="report.case_update",
        obj=case,
        unit=case.unit,
        summary=f"更新案件结果：{case.get_outcome_display()}",
        before=before,
        after=changes(case, ["outcome", "decided_date", "note"]),
    )
    return case


# -- evaluation: the scheme and manual adjustments -----------------------------------------


@transaction.atomic
def weights_update(*, actor, weights: dict[str, tuple[int, bool]]) -> None:
    """Set each indicator's weight and whether it counts; the counted weights add up to 100."""
    from .models import EvaluationWeight, Indicator

    check_perm(actor, Action.COORDINATE)
    rows = {w.indicator: w for w in EvaluationWeight.objects.select_for_update()}
    total = sum(weight for weight, active in weights.values() if active)
    if total != 100:
        raise ValidationFailed(f"计入考评的指标分值合计应为100，现为{total}")
    before = {k: (w.weight, w.is_active) for k, w in rows.items()}
    for order, (indicator, (weight, active)) in enumerate(weights.items()):
        if indicator not in Indicator.values:
            raise ValidationFailed(f"未知的考评指标：{indicator}")
        if not 0 <= int(weight) <= 100:
            raise ValidationFailed("分值应在0到100之间")
        row = rows.get(indicator) or EvaluationWeight(indicator=indicator, sort_order=order)
        row.weight, row.is_active = int(weight), bool(active)
        row.save()
    audit_record(
        actor=actor,
        action="report.evaluation_weights",
        obj=None,
        summary="修改考评指标分值：" + "，".join(f"{k} {w}" for k, (w, a) in weights.items() if a),
        before={k: list(v) for k, v in before.items()},
        after={k: [int(w), bool(a)] for k, (w, a) in weights.items()},
    )


@transaction.atomic
def evaluation_adjust(*, actor, period: str, unit: Unit, indicator: str, points, reason: str):
    """A manual adjustment of a unit's score on one indicator for a period (公开办 only)."""
    from .models import EvaluationAdjustment, Indicator
    from .periods import parse_period

    check_perm(actor, Action.COORDINATE)
    key = parse_period(period).key
    if indicator not in Indicator.values:
        raise ValidationFailed("请选择考评指标")
    points = Decimal(str(points))
    if points == 0 or abs(points) > 100:
        raise ValidationFailed("加减分应为非零数，绝对值不超过100")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写调整理由")
    adjustment = EvaluationAdjustment.objects.create(
        period=key,
        unit=unit,
        indicator=indicator,
        points=points,
        reason=reason[:300],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="report.evaluation_adjust",
        obj=adjustment,
        unit=unit,
        summary=f"考评人工调整：{unit} {adjustment.get_indicator_display()} {points:+}（{reason[:60]}）",
    )
    return adjustment
