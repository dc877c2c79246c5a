"""Workbench pages of the annual report: list and start, edit with live tables and checks,
DOCX download, publish; and the register of review and litigation cases."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.catalog.services.binding import item_public_url
from gongkai.core.downloads import download_response
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for

from . import exports, selectors, services
from .annual import document, labels, tables
from .bulletin import monthly_bulletin
from .evaluation import evaluate
from .forms import AdjustmentForm, AnnualForm, AnnualStartForm, CaseForm
from .periods import parse_month, parse_period


def _editable_units(user):
    if has_perm(user, Action.COORDINATE):
        return Unit.objects.filter(is_active=True)
    return units_for(user, Action.EDIT).filter(is_active=True)


@service_errors
@require_http_methods(["GET", "POST"])
def annual_list(request):
    if not (has_perm(request.user, Action.VIEW_DASHBOARD) or _editable_units(request.user)):
        raise PermissionDenied()
    units = _editable_units(request.user)
    form = AnnualStartForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.annual_get_or_create(
                actor=request.user, year=form.cleaned_data["year"], unit=form.cleaned_data["unit"]
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("reports:annual_detail", report_id=report.pk)
    return render(
        request,
        "reports/annual_list.html",
        {
            "reports": selectors.annual_list(user=request.user),
            "form": form,
            "can_start": has_perm(request.user, Action.COORDINATE) or units.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def annual_detail(request, report_id: int):
    report = selectors.annual_get(user=request.user, report_id=report_id)
    can_edit = services.can_edit(request.user, report.unit) and report.status == "draft"
    form = AnnualForm(request.POST if request.method == "POST" else None, instance=report)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        if form.is_valid():
            try:
                services.annual_update(
                    actor=request.user,
                    report=report,
                    expected_version=int(request.POST.get("version", report.version)),
                    **{k: form.cleaned_data[k] for k in services.EDITABLE},
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "报告已保存")
                return redirect("reports:annual_detail", report_id=report.pk)
    report.refresh_from_db()
    data = tables.build(report)
    grids = document._grids(report, data)
    return render(
        request,
        "reports/annual_detail.html",
        {
            "report": report,
            "form": form,
            "can_edit": can_edit,
            "can_publish": can_edit and services.can_publish(request.user, report.unit),
            "data": data,
            "failed": [c for c in data.checks if not c.ok],
            "headings": labels.HEADING,
            "two": document._rows_of(grids["two"]),
            "three": document._rows_of(grids["three"]),
            "four": document._rows_of(grids["four"]),
            "previous": selectors.previous_year(report),
            "public_url": item_public_url(report.item) if report.item_id else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@service_errors
def annual_docx(request, report_id: int):
    report = selectors.annual_get(user=request.user, report_id=report_id)
    data = tables.build(report)
    return download_response(document.annual_docx(report, data), filename=f"{report}.docx")


@service_errors
@require_POST
def annual_publish(request, report_id: int):
    report = selectors.annual_get(user=request.user, report_id=report_id)
    try:
        services.annual_publish(actor=request.user, report=report)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "年度报告已发布到“年度报告”栏目")
    return redirect("reports:annual_detail", report_id=report.pk)


@service_errors
@require_http_methods(["GET", "POST"])
def case_list(request):
    units = _editable_units(request.user)
    if not (has_perm(request.user, Action.VIEW_DASHBOARD) or units.exists()):
        raise PermissionDenied()
    form = CaseForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_create(
                actor=request.user,
                unit=data["unit"],
                kind=data["kind"],
                filed_date=data["filed_date"],
                outcome=data["outcome"],
                decided_date=data["decided_date"],
                case_number=data["case_number"],
                note=data["note"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "案件已登记")
            return redirect("reports:case_list")
    return render(
        request,
        "reports/case_list.html",
        {"cases": selectors.case_list(user=request.user), "form": form, "can_add": units.exists()},
        status=400 if request.method == "POST" else 200,
    )


# -- monthly bulletin and evaluation ---------------------------------------------------------


def _require_overview(user) -> None:
    if not (has_perm(user, Action.VIEW_DASHBOARD) or has_perm(user, Action.COORDINATE)):
        raise PermissionDenied()


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = first - dt.timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


@service_errors
def bulletin(request):
    _require_overview(request.user)
    value = request.GET.get("month") or _last_month()
    try:
        month = parse_month(value)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        month = parse_month(_last_month())
    result = monthly_bulletin(month)
    if request.GET.get("format") == "docx":
        return download_response(exports.bulletin_docx(result), filename=f"{result.title}.docx")
    return render(
        request,
        "reports/bulletin.html",
        {
            "bulletin": result,
            "columns": exports.BULLETIN_COLUMNS,
            "rows": exports.bulletin_rows(result),
            "chart": result.chart(),
            "month_value": month.key,
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def evaluation(request):
    _require_overview(request.user)
    value = request.GET.get("period") or str(timezone.localdate().year)
    try:
        period = parse_period(value)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        period = parse_period(str(timezone.localdate().year))
    can_adjust = has_perm(request.user, Action.COORDINATE)
    form = AdjustmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_adjust:
            raise PermissionDenied()
        if form.is_valid():
            try:
                services.evaluation_adjust(
                    actor=request.user, period=period.key, **form.cleaned_data
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已记录人工调整")
                return redirect(f"{request.path}?period={period.key}")
    result = evaluate(period)
    fmt = request.GET.get("format")
    name = f"{period.label}政务公开工作考评结果"
    if fmt == "xlsx":
        return download_response(exports.evaluation_xlsx(result), filename=f"{name}.xlsx")
    if fmt == "docx":
        return download_response(exports.evaluation_docx(result), filename=f"{name}.docx")
    return render(
        request,
        "reports/evaluation.html",
        {
            "evaluation": result,
            "header": exports.evaluation_header(result),
            "form": form,
            "can_adjust": can_adjust,
            "period_value": period.key,
        },
        status=400 if request.method == "POST" else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def weights(request):
    from .models import EvaluationWeight

    if not has_perm(request.user, Action.COORDINATE):
        raise PermissionDenied()
    rows = list(EvaluationWeight.objects.all())
    error = ""
    if request.method == "POST":
        try:
            values = {
                w.indicator: (
                    int(request.POST.get(f"weight-{w.indicator}") or 0),
                    request.POST.get(f"active-{w.indicator}") == "on",
                )
                for w in rows
            }
            services.weights_update(actor=request.user, weights=values)
        except ValueError:
            error = "分值应为整数"
        except ValidationFailed as exc:
            error = exc.message
        else:
            messages.success(request, "考评指标分值已保存")
            return redirect("reports:evaluation")
    return render(
        request,
        "reports/weights.html",
        {"rows": rows, "error": error},
        status=400 if error else 200,
    )
