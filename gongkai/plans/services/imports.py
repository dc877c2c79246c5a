"""Importing a plan document: prepare (parse and keep for review) → confirm (one transaction),
and copying a plan to a new year. Confirm and copy return what they did (`PlanImportResult`,
`PlanCopyResult`), tell the coordinators and the units that received tasks, and own every write
of the change — the unit names the coordinator mapped included (`UnitChoice`)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.orgs.models import Role, Unit, UnitGroup
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications
from ..models import ItemUnit, Plan, PlanImport, PlanItem, ScheduleRule, Task
from ..parsing import PlanParseError, parse_file
from ..schedule import check_effective_from, clean_rule, default_effective_from
from .ledger import _generate, _set_item_units, create_item_units

#: `plan_import_confirm(effective_from=DEFAULT)`: the plan starts on the confirm date when
#: that falls in the plan year, else on 1 January (`schedule.default_effective_from`).
DEFAULT = object()


@dataclass(frozen=True)
class UnitChoice:
    """The coordinator's decision on a unit name the import did not recognise: map it to an
    existing unit (`unit_id`) or a unit group (`group_id`: 各单位 → each member gets the task),
    optionally remembering the name as an alias of either; create a new unit (`new_name`); or —
    none given — ignore the name."""

    name: str
    unit_id: int | None = None
    remember_alias: bool = False
    new_name: str = ""
    new_short_name: str = ""
    group_id: int | None = None


@dataclass(frozen=True)
class PlanImportResult:
    """What `plan_import_confirm` did. `items`: the plan's task items after the import;
    `added` / `changed` / `removed`: items, for a re-import (`replaced`)."""

    plan: Plan
    items: int
    tasks_created: int
    tasks_by_unit: dict[int, int] = field(default_factory=dict)
    replaced: bool = False
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass(frozen=True)
class PlanCopyResult:
    plan: Plan
    items: int
    tasks_created: int
    tasks_by_unit: dict[int, int] = field(default_factory=dict)


def max_upload_bytes() -> int:
    return int(settings.PLANS_MAX_UPLOAD_BYTES)


def parse_upload(data: bytes, *, filename: str = "", known_units=()) -> dict[str, Any]:
    """Parse uploaded bytes into the JSON kept on a PlanImport (items, warnings, sections)."""
    if not data or not data.strip():
        raise ValidationFailed("文件是空的，没有可导入的内容")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationFailed(
            f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {limit // 1048576} MB"
        )
    suffix = os.path.splitext(filename)[1][:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        try:
            result = parse_file(handle.name, known_units=known_units)
        except PlanParseError as exc:
            raise ValidationFailed(str(exc)) from None
    if not result.items:
        raise ValidationFailed("没有识别出任何任务条目，请检查文件内容和格式")
    parsed = result.to_dict()
    parsed["sections"] = [{"path": list(s.path), "title": s.title} for s in result.sections]
    return parsed


def plan_content_counts(parsed: dict[str, Any]) -> dict[str, int]:
    """What the parser found: items (paragraphs read as items), items without any unit name,
    items without any timing phrase, and the totals of unit names and timing phrases."""
    items = parsed.get("items") or []
    names = {n for i in items for n in (*i.get("lead_units", []), *i.get("units", []))}
    return {
        "items": len(items),
        "no_units": sum(1 for i in items if not (i.get("lead_units") or i.get("units"))),
        "no_timing": sum(1 for i in items if not i.get("timing")),
        "units": len(names),
        "timing": sum(len(i.get("timing") or []) for i in items),
    }


def check_is_plan(parsed: dict[str, Any]) -> None:
    """Refuse a document in which no item has a unit or a timing phrase: that is no work plan
    (a notice, a letter), and importing it would make a ledger of nothing but year-end rows."""
    counts = plan_content_counts(parsed)
    if counts["units"] == 0 and counts["timing"] == 0:
        raise ValidationFailed(
            f"这份文件不像工作方案：共识别出 {counts['items']} 段文字，"
            "其中 0 个责任单位、0 个时限表述，无法生成台账。"
            "请检查是否上传了正确的分工方案（应写明每项任务的责任单位和完成时限）。"
        )


def _known_unit_names() -> list[str]:
    names: list[str] = []
    for unit in Unit.objects.filter(is_active=True):
        names.extend(unit.all_names())
    return names


@transaction.atomic
def plan_import_prepare(
    *, actor, data: bytes, filename: str, title: str, year: int, replaces: Plan | None = None
) -> PlanImport:
    check_perm(actor, Action.COORDINATE)
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度应为2000到2100之间的年份")
    parsed = parse_upload(data, filename=filename, known_units=_known_unit_names())
    check_is_plan(parsed)
    title = (
        (title or "").strip()
        or os.path.splitext(os.path.basename(filename))[0]
        or f"{year}年工作方案"
    )
    imp = PlanImport.objects.create(
        title=title[:200],
        year=year,
        source_name=os.path.basename(filename)[:255],
        source_sha256=hashlib.sha256(data).hexdigest(),
        parsed=parsed,
        replaces=replaces,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="plan.import_prepare",
        obj=imp,
        summary=f"上传方案 {imp.source_name}：识别任务 {len(parsed['items'])} 条",
    )
    return imp


@transaction.atomic
def plan_import_discard(*, actor, plan_import: PlanImport) -> None:
    check_perm(actor, Action.COORDINATE)
    imp = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if imp.status != PlanImport.Status.PENDING:
        raise ValidationFailed("该导入已处理")
    imp.status = PlanImport.Status.DISCARDED
    imp.save(update_fields=["status"])
    audit_record(actor=actor, action="plan.import_discard", obj=imp, summary="放弃导入")


@dataclass(frozen=True)
class Target:
    """What a unit name as written resolves to: units, and the group they came from."""

    unit_ids: tuple[int, ...] = ()
    group_id: int | None = None


def _unit_roles(item: dict, resolve: dict[str, Target]) -> list[tuple[int, str, str, int | None]]:
    """[(unit id, role, name as written, group id)] for an item, lead units first. A group name
    gives a row per member; a unit named both alone and through a group keeps its own row."""
    leads = item.get("lead_units") or []
    names = list(dict.fromkeys([*leads, *(item.get("units") or [])]))
    # single units first, so that "区财政局牵头，各单位配合" keeps 区财政局 as the lead
    names.sort(key=lambda n: resolve.get(n, Target()).group_id is not None)
    out: list[tuple[int, str, str, int | None]] = []
    seen: set[int] = set()
    for name in names:
        target = resolve.get(name, Target())
        for unit_id in target.unit_ids:
            if unit_id in seen:
                continue
            seen.add(unit_id)
            if name in leads:
                role = ItemUnit.Role.LEAD
            elif leads:
                role = ItemUnit.Role.COOPERATING
            else:
                role = ItemUnit.Role.RESPONSIBLE
            out.append((unit_id, role, name, target.group_id))
    order = {ItemUnit.Role.LEAD: 0}
    out.sort(key=lambda row: order.get(row[1], 1))
    return out


def effective_timing(item: dict) -> list[dict]:
    """The item's effective rule set as [{"phrase", "rule"}]: the parser's `rules` (an explicit
    time wins over timing words in the text; no two rules for the same periods), each paired
    with the first phrase that gave it. Imports parsed before the parser chose an effective set
    (no "rules" key) keep one rule per phrase."""
    timing = item.get("timing") or []
    if "rules" not in item:
        return timing

    def same(a: dict, b: dict) -> bool:
        return {k: v for k, v in a.items() if k != "label"} == {
            k: v for k, v in b.items() if k != "label"
        }

    out = []
    for rule in item.get("rules") or []:
        phrase = next((t.get("phrase", "") for t in timing if same(t.get("rule") or {}, rule)), "")
        out.append({"phrase": phrase, "rule": rule})
    return out


def _item_rules(index: int, item: dict, overrides: dict) -> list[tuple[str, str, dict]]:
    """[(phrase, kind, params)] after the coordinator's adjustments.

    overrides: {(item index, rule index): rule dict or None to drop} and
    {(item index, "new"): [rule dicts]} for rules added before import."""
    rules = []
    for r_index, timing in enumerate(effective_timing(item)):
        rule = overrides.get((index, r_index), timing["rule"])
        if rule is None:
            continue
        kind, params = clean_rule(rule)
        rules.append((timing.get("phrase", ""), kind, params))
    for rule in overrides.get((index, "new"), []):
        kind, params = clean_rule(rule)
        rules.append(("", kind, params))
    return rules


def _rule_flags(index: int, item: dict, overrides: dict) -> list[bool]:
    """Per rule of `_item_rules(index, item, overrides)`: did the coordinator adjust or add it?"""
    flags = [
        (index, r_index) in overrides
        for r_index in range(len(effective_timing(item)))
        if overrides.get((index, r_index), True) is not None
    ]
    return flags + [True] * len(overrides.get((index, "new"), []))


def _create_items(plan: Plan, parsed: dict, resolve: dict[str, Target], overrides: dict) -> None:
    """Create the plan's tree: headings as needed (reusing the plan's existing ones, for a
    re-import) and one task item per parsed item, with its units and rules."""
    headings = {_key(i.path): i for i in plan.items.filter(is_task=False)}
    sections = {tuple(s["path"]): s["title"] for s in parsed.get("sections", [])}
    position = plan.items.order_by("-position").values_list("position", flat=True).first() or 0
    for index, data in enumerate(parsed["items"]):
        path = tuple(data["path"])
        parent = None
        # a heading that holds its text directly (the seed's 六、) keeps its own title: it
        # becomes a heading node with the task item below it
        own_heading = 1 if path in sections else 0
        for depth in range(1, len(path) + own_heading):
            prefix = path[:depth]
            if prefix not in headings:
                position += 1
                headings[prefix] = PlanItem.objects.create(
                    plan=plan,
                    parent=parent,
                    is_task=False,
                    path=list(prefix),
                    position=position,
                    title=sections.get(prefix, "")[:500] or " ".join(prefix),
                )
            parent = headings[prefix]
        position += 1
        item = PlanItem.objects.create(
            plan=plan,
            parent=parent,
            is_task=True,
            path=list(path),
            position=position,
            title=data["title"][:500],
            text=data.get("text", ""),
            source=data.get("source", {}),
        )
        create_item_units(item, _unit_roles(data, resolve))
        flags = _rule_flags(index, data, overrides)
        ScheduleRule.objects.bulk_create(
            ScheduleRule(
                item=item,
                phrase=phrase[:200],
                kind=kind,
                params=params,
                position=n,
                changed_by_coordinator=flags[n],
            )
            for n, (phrase, kind, params) in enumerate(_item_rules(index, data, overrides))
        )


def _group_target(group: UnitGroup) -> Target:
    return Target(tuple(group.member_units().values_list("pk", flat=True)), group.pk)


def _resolve_units(
    parsed: dict, unit_map: dict[str, int | None], group_map: dict[str, int] | None = None
) -> dict[str, Target]:
    """{name as written: Target} for every unit name of the plan. The coordinator's choices
    (`unit_map`: name → unit id or None to ignore; `group_map`: name → group id) come first;
    other names resolve by unit names and aliases, then by unit group names and aliases."""
    from gongkai.orgs.selectors import unit_target_match

    group_map = group_map or {}
    names = []
    for item in parsed["items"]:
        names.extend([*item.get("lead_units", []), *item.get("units", [])])
    resolve: dict[str, Target] = {}
    missing = []
    active = set(Unit.objects.filter(is_active=True).values_list("pk", flat=True))
    for name in dict.fromkeys(names):
        if name in group_map:
            group = UnitGroup.objects.filter(pk=group_map[name]).first()
            if group is None:
                raise ValidationFailed(f"“{name}”对应的单位组不存在")
            resolve[name] = _group_target(group)
            continue
        if name in unit_map:
            chosen = unit_map[name]
            if chosen is not None and chosen not in active:
                raise ValidationFailed(f"“{name}”对应的单位不存在或已停用")
            resolve[name] = Target((chosen,) if chosen is not None else ())
            continue
        match = unit_target_match(name=name)
        if match is None:
            missing.append(name)
        elif isinstance(match, UnitGroup):
            resolve[name] = _group_target(match)
        else:
            resolve[name] = Target((match.pk,))
    if missing:
        raise ValidationFailed("以下单位名称尚未对应到已登记的单位：" + "、".join(missing))
    return resolve


def _apply_unit_choices(
    actor, choices: Iterable[UnitChoice]
) -> tuple[dict[str, int | None], dict[str, int]]:
    """Create the units and record the aliases the coordinator chose (through the orgs
    services, each with its audit record); returns ({name as written: unit id or None},
    {name as written: group id})."""
    from gongkai.orgs import services as org_services

    unit_map: dict[str, int | None] = {}
    group_map: dict[str, int] = {}
    for choice in choices:
        if choice.group_id is not None:
            group = UnitGroup.objects.filter(pk=choice.group_id).first()
            if group is None:
                raise ValidationFailed(f"“{choice.name}”对应的单位组不存在")
            if choice.remember_alias:
                org_services.unit_group_add_alias(actor=actor, group=group, alias=choice.name)
            group_map[choice.name] = group.pk
        elif choice.new_name.strip():
            name = choice.new_name.strip()
            short_name = choice.new_short_name.strip()
            aliases = [choice.name] if choice.name not in (name, short_name) else []
            unit = org_services.unit_create(
                actor=actor, name=name, short_name=short_name, aliases=aliases
            )
            unit_map[choice.name] = unit.pk
        elif choice.unit_id is not None:
            unit = Unit.objects.filter(pk=choice.unit_id, is_active=True).first()
            if unit is None:
                raise ValidationFailed(f"“{choice.name}”对应的单位不存在或已停用")
            if choice.remember_alias and choice.name not in unit.all_names():
                org_services.unit_update(
                    actor=actor, unit=unit, aliases=[*unit.aliases, choice.name]
                )
            unit_map[choice.name] = unit.pk
        else:
            unit_map[choice.name] = None
    return unit_map, group_map


@transaction.atomic
def plan_import_confirm(
    *,
    actor,
    plan_import: PlanImport,
    unit_map: dict[str, int | None] | None = None,
    unit_choices: Iterable[UnitChoice] = (),
    rule_overrides: dict | None = None,
    effective_from: Any = DEFAULT,
    group_map: dict[str, int] | None = None,
) -> PlanImportResult:
    """Create the plan, its tree, units, rules and the year's ledger in one transaction, and
    tell the coordinators and each unit that received tasks.

    unit_map maps names as written to unit ids (None: ignore that name), group_map to unit
    groups (each member gets the item's tasks); unit_choices are the
    coordinator's decisions on unrecognised names (new units and aliases are created in this
    transaction, so a refused import leaves none behind). effective_from: the plan's 生效日期
    (a date in the plan year, None for 1 January, DEFAULT for the confirm date — see
    `schedule.default_effective_from`); no period due before it is generated. A re-import
    (`plan_import.replaces`) updates that plan instead and keeps its effective-from date: see
    `_apply_reimport`."""
    check_perm(actor, Action.COORDINATE)
    group_map_arg = group_map
    imp = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if imp.status != PlanImport.Status.PENDING:
        raise ValidationFailed("该导入已处理，请勿重复提交")
    check_is_plan(imp.parsed)
    if effective_from is DEFAULT:
        effective_from = default_effective_from(imp.year, timezone.localdate())
    check_effective_from(effective_from, imp.year)
    overrides = rule_overrides or {}
    chosen_units, group_map = _apply_unit_choices(actor, unit_choices)
    unit_map = {**(unit_map or {}), **chosen_units}
    group_map = {**(group_map_arg or {}), **group_map}
    resolve = _resolve_units(imp.parsed, unit_map, group_map)
    per_unit: Counter = Counter()
    if imp.replaces_id:
        plan, counts = _apply_reimport(imp, resolve, overrides, per_unit)
        created = counts["created"]
        summary = (
            f"更新方案：新增 {counts['added']} 条，修改 {counts['changed']} 条，"
            f"移除 {counts['removed']} 条，新建台账任务 {created} 条"
        )
    else:
        counts = {}
        plan = Plan.objects.create(
            title=imp.title,
            year=imp.year,
            effective_from=effective_from,
            source_name=imp.source_name,
            source_sha256=imp.source_sha256,
            created_by=actor,
        )
        _create_items(plan, imp.parsed, resolve, overrides)
        created = _generate(plan, per_unit=per_unit)
        summary = f"导入方案：任务条目 {len(imp.parsed['items'])} 条，台账任务 {created} 条"
    imp.status = PlanImport.Status.CONFIRMED
    imp.plan = plan
    imp.save(update_fields=["status", "plan"])
    audit_record(
        actor=actor,
        action="plan.import",
        obj=plan,
        summary=summary,
        after={"import": imp.pk, "items": len(imp.parsed["items"])},
    )
    result = PlanImportResult(
        plan=plan,
        items=plan.items.filter(is_task=True, is_removed=False).count(),
        tasks_created=created,
        tasks_by_unit=dict(per_unit),
        replaced=bool(imp.replaces_id),
        added=counts.get("added", 0),
        changed=counts.get("changed", 0),
        removed=counts.get("removed", 0),
    )
    verb = "工作方案已更新" if result.replaced else "工作方案已导入"
    _notify_plan(actor, plan, verb, summary, result.tasks_by_unit)
    return result


@transaction.atomic
def plan_import_file(
    *,
    actor,
    data: bytes,
    filename: str,
    title: str,
    year: int,
    unit_map: dict[str, int | None] | None = None,
    effective_from: Any = DEFAULT,
    group_map: dict[str, int] | None = None,
) -> PlanImportResult:
    """Prepare and confirm in one go (the command line): nothing is kept when it fails."""
    imp = plan_import_prepare(actor=actor, data=data, filename=filename, title=title, year=year)
    return plan_import_confirm(
        actor=actor,
        plan_import=imp,
        unit_map=unit_map,
        group_map=group_map,
        effective_from=effective_from,
    )


def _notify_plan(actor, plan: Plan, verb: str, summary: str, tasks_by_unit: dict) -> None:
    """The other coordinators learn of the plan; each unit's liaisons of their new tasks."""
    name = Truncator(plan.title).chars(40)
    notify(
        kind=notifications.IMPORT_CONFIRMED,
        users=coordinators(),
        title=f"{verb}：{name}",
        body=summary,
        url=reverse("plans:plan_detail", args=[plan.pk]),
        actor=actor,
    )
    task_list = reverse("plans:task_list")
    for unit in Unit.objects.filter(pk__in=[u for u, n in tasks_by_unit.items() if n]):
        notify(
            kind=notifications.IMPORT_CONFIRMED,
            users=unit_staff(unit, roles=(Role.LIAISON,)),
            title=f"新的工作任务已下达：{tasks_by_unit[unit.pk]}项",
            body=f"{plan.title}（{unit.name}）",
            url=f"{task_list}?plan={plan.pk}&unit={unit.pk}&status=",
            actor=actor,
        )


def _key(path) -> tuple:
    return tuple(path)


def _apply_reimport(
    imp: PlanImport, resolve, overrides, per_unit: Counter
) -> tuple[Plan, dict[str, int]]:
    """Update the replaced plan: new items are added, removed items marked removed (their
    untouched tasks deleted), changed items updated; tasks already worked on are kept.
    Returns the plan and the counts: added, changed, removed (items) and created (tasks)."""
    plan = Plan.objects.select_for_update().get(pk=imp.replaces_id)
    old = {_key(i.path): i for i in plan.items.filter(is_task=True, is_removed=False)}
    new_items = {_key(d["path"]): (n, d) for n, d in enumerate(imp.parsed["items"])}
    added = [k for k in new_items if k not in old]
    removed = [k for k in old if k not in new_items]
    changed = 0
    for key, item in old.items():
        if key in removed:
            item.is_removed = True
            item.save(update_fields=["is_removed"])
            Task.objects.filter(item=item, status="not_started", entries__isnull=True).delete()
            continue
        index, data = new_items[key]
        units = _unit_roles(data, resolve)
        rules = _item_rules(index, data, overrides)
        old_units = list(
            item.item_units.values_list("unit_id", "role", "name_as_written", "group_id")
        )
        old_rules = [(r.phrase, r.kind, r.params) for r in item.rules.all()]
        if (
            (item.title, item.text) != (data["title"][:500], data.get("text", ""))
            or old_units != units
            or old_rules != rules
        ):
            changed += 1
            item.title, item.text, item.source = (
                data["title"][:500],
                data.get("text", ""),
                data.get("source", {}),
            )
            item.save(update_fields=["title", "text", "source"])
            if old_units != units:
                _set_item_units(item, units)
            if old_rules != rules:
                Task.objects.filter(item=item, status="not_started", entries__isnull=True).delete()
                item.rules.all().delete()
                ScheduleRule.objects.bulk_create(
                    ScheduleRule(item=item, phrase=p, kind=k, params=pa, position=n)
                    for n, (p, k, pa) in enumerate(rules)
                )
    if added:
        subset = {
            "items": [new_items[k][1] for k in added],
            "sections": imp.parsed.get("sections", []),
        }
        # the coordinator's adjustments are keyed by the index in the new document
        position = {new_items[k][0]: pos for pos, k in enumerate(added)}
        subset_overrides = {
            (position[i], r): rule for (i, r), rule in overrides.items() if i in position
        }
        _create_items(plan, subset, resolve, subset_overrides)
    created = _generate(plan, per_unit=per_unit)
    plan.source_name, plan.source_sha256 = imp.source_name, imp.source_sha256
    plan.save(update_fields=["source_name", "source_sha256", "updated_at"])
    return plan, {
        "added": len(added),
        "changed": changed,
        "removed": len(removed),
        "created": created,
    }


@transaction.atomic
def plan_copy(
    *, actor, plan: Plan, year: int, title: str = "", effective_from: Any = DEFAULT
) -> PlanCopyResult:
    """Copy a plan's tree, units and rules to a new year and generate that year's ledger; the
    other coordinators and each unit that received tasks are told, as for an import.

    The copy's effective-from date is not the original's (that belongs to the original's
    year): by default today when copying into the current year, else 1 January."""
    check_perm(actor, Action.COORDINATE)
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度应为2000到2100之间的年份")
    if effective_from is DEFAULT:
        effective_from = default_effective_from(int(year), timezone.localdate())
    check_effective_from(effective_from, int(year))
    new = Plan.objects.create(
        title=title.strip() or plan.title.replace(str(plan.year), str(year)),
        year=year,
        effective_from=effective_from,
        source_name=plan.source_name,
        source_sha256=plan.source_sha256,
        copied_from=plan,
        created_by=actor,
    )
    mapping: dict[int, PlanItem] = {}
    for item in plan.items.filter(is_removed=False).order_by("position"):
        copy = PlanItem.objects.create(
            plan=new,
            parent=mapping.get(item.parent_id),
            is_task=item.is_task,
            path=item.path,
            position=item.position,
            title=item.title,
            text=item.text,
            source=item.source,
        )
        mapping[item.pk] = copy
        ItemUnit.objects.bulk_create(
            ItemUnit(
                item=copy,
                unit_id=iu.unit_id,
                role=iu.role,
                name_as_written=iu.name_as_written,
                group_id=iu.group_id,
                position=iu.position,
            )
            for iu in item.item_units.all()
        )
        ScheduleRule.objects.bulk_create(
            ScheduleRule(
                item=copy,
                phrase=r.phrase,
                kind=r.kind,
                params=r.params,
                position=r.position,
                changed_by_coordinator=r.changed_by_coordinator,
            )
            for r in item.rules.all()
        )
    per_unit: Counter = Counter()
    created = _generate(new, per_unit=per_unit)
    summary = f"由“{plan.title}”复制到{year}年，生成台账任务 {created} 条"
    audit_record(
        actor=actor,
        action="plan.copy",
        obj=new,
        summary=summary,
        after={"from": plan.pk, "year": year},
    )
    result = PlanCopyResult(
        plan=new,
        items=new.items.filter(is_task=True).count(),
        tasks_created=created,
        tasks_by_unit=dict(per_unit),
    )
    _notify_plan(actor, new, "工作方案已复制到新年度", summary, result.tasks_by_unit)
    return result
