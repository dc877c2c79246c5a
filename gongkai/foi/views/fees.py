"""Fees (信息处理费): the fee notice (which pauses the reply period), payment, and the applicant's
failure to pay by the deadline."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors

from .. import transitions
from ..forms.replies import FeeNoticeForm, FeePaidForm
from ..services import fees as fee_services
from .access import handled_application, visible_application


@service_errors
@require_http_methods(["GET", "POST"])
def fee_notice(request, app_id: int):
    app = handled_application(request, app_id)
    form = FeeNoticeForm(request.POST or None, initial={"method": "per_request", "count": 1})
    quote = None
    ordinal = fee_services.month_ordinal(app)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote = fee_services.fee_quote(
                app=app,
                method=data["method"],
                pages=data.get("pages"),
                count=data.get("count") or 1,
            )
            if "confirm" in request.POST:
                fee_services.fee_notice(
                    actor=request.user,
                    app=app,
                    method=data["method"],
                    pages=data.get("pages"),
                    count=data.get("count") or 1,
                    pay_by=data["pay_by"],
                )
                messages.success(request, "已发出收费通知，答复期限暂停计算至缴费之日")
                return redirect("foi:application_detail", application_id=app.pk)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "foi/replies/fee_notice.html",
        {
            "application": app,
            "form": form,
            "quote": quote,
            "ordinal": ordinal,
            "can_send": transitions.can(app, "fee_notice"),
        },
    )


@service_errors
@require_POST
def fee_paid(request, app_id: int):
    app = visible_application(request, app_id)
    form = FeePaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写缴费日期")
    else:
        try:
            fee_services.fee_paid(actor=request.user, app=app, date=form.cleaned_data["date"])
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记缴费，答复期限恢复计算")
    return redirect("foi:application_detail", application_id=app.pk)


@service_errors
@require_POST
def fee_expire(request, app_id: int):
    app = visible_application(request, app_id)
    try:
        fee_services.fee_expire(actor=request.user, app=app)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请人逾期未缴费，申请已按“其他处理”办结")
    return redirect("foi:application_detail", application_id=app.pk)
