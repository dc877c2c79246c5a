"""Datasets and their fields."""

from __future__ import annotations

import re

from django.db import transaction

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from ..models import Dataset, Field, FieldType, PeriodKind

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def _clean_fields(fields: list[dict]) -> list[dict]:
    if not fields:
        raise ValidationFailed("数据集至少需要一个字段")
    seen: set[str] = set()
    out = []
    for n, spec in enumerate(fields):
        name = str(spec.get("name", "")).strip()
        label = str(spec.get("label", "")).strip()
        kind = spec.get("type", FieldType.TEXT)
        if not _NAME.match(name):
            raise ValidationFailed(
                f"第{n + 1}个字段的字段名“{name}”无效（小写字母开头，字母数字下划线）"
            )
        if name in seen:
            raise ValidationFailed(f"字段名“{name}”重复")
        if not label:
            raise ValidationFailed(f"字段“{name}”缺少显示名称")
        if kind not in FieldType.values:
            raise ValidationFailed(f"字段“{label}”的类型“{kind}”无效")
        choices = [str(c) for c in spec.get("choices") or []]
        if kind == FieldType.ENUM and not choices:
            raise ValidationFailed(f"枚举字段“{label}”需要可选值")
        seen.add(name)
        out.append(
            {
                "name": name,
                "label": label,
                "type": kind,
                "unit": str(spec.get("unit", "")),
                "required": bool(spec.get("required", False)),
                "choices": choices,
                "rules": dict(spec.get("rules") or {}),
            }
        )
    return out


@transaction.atomic
def dataset_create(
    *,
    actor,
    slug: str,
    title: str,
    unit,
    fields: list[dict],
    period_kind: str = PeriodKind.MONTHLY,
    description: str = "",
    column=None,
    plan_item=None,
    chart: dict | None = None,
    is_builtin: bool = False,
    deadline_workdays: int | None = None,
    deadline_field: str = "",
) -> Dataset:
    """A new dataset with its schema (公开办 only)."""
    if actor is not None:
        check_perm(actor, Action.COORDINATE)
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,59}$", slug or ""):
        raise ValidationFailed("标识只能包含小写字母、数字和连字符")
    if Dataset.objects.filter(slug=slug).exists():
        raise ValidationFailed(f"标识“{slug}”已被使用")
    if period_kind not in PeriodKind.values:
        raise ValidationFailed("数据周期无效")
    clean = _clean_fields(fields)
    if deadline_workdays and not any(
        f["name"] == deadline_field and f["type"] == FieldType.DATE for f in clean
    ):
        raise ValidationFailed("公示时限须按一个日期字段起算")
    dataset = Dataset.objects.create(
        slug=slug,
        title=title.strip(),
        unit=unit,
        description=description,
        column=column,
        plan_item=plan_item,
        period_kind=period_kind,
        chart=chart or {},
        is_builtin=is_builtin,
        deadline_workdays=deadline_workdays or None,
        deadline_field=deadline_field if deadline_workdays else "",
    )
    Field.objects.bulk_create(
        Field(dataset=dataset, position=n, **spec) for n, spec in enumerate(clean)
    )
    audit_record(
        actor=actor,
        action="datasets.dataset_create",
        obj=dataset,
        unit=unit,
        summary=f"新建数据集：{dataset.title}（{slug}，{len(clean)}个字段）",
        after={"slug": slug, "fields": [f["name"] for f in clean]},
    )
    return dataset


@transaction.atomic
def dataset_update(
    *, actor, dataset: Dataset, unit=None, column=None, plan_item=None, description=None
) -> Dataset:
    """Owner unit, catalogue column, bound plan item, description (公开办 only)."""
    check_perm(actor, Action.COORDINATE)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    before = {
        "unit": dataset.unit_id,
        "column": dataset.column_id,
        "plan_item": dataset.plan_item_id,
    }
    if unit is not None:
        dataset.unit = unit
    dataset.column = column
    dataset.plan_item = plan_item
    if description is not None:
        dataset.description = description
    dataset.save()
    audit_record(
        actor=actor,
        action="datasets.dataset_update",
        obj=dataset,
        summary=f"修改数据集设置：{dataset.title}",
        before=before,
        after={
            "unit": dataset.unit_id,
            "column": dataset.column_id,
            "plan_item": dataset.plan_item_id,
        },
    )
    return dataset


def parse_field_lines(text: str) -> list[dict]:
    """Fields written one per line as ``字段名|显示名称|类型|计量单位|必填|可选值`` (the last three
    optional; 类型 by code or Chinese label, e.g. ``decimal`` or ``数值``; 必填 as 是/必填/1;
    可选值 separated by 、 or /). Raises ValidationFailed naming the line."""
    by_label = {str(label): value for value, label in FieldType.choices}
    fields = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        parts += [""] * (6 - len(parts))
        name, label, kind, unit, required, choices = parts[:6]
        kind = by_label.get(kind, kind or FieldType.TEXT)
        if kind not in FieldType.values:
            raise ValidationFailed(f"第{number}行：类型“{parts[2]}”无效")
        fields.append(
            {
                "name": name,
                "label": label,
                "type": kind,
                "unit": unit,
                "required": required in ("是", "必填", "1", "true", "yes", "Y", "y"),
                "choices": [c.strip() for c in re.split(r"[、/]", choices) if c.strip()],
            }
        )
    return fields
