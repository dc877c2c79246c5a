"""Website error reports (我为政府网站找错).

error_report_submit(*, kind, url, description, selected_text="", contact="") -> ErrorReport
    from the portal's footer link; routed at once to the unit owning the page
error_report_register(*, actor, source, reference_number, kind, url, description,
                      received_date=None, due_date=None) -> ErrorReport
    an error forwarded by the city or the national platform (公开办), with its reference
    number and deadline (default INTERACTION_ERROR_DEADLINE_WORKDAYS working days)
error_report_resolve(*, actor, report, outcome, answer)   修改 (fixed) or 答复 (no change needed)
error_report_close(*, actor, report)                      办结 (公开办)
owning_unit(url) -> Unit | None
    the unit of the catalog item the page shows (/xxgk/item/<id>/); None (the 公开办) for
    every other page
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import Item
from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.workdays import deadline_estimate, format_date
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, check_perm

from .. import notifications as kinds
from ..models import ErrorKind, ErrorReport, ErrorSource, ErrorStatus
from .common import check_text, new_code

_ITEM_PATH = re.compile(r"^/xxgk/item/(\d+)/")


def owning_unit(url: str) -> Unit | None:
    path = urlsplit(url or "").path
    match = _ITEM_PATH.match(path)
    if not match:
        return None
    item = Item.objects.filter(pk=int(match.group(1))).select_related("unit").first()
    return item.unit if item and item.unit.is_active else None


def _clean_url(url: str, errors: dict) -> str:
    url = (url or "").strip()
    if not url:
        errors["url"] = "请填写出错页面的地址"
    elif len(url) > 500:
        errors["url"] = "页面地址过长"
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or (
            not parts.netloc and not url.startswith("/")
        ):
            errors["url"] = "页面地址格式不正确"
    return url


def _validate(kind, url, description, selected_text, errors) -> tuple[str, str, str]:
    if kind not in ErrorKind.values:
        errors["kind"] = "请选择错误类型"
    url = _clean_url(url, errors)
    description = check_text(
        description, label="问题描述", field="description", errors=errors, max_len=1000, min_len=2
    )
    selected_text = check_text(
        selected_text,
        label="选中的文字",
        field="selected_text",
        errors=errors,
        required=False,
        max_len=500,
    )
    return url, description, selected_text


def _create(
    *,
    actor,
    source,
    kind,
    url,
    description,
    selected_text="",
    contact="",
    reference_number="",
    received_date,
    due_date,
) -> ErrorReport:
    unit = owning_unit(url)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = ErrorReport.objects.create(
                    tracking_code=new_code("JC"),
                    source=source,
                    reference_number=reference_number,
                    kind=kind,
                    url=url,
                    selected_text=selected_text,
                    description=description,
                    contact=contact,
                    unit=unit,
                    received_date=received_date,
                    due_date=due_date,
                )
                audit_record(
                    actor=actor,
                    action="interaction.error_report",
                    obj=report,
                    unit=unit,
                    summary=f"网站纠错 {report.tracking_code}（{report.get_source_display()}）",
                )
                notify(
                    kind=kinds.ERROR_REPORTED,
                    users=unit_staff(unit, roles=("liaison", "reviewer"))
                    if unit
                    else coordinators(),
                    title=f"网站纠错待处理：{report.get_kind_display()} {report.tracking_code}",
                    body=f"办理期限：{format_date(due_date)}",
                    url=reverse("interaction_staff:error_detail", args=[report.pk]),
                    actor=actor,
                )
            return report
        except IntegrityError:
            continue
    raise ValidationFailed("系统繁忙，请稍后再试")


def default_due(received: dt.date) -> dt.date:
    return deadline_estimate(received, int(settings.INTERACTION_ERROR_DEADLINE_WORKDAYS)).date


def error_report_submit(*, kind, url, description, selected_text="", contact="") -> ErrorReport:
    errors: dict = {}
    url, description, selected_text = _validate(kind, url, description, selected_text, errors)
    contact = check_text(
        contact, label="联系方式", field="contact", errors=errors, required=False, max_len=100
    )
    if errors:
        raise ValidationFailed("纠错未提交，请修改标红的内容", extra={"fields": errors})
    today = timezone.localdate()
    return _create(
        actor=None,
        source=ErrorSource.PORTAL,
        kind=kind,
        url=url,
        description=description,
        selected_text=selected_text,
        contact=contact,
        received_date=today,
        due_date=default_due(today),
    )


def error_report_register(
    *, actor, source, reference_number, kind, url, description, received_date=None, due_date=None
) -> ErrorReport:
    check_perm(actor, Action.COORDINATE)
    errors: dict = {}
    if source not in (ErrorSource.CITY, ErrorSource.NATIONAL):
        errors["source"] = "请选择转办来源"
    reference_number = (reference_number or "").strip()
    if not reference_number:
        errors["reference_number"] = "请填写平台编号"
    elif len(reference_number) > 60:
        errors["reference_number"] = "平台编号过长"
    url, description, _sel = _validate(kind, url, description, "", errors)
    received_date = received_date or timezone.localdate()
    if due_date and due_date < received_date:
        errors["due_date"] = "办理期限不能早于收到日期"
    if errors:
        raise ValidationFailed("纠错未登记，请修改标红的内容", extra={"fields": errors})
    return _create(
        actor=actor,
        source=source,
        kind=kind,
        url=url,
        description=description,
        reference_number=reference_number,
        received_date=received_date,
        due_date=due_date or default_due(received_date),
    )


def _lock(report) -> ErrorReport:
    pk = report if isinstance(report, int) else report.pk
    return ErrorReport.objects.select_for_update().get(pk=pk)


def error_report_resolve(*, actor, report, outcome: str, answer: str) -> ErrorReport:
    errors: dict = {}
    answer = check_text(answer, label="处理结果", field="answer", errors=errors, max_len=2000)
    if outcome not in (ErrorStatus.FIXED, ErrorStatus.ANSWERED):
        errors["outcome"] = "请选择处理结果"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), extra={"fields": errors})
    with transaction.atomic():
        r = _lock(report)
        if r.unit_id:
            check_perm(actor, Action.EDIT, r.unit)
        else:
            check_perm(actor, Action.COORDINATE)
        if r.status != ErrorStatus.OPEN:
            raise ValidationFailed("该纠错已处理")
        r.status, r.answer, r.resolved_date = outcome, answer, timezone.localdate()
        r.save()
        audit_record(
            actor=actor,
            action="interaction.error_resolve",
            obj=r,
            summary=f"{r.get_status_display()} {r.tracking_code}",
        )
    return r


def error_report_close(*, actor, report) -> ErrorReport:
    check_perm(actor, Action.COORDINATE)
    with transaction.atomic():
        r = _lock(report)
        if r.status not in (ErrorStatus.FIXED, ErrorStatus.ANSWERED):
            raise ValidationFailed("请先由负责单位修改或答复")
        r.status = ErrorStatus.CLOSED
        r.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="interaction.error_close",
            obj=r,
            summary=f"纠错办结 {r.tracking_code}",
        )
    return r


def error_report_reassign(*, actor, report, unit: Unit | None) -> ErrorReport:
    check_perm(actor, Action.COORDINATE)
    with transaction.atomic():
        r = _lock(report)
        before = {"unit": r.unit_id}
        r.unit = unit
        r.save(update_fields=["unit"])
        audit_record(
            actor=actor,
            action="interaction.error_reassign",
            obj=r,
            before=before,
            after={"unit": r.unit_id},
            summary=f"纠错改派 {r.tracking_code}",
        )
    return r
