"""Plan pages: the list, the plan tree, copying to a new year and the coordinator's rule
adjustments after the import (rule_update / rule_create / rule_delete)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.workdays import CalendarNotCovered
from gongkai.orgs.permissions import Action, check_perm, has_perm

from .. import selectors, services
from ..forms.plans import (
    EffectiveFromForm,
    ItemUnitsForm,
    PlanCopyForm,
    RuleForm,
    item_units_initial,
)
from ..models import PlanImport, PlanItem, ScheduleRule, TaskStatus


def _url_or_none(name: str) -> str | None:
    """The URL of a page another module owns, or None while it does not exist yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _event_url(rule: ScheduleRule) -> str | None:
    """Where a unit records the event of an event rule (the task pages own that page)."""
    if rule.kind != "event":
        return None
    try:
        return reverse("plans:task_event", args=[rule.pk])
    except NoReverseMatch:
        return None


@service_errors
def plan_list(request):
    plans = selectors.plan_list(user=request.user).select_related("created_by", "copied_from")
    can_coordinate = has_perm(request.user, Action.COORDINATE)
    pending = []
    if can_coordinate:
        pending = (
            PlanImport.objects.filter(status=PlanImport.Status.PENDING)
            .select_related("created_by", "replaces")
            .order_by("-created_at")
        )
    return render(
        request,
        "plans/plans/list.html",
        {"plans": plans, "pending": pending, "can_coordinate": can_coordinate},
    )


def _task_counts(user, plan) -> dict[tuple[int, int], dict[str, int]]:
    """{(item id, unit id): {"total", "completed"}} over the tasks `user` may see."""
    rows = (
        selectors.task_queryset(user=user)
        .filter(item__plan=plan)
        .order_by()
        .values("item_id", "unit_id")
        .annotate(total=Count("pk"), completed=Count("pk", filter=Q(status=TaskStatus.COMPLETED)))
    )
    return {
        (r["item_id"], r["unit_id"]): {"total": r["total"], "completed": r["completed"]}
        for r in rows
    }


@service_errors
def plan_detail(request, plan_id: int):
    """The plan tree: headings and items in order, units with roles, rules with their plain
    meaning and, per item and unit, the ledger tasks the user may see."""
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    counts = _task_counts(request.user, plan)
    nodes = []
    totals = {"items": 0, "tasks": 0, "completed": 0}
    for node in selectors.plan_tree(plan=plan):
        row = {"node": node, "depth": min(max(len(node.path) - 1, 0), 3)}
        if node.is_task:
            units = []
            for iu in node.item_units.all():
                c = counts.get((node.pk, iu.unit_id))
                units.append({"iu": iu, "counts": c})
            row["units"] = units
            row["rules"] = [
                {
                    "rule": rule,
                    "event_url": _event_url(rule),
                    "needs_interval": rule.kind == "periodic"
                    and not rule.params.get("interval_days"),
                }
                for rule in node.rules.all()
            ]
            row["tasks"] = sum(u["counts"]["total"] for u in units if u["counts"])
            row["completed"] = sum(u["counts"]["completed"] for u in units if u["counts"])
            totals["items"] += 1
            totals["tasks"] += row["tasks"]
            totals["completed"] += row["completed"]
        nodes.append(row)
    can_coordinate = has_perm(request.user, Action.COORDINATE)
    context = {
        "plan": plan,
        "nodes": nodes,
        "totals": totals,
        "can_coordinate": can_coordinate,
        "task_list_url": _url_or_none("plans:task_list"),
        "copies": plan.copies.order_by("-year"),
    }
    return render(request, "plans/plans/detail.html", context)


@service_errors
@require_http_methods(["GET", "POST"])
def plan_copy(request, plan_id: int):
    check_perm(request.user, Action.COORDINATE)
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    form = PlanCopyForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.plan_copy(
                actor=request.user,
                plan=plan,
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
            )
        except CalendarNotCovered as exc:
            form.add_error(
                None,
                _("%(message)s。请系统管理员先录入%(year)s年的节假日安排；本次未复制任何内容。")
                % {"message": exc.message, "year": exc.year},
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已复制为%(year)s年方案：任务条目 %(items)s 条，生成台账任务 %(tasks)s 条。")
                % {
                    "year": result.plan.year,
                    "items": result.items,
                    "tasks": result.tasks_created,
                },
            )
            return redirect("plans:plan_detail", plan_id=result.plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plans/copy.html", {"plan": plan, "form": form}, status=status)


@service_errors
@require_http_methods(["GET", "POST"])
def plan_effective_from(request, plan_id: int):
    """Change the plan's 生效日期; the ledger follows (see `services.plan_set_effective_from`)."""
    plan = _coordinated_plan(request, plan_id)
    form = EffectiveFromForm(
        request.POST or None, year=plan.year, initial={"effective_from": plan.effective_from}
    )
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.plan_set_effective_from(
                actor=request.user, plan=plan, effective_from=form.cleaned_data["effective_from"]
            )
        except CalendarNotCovered as exc:
            form.add_error(
                None,
                _("%(message)s。请系统管理员先录入该年度节假日安排；生效日期未修改。")
                % {"message": exc.message},
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "生效日期已更新：删除尚未开始的任务 %(removed)s 条，新建任务 %(created)s 条；"
                    "已有进展的任务保持不变。"
                )
                % counts,
            )
            return redirect("plans:plan_detail", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "plans/plans/effective_from.html", {"plan": plan, "form": form}, status=status
    )


# -- rules (after-import adjustment) ----------------------------------------------------------


def _coordinated_plan(request, plan_id: int):
    check_perm(request.user, Action.COORDINATE)
    return selectors.plan_get(user=request.user, plan_id=plan_id)


def _rule_of(plan, rule_id: int) -> ScheduleRule:
    try:
        return ScheduleRule.objects.select_related("item__plan").get(
            pk=rule_id, item__plan=plan, item__is_removed=False
        )
    except ScheduleRule.DoesNotExist:
        raise Http404(_("该时限规则不存在")) from None


def _back_to(plan, item) -> str:
    return reverse("plans:plan_detail", args=[plan.pk]) + f"#item-{item.pk}"


def _rule_error(form, exc: Exception) -> None:
    if isinstance(exc, CalendarNotCovered):
        form.add_error(
            None,
            _("%(message)s。请系统管理员先录入该年度节假日安排；未作修改。")
            % {"message": exc.message},
        )
    else:
        form.add_error(None, exc.message)


@service_errors
@require_http_methods(["GET", "POST"])
def rule_edit(request, plan_id: int, rule_id: int):
    plan = _coordinated_plan(request, plan_id)
    rule = _rule_of(plan, rule_id)
    form = RuleForm(request.POST or None, base_rule=rule.as_dict(), with_phrase=False)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_update(
                actor=request.user, rule=rule, kind=form.rule["kind"], params=form.params
            )
        except (CalendarNotCovered, ValidationFailed) as exc:
            _rule_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "时限规则已更新为：%(meaning)s。今天起到期、尚未开始的任务已按新规则重新生成，"
                    "已过期和已有进展的任务保持不变。"
                )
                % {"meaning": rule.describe()},
            )
            return redirect(_back_to(plan, rule.item))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/plans/rule_form.html",
        {"plan": plan, "item": rule.item, "rule": rule, "form": form},
        status=status,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def rule_add(request, plan_id: int, item_id: int):
    plan = _coordinated_plan(request, plan_id)
    try:
        item = PlanItem.objects.get(pk=item_id, plan=plan, is_task=True, is_removed=False)
    except PlanItem.DoesNotExist:
        raise Http404(_("该条目不存在")) from None
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(
                actor=request.user,
                item=item,
                kind=form.rule["kind"],
                params=form.params,
                phrase=form.cleaned_data.get("phrase", ""),
            )
        except (CalendarNotCovered, ValidationFailed) as exc:
            _rule_error(form, exc)
        else:
            messages.success(
                request, _("已新增时限规则：%(meaning)s。") % {"meaning": rule.describe()}
            )
            return redirect(_back_to(plan, item))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/plans/rule_form.html",
        {"plan": plan, "item": item, "rule": None, "form": form},
        status=status,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def rule_delete(request, plan_id: int, rule_id: int):
    plan = _coordinated_plan(request, plan_id)
    rule = _rule_of(plan, rule_id)
    item = rule.item
    error = ""
    if request.method == "POST":
        try:
            services.rule_delete(actor=request.user, rule=rule)
        except (CalendarNotCovered, ValidationFailed) as exc:
            error = exc.message
        else:
            messages.success(
                request, _("时限规则已删除，今天起到期、尚未开始的相应任务已一并删除。")
            )
            return redirect(_back_to(plan, item))
    worked = rule.tasks.exclude(status=TaskStatus.NOT_STARTED).count()
    return render(
        request,
        "plans/plans/rule_delete.html",
        {"plan": plan, "item": item, "rule": rule, "worked": worked, "error": error},
        status=400 if error else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def item_units(request, plan_id: int, item_id: int):
    """Change which units carry an item (after the import). The item's future periods follow
    at once; its past tasks and every task with history stay as they are."""
    plan = _coordinated_plan(request, plan_id)
    try:
        item = PlanItem.objects.get(pk=item_id, plan=plan, is_task=True, is_removed=False)
    except PlanItem.DoesNotExist:
        raise Http404(_("该条目不存在")) from None
    data = request.POST if request.method == "POST" else None
    form = ItemUnitsForm(data, initial=item_units_initial(item))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.item_units_update(
                actor=request.user,
                item=item,
                lead_ids=[u.pk for u in data["lead_units"]],
                unit_ids=[u.pk for u in data["units"]],
                groups=list(data["groups"]),
            )
        except (CalendarNotCovered, ValidationFailed) as exc:
            _rule_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "责任单位已保存：新增单位 %(added)s 个，移除 %(dropped)s 个；"
                    "今天起到期的任务新建 %(created)s 条、删除未开始的 %(removed)s 条，"
                    "已过期和已有进展的任务保持不变。"
                )
                % {
                    "added": len(result["added"]),
                    "dropped": len(result["dropped"]),
                    "created": result["created"],
                    "removed": result["removed"],
                },
            )
            return redirect(_back_to(plan, item))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/plans/item_units.html",
        {"plan": plan, "item": item, "form": form, "current": item.item_units.all()},
        status=status,
    )
