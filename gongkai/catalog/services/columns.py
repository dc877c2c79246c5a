"""Maintaining the catalog's columns (栏目): only the 公开办 (Action.COORDINATE).

A column's code is a unique slug used in portal addresses; a column cannot be placed under itself
or under one of its own descendants. Every change is one transaction with one audit record.
"""

from __future__ import annotations

import re

from django.db import transaction

from gongkai.core.audit import audit_record, changes
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from .. import events
from ..models import RESERVED_COLUMN_CODES, Column

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FIELDS = (
    "code",
    "name",
    "kind",
    "parent",
    "description",
    "stale_after_days",
    "sort_order",
    "is_active",
)
_AUDITED = (*FIELDS, "units")


def _clean(data: dict, *, column: Column | None) -> dict:
    out = dict(data)
    if "code" in out:
        code = (out["code"] or "").strip().lower()
        if not code:
            raise ValidationFailed("请填写栏目代码")
        if len(code) > 60 or not CODE_RE.match(code):
            raise ValidationFailed(
                "栏目代码只能使用小写字母、数字、连字符和下划线，且不超过60个字符"
            )
        if code in RESERVED_COLUMN_CODES:
            raise ValidationFailed(f"栏目代码“{code}”是门户的保留地址，请换一个")
        clash = Column.objects.filter(code__iexact=code)
        if column is not None:
            clash = clash.exclude(pk=column.pk)
        if clash.exists():
            raise ValidationFailed(f"栏目代码“{code}”已被使用")
        out["code"] = code
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise ValidationFailed("请填写栏目名称")
        if len(out["name"]) > 100:
            raise ValidationFailed("栏目名称不能超过100字")
    if "kind" in out and out["kind"] not in Column.Kind.values:
        raise ValidationFailed("栏目类型不正确")
    if "description" in out:
        out["description"] = (out["description"] or "").strip()
    if out.get("stale_after_days") is not None and out["stale_after_days"] < 1:
        raise ValidationFailed("更新周期至少为1天")
    parent = out.get("parent")
    if parent is not None and column is not None:
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == column.pk:
                raise ValidationFailed("上级栏目不能是本栏目或其下级栏目")
            seen.add(node.pk)
            node = node.parent
    return out


def _snapshot(column: Column) -> dict:
    data = changes(column, list(FIELDS))
    data["units"] = sorted(column.units.values_list("pk", flat=True))
    return data


@transaction.atomic
def column_create(
    *, actor, code: str, name: str, kind: str = Column.Kind.OTHER, units=(), **fields
) -> Column:
    check_perm(actor, Action.COORDINATE)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationFailed("不能设置这些字段：" + "、".join(sorted(unknown)))
    data = _clean({"code": code, "name": name, "kind": kind, **fields}, column=None)
    column = Column.objects.create(**data)
    column.units.set(list(units or ()))
    audit_record(
        actor=actor,
        action="column.create",
        obj=column,
        unit=None,
        summary=f"新建栏目：{column.name}（{column.code}）",
        after=_snapshot(column),
    )
    transaction.on_commit(events.columns_changed)
    return column


@transaction.atomic
def column_update(*, actor, column: Column, units=None, **fields) -> Column:
    check_perm(actor, Action.COORDINATE)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationFailed("不能修改这些字段：" + "、".join(sorted(unknown)))
    column = Column.objects.select_for_update().get(pk=column.pk)
    data = _clean(fields, column=column)
    before = _snapshot(column)
    for key, value in data.items():
        setattr(column, key, value)
    column.save()
    if units is not None:
        column.units.set(list(units))
    after = _snapshot(column)
    changed = {k for k in _AUDITED if before.get(k) != after.get(k)}
    audit_record(
        actor=actor,
        action="column.update",
        obj=column,
        unit=None,
        summary=f"修改栏目：{column.name}（{column.code}）",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    transaction.on_commit(events.columns_changed)
    return column
