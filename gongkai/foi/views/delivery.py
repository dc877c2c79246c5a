"""Recording the delivery (送达) of an approved letter: the reply then reaches the applicant."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors

from ..forms.replies import DeliverForm
from ..models import Letter
from ..services import replies as reply_services
from .access import handled_application


@service_errors
@require_http_methods(["GET", "POST"])
def deliver(request, app_id: int):
    app = handled_application(request, app_id)
    approved = list(
        app.letters.filter(status=Letter.Status.APPROVED).order_by("-approved_at", "-pk")
    )
    form = DeliverForm(request.POST or None, letters_=approved, initial={"method": app.delivery})
    if request.method == "POST" and form.is_valid():
        letter = next(lt for lt in approved if lt.pk == form.cleaned_data["letter"])
        try:
            reply_services.reply_deliver(
                actor=request.user,
                app=app,
                method=form.cleaned_data["method"],
                date=form.cleaned_data["date"],
                letter=letter,
                tracking_number=form.cleaned_data.get("tracking_number") or "",
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记送达")
            return redirect("foi:application_detail", application_id=app.pk)
    return render(
        request,
        "foi/replies/deliver.html",
        {"application": app, "form": form, "approved": approved},
    )
