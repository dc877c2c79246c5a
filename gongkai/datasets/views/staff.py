"""Workbench pages of 数据发布: datasets, schema, import (preview, errors, confirm), hand entry,
periods with review and publishing. Thin: permissions and rules are the services'."""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.downloads import download_response
from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.orgs.permissions import Action, check_perm, has_perm

from ..exports import template_xlsx
from ..models import PeriodStatus, Record
from ..selectors import staff as selectors
from ..services import imports, periods
from ..services.exports import credit_export
from ..services.periods import pii_findings

MAX_UPLOAD = 50 * 1024 * 1024
_PENDING = "datasets_pending_import"


@service_errors
@require_GET
def dataset_list(request):
    datasets = list(selectors.datasets_for(request.user).prefetch_related("periods"))
    for d in datasets:
        d.latest = max(d.periods.all(), key=lambda p: p.key, default=None)
    return render(
        request,
        "datasets/staff/list.html",
        {"datasets": datasets, "can_create": has_perm(request.user, Action.COORDINATE)},
    )


def _detail_context(request, dataset):
    return {
        "dataset": dataset,
        "fields": list(dataset.fields.all()),
        "periods": list(selectors.periods_of(dataset)),
        "can_edit": selectors.may(request.user, Action.EDIT, dataset),
        "can_coordinate": has_perm(request.user, Action.COORDINATE),
    }


@service_errors
@require_GET
def dataset_detail(request, slug):
    dataset = selectors.dataset_for(request.user, slug)
    return render(request, "datasets/staff/detail.html", _detail_context(request, dataset))


@service_errors
@require_http_methods(["GET", "POST"])
def dataset_new(request):
    """A new dataset with its schema (公开办 only, checked by the service)."""
    from gongkai.orgs.models import Unit

    from ..models import PeriodKind
    from ..services.schema import dataset_create, parse_field_lines

    check_perm(request.user, Action.COORDINATE)
    units = Unit.objects.filter(is_active=True).order_by("name")
    values = {"period_kind": PeriodKind.MONTHLY}
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "").strip()
            for k in ("slug", "title", "unit", "period_kind", "fields")
        }
        try:
            unit = units.filter(pk=values["unit"]).first() if values["unit"].isdigit() else None
            if unit is None:
                raise ValidationFailed("请选择责任单位")
            if not values["title"]:
                raise ValidationFailed("请填写数据集名称")
            dataset = dataset_create(
                actor=request.user,
                slug=values["slug"],
                title=values["title"],
                unit=unit,
                period_kind=values["period_kind"],
                fields=parse_field_lines(values["fields"]),
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已新建数据集")
            return redirect("datasets:detail", slug=dataset.slug)
    return render(
        request,
        "datasets/staff/new.html",
        {"units": units, "values": values, "kinds": PeriodKind.choices},
        status=422 if request.method == "POST" else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def dataset_settings(request, slug):
    """Owner unit, catalogue column and bound plan item (公开办 only, checked by the service)."""
    from gongkai.catalog.selectors.staff import active_columns
    from gongkai.orgs.models import Unit
    from gongkai.plans.models import PlanItem

    dataset = selectors.dataset_for(request.user, slug)
    check_perm(request.user, Action.COORDINATE)
    units = Unit.objects.filter(is_active=True).order_by("name")
    columns = active_columns()
    plan_items = (
        PlanItem.objects.filter(is_task=True, is_removed=False)
        .select_related("plan")
        .order_by("-plan__year", "-plan__pk", "position")
    )

    def pick(qs, name):
        value = request.POST.get(name, "")
        return qs.filter(pk=value).first() if value.isdigit() else None

    if request.method == "POST":
        unit = pick(units, "unit")
        try:
            if unit is None:
                raise ValidationFailed("请选择责任单位")
            from ..services.schema import dataset_update

            dataset_update(
                actor=request.user,
                dataset=dataset,
                unit=unit,
                column=pick(columns, "column"),
                plan_item=pick(plan_items, "plan_item"),
                description=request.POST.get("description", "").strip()[:2000],
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("datasets:detail", slug=slug)
    return render(
        request,
        "datasets/staff/settings.html",
        {"dataset": dataset, "units": units, "columns": columns, "plan_items": plan_items[:500]},
    )


@service_errors
@require_GET
def template(request, slug):
    dataset = selectors.dataset_for(request.user, slug)
    return download_response(template_xlsx(dataset), filename=f"{dataset.title}_导入模板.xlsx")


def _pending_path(token: str) -> str:
    return f"datasets/pending/{token}.bin"


@service_errors
@require_POST
def import_upload(request, slug):
    """Step 1: upload and check every row (a dry run); show the preview and the errors."""
    dataset = selectors.dataset_for(request.user, slug)
    check_perm(request.user, Action.EDIT, dataset.unit)
    upload = request.FILES.get("file")
    period_key = request.POST.get("period", "").strip() or None
    context = _detail_context(request, dataset)
    if upload is None:
        messages.error(request, "请选择要导入的 XLSX 或 CSV 文件")
        return redirect("datasets:detail", slug=slug)
    if upload.size and upload.size > MAX_UPLOAD:
        messages.error(request, f"文件过大，上限为 {MAX_UPLOAD // 1048576} MB")
        return redirect("datasets:detail", slug=slug)
    data = upload.read(MAX_UPLOAD + 1)
    name = (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
    try:
        result = imports.import_rows(
            actor=request.user,
            dataset=dataset,
            stream=io.BytesIO(data),
            name=name,
            period_key=period_key,
            dry_run=True,
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("datasets:detail", slug=slug)
    token = ""
    previous = request.session.pop(_PENDING, None)
    if previous:  # a checked file that was never confirmed
        default_storage.delete(_pending_path(previous["token"]))
    if result.ok:
        token = uuid.uuid4().hex
        default_storage.save(_pending_path(token), ContentFile(data))
        request.session[_PENDING] = {
            "token": token,
            "slug": slug,
            "name": name,
            "period": result.period_key,
        }
    context.update({"result": result, "token": token, "file_name": name})
    return render(
        request, "datasets/staff/import_preview.html", context, status=200 if result.ok else 422
    )


@service_errors
@require_POST
def import_confirm(request, slug):
    """Step 2: import the checked file (checked again, all or nothing)."""
    dataset = selectors.dataset_for(request.user, slug)
    pending = request.session.get(_PENDING) or {}
    token = request.POST.get("token", "")
    if not token or pending.get("token") != token or pending.get("slug") != slug:
        messages.error(request, "导入已过期，请重新上传文件")
        return redirect("datasets:detail", slug=slug)
    path = _pending_path(token)
    try:
        with default_storage.open(path, "rb") as fh:
            result = imports.import_rows(
                actor=request.user,
                dataset=dataset,
                stream=io.BytesIO(fh.read()),
                name=pending["name"],
                period_key=pending["period"] or None,
            )
    except (FileNotFoundError, OSError):
        messages.error(request, "导入已过期，请重新上传文件")
        return redirect("datasets:detail", slug=slug)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("datasets:detail", slug=slug)
    finally:
        request.session.pop(_PENDING, None)
        default_storage.delete(path)
    if not result.ok:
        messages.error(request, f"文件有 {result.error_count} 处错误，未导入任何数据")
        return redirect("datasets:detail", slug=slug)
    messages.success(request, f"已导入 {result.imported} 行，请核对后提交审核")
    return redirect("datasets:period", slug=slug, key=result.period_key)


@service_errors
@require_http_methods(["GET", "POST"])
def entry(request, slug):
    """Enter a few rows by hand."""
    dataset = selectors.dataset_for(request.user, slug)
    check_perm(request.user, Action.EDIT, dataset.unit)
    fields = list(dataset.fields.all())
    values, errors, period_key = {}, {}, request.GET.get("period", "")
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "") for f in fields}
        period_key = request.POST.get("period", "")
        try:
            record = imports.record_add(
                actor=request.user, dataset=dataset, period_key=period_key or None, values=values
            )
        except ValidationFailed as exc:
            errors = (exc.extra or {}).get("errors") or {}
            if not errors:
                messages.error(request, exc.message)
        else:
            messages.success(request, f"已添加第{record.row}行")
            if "again" in request.POST:
                return redirect(f"{request.path}?period={record.period.key}")
            return redirect("datasets:period", slug=slug, key=record.period.key)
    rows = [(f, values.get(f.name, ""), errors.get(f.name, "")) for f in fields]
    return render(
        request,
        "datasets/staff/entry.html",
        {"dataset": dataset, "rows": rows, "period_key": period_key, "errors": errors},
        status=422 if errors else 200,
    )


@service_errors
@require_GET
def period_detail(request, slug, key):
    dataset = selectors.dataset_for(request.user, slug)
    period = selectors.period_for(request.user, dataset, key)
    fields = list(dataset.fields.all())
    page = paginate(request, selectors.draft_or_published(period), per_page=50)
    showing_draft = bool(period.draft_revision)
    can_approve = selectors.may(request.user, Action.APPROVE, dataset)
    findings = (
        pii_findings(period) if period.status == PeriodStatus.SUBMITTED and can_approve else []
    )
    return render(
        request,
        "datasets/staff/period.html",
        {
            "dataset": dataset,
            "period": period,
            "fields": fields,
            "page": page,
            "rows": [(r, _staff_row(fields, r)) for r in page],
            "showing_draft": showing_draft,
            "can_edit": selectors.may(request.user, Action.EDIT, dataset),
            "can_submit": selectors.may(request.user, Action.SUBMIT, dataset),
            "can_approve": can_approve,
            "findings": findings,
            "versions": list(period.versions.all()),
            "editable": period.status != PeriodStatus.SUBMITTED,
            "public_url": periods.public_url(period) if period.is_published else "",
        },
    )


def _staff_row(fields, record: Record) -> list[str]:
    return ["" if record.data.get(f.name) is None else str(record.data.get(f.name)) for f in fields]


def _period_action(request, slug, key, action):
    dataset = selectors.dataset_for(request.user, slug)
    period = selectors.period_for(request.user, dataset, key)
    try:
        action(period)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("datasets:period", slug=slug, key=key)


@service_errors
@require_POST
def period_submit(request, slug, key):
    def act(period):
        periods.period_submit(actor=request.user, period=period)
        messages.success(request, "已提交审核")

    return _period_action(request, slug, key, act)


@service_errors
@require_POST
def period_return(request, slug, key):
    def act(period):
        periods.period_return(
            actor=request.user, period=period, reason=request.POST.get("reason", "")
        )
        messages.success(request, "已退回")

    return _period_action(request, slug, key, act)


@service_errors
@require_POST
def period_publish(request, slug, key):
    def act(period):
        periods.period_publish(
            actor=request.user,
            period=period,
            change_note=request.POST.get("change_note", ""),
            pii_override_reason=request.POST.get("pii_override_reason", ""),
        )
        messages.success(request, "审核通过，已在网站发布")

    return _period_action(request, slug, key, act)


@service_errors
@require_POST
def period_discard(request, slug, key):
    def act(period):
        periods.period_discard_draft(actor=request.user, period=period)
        messages.success(request, "已丢弃草稿")

    return _period_action(request, slug, key, act)


@service_errors
@require_POST
def record_delete(request, slug, key, row):
    def act(period):
        record = Record.objects.filter(
            period=period, revision=period.draft_revision or period.published_revision, row=row
        ).first()
        if record is None:
            raise ValidationFailed("该行不存在")
        imports.record_delete(actor=request.user, record=record)
        messages.success(request, f"已删除第{row}行")

    return _period_action(request, slug, key, act)


@service_errors
@require_GET
def period_export(request, slug, key):
    """The published records whole, for the credit platform (a date range; CSV or XLSX)."""
    dataset = selectors.dataset_for(request.user, slug)
    period = selectors.period_for(request.user, dataset, key)
    try:
        content, name = credit_export(
            actor=request.user,
            period=period,
            fmt=request.GET.get("format", "csv"),
            date_from=request.GET.get("from", ""),
            date_to=request.GET.get("to", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("datasets:period", slug=slug, key=key)
    return download_response(content, filename=name)
