"""Importing a plan in the workbench (公开办 only): upload → preview → map units and adjust
rules → confirm. A re-import of a changed plan goes the same way and shows what changed.

The coordinator's rule adjustments are kept in the session until the import is confirmed or
discarded (they are review state, not data); unit mappings are part of the confirm form, and
creating a unit or recording an alias happens in the confirm transaction, so a refused import
leaves nothing behind (the confirm service does both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.workdays import CalendarNotCovered, get_calendar
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, check_perm
from gongkai.orgs.selectors import unit_group_list

from .. import selectors, services
from ..forms.imports import ImportRuleForm, NewRuleForm, PlanUploadForm, UnitMappingForm
from ..forms.plans import EffectiveFromForm, cleaned
from ..models import PlanImport
from ..parsing import describe
from ..schedule import default_effective_from, planned_periods
from ..services.imports import check_is_plan, effective_timing, plan_content_counts

# -- review state kept in the session -------------------------------------------------------


def _session_key(imp: PlanImport) -> str:
    return f"plans.import.{imp.pk}"


def stored_overrides(request, imp: PlanImport) -> dict[str, Any]:
    """{"3:0": rule or None, "3:new": [rules]}: JSON-friendly keys for the session."""
    return dict(request.session.get(_session_key(imp), {}))


def _save_overrides(request, imp: PlanImport, overrides: dict[str, Any]) -> None:
    key = _session_key(imp)
    if overrides:
        request.session[key] = overrides
    else:
        request.session.pop(key, None)


def service_overrides(stored: dict[str, Any]) -> dict:
    """The session's keys as `plan_import_confirm` wants them: (item, rule) and (item, "new")."""
    out: dict = {}
    for key, value in stored.items():
        index, _sep, rule = key.partition(":")
        out[(int(index), "new" if rule == "new" else int(rule))] = value
    return out


# -- helpers -----------------------------------------------------------------------------------


def _calendar_message(exc: CalendarNotCovered) -> str:
    return _(
        "%(message)s。请系统管理员先在“节假日安排”中录入%(year)s年的放假和调休安排，再确认导入；"
        "本次未导入任何内容。"
    ) % {"message": exc.message, "year": exc.year}


def _pending_import(request, import_id: int) -> PlanImport:
    check_perm(request.user, Action.COORDINATE)
    return selectors.plan_import_get(user=request.user, import_id=import_id)


def _done_redirect(request, imp: PlanImport):
    """For an import that is no longer pending (e.g. a second click on 确认导入)."""
    if imp.status == PlanImport.Status.CONFIRMED and imp.plan_id:
        messages.warning(request, _("该导入已确认，请勿重复提交。"))
        return redirect("plans:plan_detail", plan_id=imp.plan_id)
    messages.warning(request, _("该导入已放弃，如需导入请重新上传文件。"))
    return redirect("plans:plan_list")


def _effective_rules(index: int, data: dict, stored: dict[str, Any]) -> list[dict[str, Any]]:
    """The item's rules as the confirm would create them, for display."""
    rows = []
    for r_index, timing in enumerate(effective_timing(data)):
        key = f"{index}:{r_index}"
        original = timing.get("rule") or {}
        row = {"phrase": timing.get("phrase", ""), "adjusted": key in stored, "added": False}
        if key in stored and stored[key] is None:
            row.update(dropped=True, meaning=describe(original), rule=None)
        else:
            rule = stored.get(key, original)
            row.update(dropped=False, meaning=describe(rule), rule=rule)
        rows.append(row)
    for rule in stored.get(f"{index}:new", []):
        rows.append(
            {
                "phrase": "",
                "adjusted": True,
                "added": True,
                "dropped": False,
                "meaning": describe(rule),
                "rule": rule,
            }
        )
    for row in rows:
        row["error"] = ""
        if row["rule"] is not None:
            try:
                row["rule"] = cleaned(row["rule"])
            except ValidationFailed as exc:
                row["error"] = exc.message
    return rows


def _per_unit_estimate(
    rules: list[dict], year: int, calendar, starts_on: dt.date | None = None
) -> int:
    """Ledger tasks one unit of the item will get in the plan year (as `ledger._generate`),
    none due before `starts_on`."""
    active = [r["rule"] for r in rules if r["rule"] is not None and not r["error"]]
    keyed = [(n, r["kind"], r) for n, r in enumerate(active)]
    return len(planned_periods(keyed, year, calendar, starts_on))


def _tree(
    imp: PlanImport,
    preview: dict,
    stored: dict[str, Any],
    calendar,
    starts_on: dt.date | None = None,
) -> list[dict]:
    """Headings and items in document order, as the confirm will create them."""
    sections = preview["sections"]
    seen: set[tuple] = set()
    rows: list[dict] = []
    for item in preview["items"]:
        path = tuple(item["path"])
        # as the confirm does: a heading holding its text directly stays a heading
        for depth in range(1, len(path) + (1 if path in sections else 0)):
            prefix = path[:depth]
            if prefix not in seen:
                seen.add(prefix)
                rows.append(
                    {
                        "heading": True,
                        "path_label": " ".join(prefix),
                        "depth": depth - 1,
                        "title": sections.get(prefix, ""),
                    }
                )
        rules = _effective_rules(item["index"], item, stored)
        unit_ids = {uid for row in item["unit_rows"] for uid in row["unit_ids"]}
        per_unit = _per_unit_estimate(rules, imp.year, calendar, starts_on) if calendar else None
        rows.append(
            {
                "heading": False,
                "index": item["index"],
                "path_label": " ".join(path),
                "depth": len(path) - 1,
                "title": item["title"],
                "text": item.get("text", ""),
                "unit_rows": item["unit_rows"],
                "rules": rules,
                "adjusted": any(r["adjusted"] for r in rules),
                "invalid": any(r["error"] for r in rules),
                "per_unit": per_unit,
                "estimate": per_unit * len(unit_ids) if per_unit is not None else None,
            }
        )
    return rows


def _mapping_forms(preview: dict, data=None) -> list[UnitMappingForm]:
    units = Unit.objects.filter(is_active=True).order_by("sort_order", "name")
    groups = unit_group_list()
    counts: dict[str, int] = {}
    for item in preview["items"]:
        for row in item["unit_rows"]:
            counts[row["name"]] = counts.get(row["name"], 0) + 1
    return [
        UnitMappingForm(data, name=name, units=units, groups=groups, item_count=counts.get(name, 0))
        for name in preview["unresolved"]
    ]


def _effective_form(imp: PlanImport, data=None) -> EffectiveFromForm | None:
    """The 生效日期 field of the confirm step (a new plan only: a re-import keeps the plan's)."""
    if imp.replaces_id:
        return None
    initial = {"effective_from": default_effective_from(imp.year, timezone.localdate())}
    return EffectiveFromForm(data, year=imp.year, initial=initial, prefix="plan")


def _starts_on(imp: PlanImport, form: EffectiveFromForm | None) -> dt.date | None:
    """The date the preview's estimates count from."""
    if imp.replaces_id:
        return imp.replaces.starts_on
    if form is None:
        return None
    if form.is_bound:
        return form.cleaned_data.get("effective_from") if form.is_valid() else None
    return form.initial.get("effective_from")


def _not_a_plan(imp: PlanImport) -> str:
    """The refusal message when no item has units or timing, else ""."""
    try:
        check_is_plan(imp.parsed)
    except ValidationFailed as exc:
        return exc.message
    return ""


def _preview_page(
    request,
    imp: PlanImport,
    *,
    forms=None,
    effective_form=None,
    error: str = "",
    status: int = 200,
):
    preview = selectors.import_preview(plan_import=imp)
    stored = stored_overrides(request, imp)
    calendar = get_calendar()
    covered = calendar.covers(imp.year)
    effective_form = effective_form if effective_form is not None else _effective_form(imp)
    starts_on = _starts_on(imp, effective_form)
    tree = _tree(imp, preview, stored, calendar if covered else None, starts_on)
    items = [row for row in tree if not row["heading"]]
    unit_names = {row["name"] for item in preview["items"] for row in item["unit_rows"]}
    counts = plan_content_counts(imp.parsed)
    context = {
        "imp": imp,
        "pending": imp.status == PlanImport.Status.PENDING,
        "preview": preview,
        "tree": tree,
        "diff": preview["diff"],
        "warnings": preview["warnings"],
        "mapping_forms": forms if forms is not None else _mapping_forms(preview),
        "error": error,
        "covered": covered,
        "item_count": len(items),
        "unit_count": len(unit_names),
        "unresolved_count": len(preview["unresolved"]),
        "no_unit_count": counts["no_units"],
        "no_timing_count": counts["no_timing"],
        "not_a_plan": _not_a_plan(imp),
        "effective_form": effective_form,
        "starts_on": starts_on,
        "adjusted_count": sum(1 for row in items if row["adjusted"]),
        "invalid_count": sum(1 for row in items if row["invalid"]),
        "task_estimate": sum(row["estimate"] or 0 for row in items) if covered else None,
    }
    return render(request, "plans/imports/preview.html", context, status=status)


# -- views -------------------------------------------------------------------------------------


@service_errors
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a plan document; it is parsed and kept for review (nothing is imported yet)."""
    check_perm(request.user, Action.COORDINATE)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, filename = form.read()
        try:
            imp = services.plan_import_prepare(
                actor=request.user,
                data=data,
                filename=filename,
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
            )
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("plans:import_preview", import_id=imp.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/imports/upload.html", {"form": form, "plan": None}, status=status)


@service_errors
@require_http_methods(["GET", "POST"])
def plan_reimport(request, plan_id: int):
    """Upload a new version of an imported plan; the preview shows what changed."""
    check_perm(request.user, Action.COORDINATE)
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    form = PlanUploadForm(
        request.POST or None,
        request.FILES or None,
        with_year=False,
        initial={"title": plan.title},
    )
    if request.method == "POST" and form.is_valid():
        data, filename = form.read()
        try:
            imp = services.plan_import_prepare(
                actor=request.user,
                data=data,
                filename=filename,
                title=form.cleaned_data["title"] or plan.title,
                year=plan.year,
                replaces=plan,
            )
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("plans:import_preview", import_id=imp.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/imports/upload.html", {"form": form, "plan": plan}, status=status)


@service_errors
def import_preview(request, import_id: int):
    imp = _pending_import(request, import_id)
    return _preview_page(request, imp)


@service_errors
@require_http_methods(["GET", "POST"])
def import_item_rules(request, import_id: int, index: int):
    """Adjust one parsed item's rules before the import: change kind and parameters, drop a
    rule, add rules. Kept in the session until the import is confirmed."""
    imp = _pending_import(request, import_id)
    if imp.status != PlanImport.Status.PENDING:
        return _done_redirect(request, imp)
    items = imp.parsed.get("items", [])
    if not 0 <= index < len(items):
        raise Http404(_("该条目不存在"))
    item = items[index]
    stored = stored_overrides(request, imp)
    data = request.POST if request.method == "POST" else None
    rule_forms = []
    for r_index, timing in enumerate(effective_timing(item)):
        key = f"{index}:{r_index}"
        original = timing.get("rule") or {}
        current = stored.get(key, original)
        form = ImportRuleForm(data, prefix=f"r{r_index}", original=original, current=current)
        meaning = describe(current) if current is not None else _("已删除（不据此生成任务）")
        rule_forms.append((timing.get("phrase", ""), form, meaning))
    added = stored.get(f"{index}:new", [])
    added_forms = [
        NewRuleForm(data, prefix=f"n{n}", base_rule=rule) for n, rule in enumerate(added)
    ]
    blank_form = NewRuleForm(data, prefix="add")
    if request.method == "POST":
        if "reset" in request.POST:
            for key in [k for k in stored if k.split(":")[0] == str(index)]:
                stored.pop(key)
            _save_overrides(request, imp, stored)
            messages.success(request, _("已恢复该条目按原文识别的时限规则。"))
            return redirect(reverse("plans:import_preview", args=[imp.pk]) + f"#item-{index}")
        every = [f for _p, f, _m in rule_forms] + added_forms + [blank_form]
        if all(f.is_valid() for f in every):
            for r_index, (_phrase, form, _meaning) in enumerate(rule_forms):
                changed, rule = form.override()
                key = f"{index}:{r_index}"
                if changed:
                    stored[key] = rule
                else:
                    stored.pop(key, None)
            new_rules = [f.rule for f in [*added_forms, blank_form] if f.rule is not None]
            if new_rules:
                stored[f"{index}:new"] = new_rules
            else:
                stored.pop(f"{index}:new", None)
            _save_overrides(request, imp, stored)
            messages.success(
                request,
                _("已保存对“%(title)s”时限规则的调整，确认导入时生效。")
                % {"title": item["title"][:40]},
            )
            return redirect(reverse("plans:import_preview", args=[imp.pk]) + f"#item-{index}")
    context = {
        "imp": imp,
        "index": index,
        "item": item,
        "path_label": " ".join(item["path"]),
        "rule_forms": rule_forms,
        "added_forms": added_forms,
        "blank_form": blank_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/imports/item_rules.html", context, status=status)


def _unit_choices(forms: list[UnitMappingForm]) -> list[services.UnitChoice]:
    """The coordinator's choices for the unrecognised names, for the confirm service (which
    creates the units and records the aliases in its transaction)."""
    choices = []
    for form in forms:
        data = form.cleaned_data
        action = data["action"]
        if action == UnitMappingForm.IGNORE:
            choices.append(services.UnitChoice(name=form.name))
        elif action == UnitMappingForm.GROUP:
            choices.append(
                services.UnitChoice(
                    name=form.name,
                    group_id=data["group"].pk,
                    remember_alias=bool(data.get("alias")),
                )
            )
        elif action == UnitMappingForm.EXISTING:
            choices.append(
                services.UnitChoice(
                    name=form.name, unit_id=data["unit"].pk, remember_alias=bool(data.get("alias"))
                )
            )
        else:
            choices.append(
                services.UnitChoice(
                    name=form.name,
                    new_name=data["new_name"],
                    new_short_name=data.get("new_short_name") or "",
                )
            )
    return choices


@service_errors
@require_POST
def import_confirm(request, import_id: int):
    """Map the unknown unit names, then create the plan and its ledger in one transaction."""
    imp = _pending_import(request, import_id)
    if imp.status != PlanImport.Status.PENDING:
        return _done_redirect(request, imp)
    preview = selectors.import_preview(plan_import=imp)
    forms = _mapping_forms(preview, request.POST)
    effective_form = _effective_form(imp, request.POST)
    if not all(form.is_valid() for form in forms):
        return _preview_page(
            request,
            imp,
            forms=forms,
            effective_form=effective_form,
            status=400,
            error=_(
                "请为每个未识别的单位名称选择处理方式：对应到已有单位、对应到单位组、新建单位或忽略。"
            ),
        )
    if effective_form is not None and not effective_form.is_valid():
        return _preview_page(
            request,
            imp,
            forms=forms,
            effective_form=effective_form,
            status=400,
            error=_("请填写有效的生效日期，或留空表示自年初起。"),
        )
    extra = {}
    if effective_form is not None:
        extra["effective_from"] = effective_form.cleaned_data["effective_from"]
    try:
        result = services.plan_import_confirm(
            actor=request.user,
            plan_import=imp,
            unit_choices=_unit_choices(forms),
            rule_overrides=service_overrides(stored_overrides(request, imp)),
            **extra,
        )
    except CalendarNotCovered as exc:
        return _preview_page(
            request,
            imp,
            forms=forms,
            effective_form=effective_form,
            error=_calendar_message(exc),
            status=400,
        )
    except ValidationFailed as exc:
        imp.refresh_from_db()
        if imp.status != PlanImport.Status.PENDING:
            return _done_redirect(request, imp)
        return _preview_page(
            request,
            imp,
            forms=forms,
            effective_form=effective_form,
            error=exc.message,
            status=400,
        )
    _save_overrides(request, imp, {})
    if result.replaced:
        messages.success(
            request,
            _(
                "方案已更新：新增条目 %(added)s 条，内容有变化 %(changed)s 条，移除 %(removed)s 条；"
                "新建台账任务 %(tasks)s 条，已有进展的任务保持不变。"
            )
            % {
                "added": result.added,
                "changed": result.changed,
                "removed": result.removed,
                "tasks": result.tasks_created,
            },
        )
    else:
        messages.success(
            request,
            _("方案已导入：任务条目 %(items)s 条，生成台账任务 %(tasks)s 条。")
            % {"items": result.items, "tasks": result.tasks_created},
        )
    return redirect("plans:plan_detail", plan_id=result.plan.pk)


@service_errors
@require_POST
def import_discard(request, import_id: int):
    imp = _pending_import(request, import_id)
    if imp.status != PlanImport.Status.PENDING:
        return _done_redirect(request, imp)
    try:
        services.plan_import_discard(actor=request.user, plan_import=imp)
    except ValidationFailed as exc:
        messages.warning(request, exc.message)
    else:
        _save_overrides(request, imp, {})
        messages.success(request, _("已放弃本次导入，未导入任何内容。"))
    if imp.replaces_id:
        return redirect("plans:plan_detail", plan_id=imp.replaces_id)
    return redirect("plans:plan_list")
