"""Workbench pages of the annual report: list and start, edit with live tables and checks,
DOCX download, publish; and the register of review and litigation cases."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.catalog.services.binding import item_public_url
from gongkai.core.downloads import download_response
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for

from . import selectors, services
from .annual import document, labels, tables
from .forms import AnnualForm, AnnualStartForm, CaseForm


def _editable_units(user):
    if has_perm(user, Action.COORDINATE):
        return Unit.objects.filter(is_active=True)
    return units_for(user, Action.APPROVE).filter(is_active=True)


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
