"""The coordinator's and leaders' overview of a plan's ledger (台账总览).

The page mixes the ledger's figures (`plans.selectors.dashboard`) with the catalog's
(`catalog.selectors.interpretation_flags`); the workbench composes them so that neither app reads
the other's figures."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongkai.catalog.selectors import staff as catalog_selectors
from gongkai.core.http import service_errors
from gongkai.orgs.permissions import Action, check_perm
from gongkai.plans import selectors


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("工作方案"), queryset=None, empty_label=None)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


def _summary(data: dict) -> dict[str, str]:
    month = data["chart_month"]
    month_text = "；".join(
        f"{label}应完成{due}项、已完成{done}项"
        for label, due, done in zip(month["months"], month["due"], month["completed"], strict=True)
        if due or done
    )
    unit_text = "；".join(
        f"{u.unit_name}已完成{u.completed}项、未完成{u.total - u.completed}项"
        + (f"、按时完成率{u.on_time_rate}%" if u.on_time_rate is not None else "")
        for u in data["units"]
    )
    return {
        "month": _("按月完成情况：") + (month_text or _("暂无任务")),
        "unit": _("各单位完成情况：") + (unit_text or _("暂无任务")),
    }


@service_errors
@require_GET
def dashboard(request):
    check_perm(request.user, Action.VIEW_DASHBOARD)
    plans = selectors.plan_list(user=request.user)
    day = selectors.today()
    form = PlanChoiceForm(request.GET if "plan" in request.GET else None, plans=plans)
    plan = form.cleaned_data["plan"] if form.is_bound and form.is_valid() else None
    if plan is None:
        plan = plans.filter(year=day.year).first() or plans.first()
        form = PlanChoiceForm(initial={"plan": plan}, plans=plans)
    if plan is None:
        return render(request, "workbench/dashboard.html", {"form": None, "plan": None})
    data = selectors.dashboard(user=request.user, plan=plan)
    overdue = []
    for task in data["overdue"]:
        days, estimated = selectors.workdays_overdue(task.due_date, data["today"])
        overdue.append({"task": task, "days": days, "estimated": estimated})
    return render(
        request,
        "workbench/dashboard.html",
        {
            "form": form,
            "plan": plan,
            "data": data,
            "overdue": overdue,
            "summary": _summary(data),
            "policy_flags": catalog_selectors.interpretation_flags(user=request.user),
            "month_rows": list(
                zip(
                    data["chart_month"]["months"],
                    data["chart_month"]["due"],
                    data["chart_month"]["completed"],
                    strict=True,
                )
            ),
        },
    )
