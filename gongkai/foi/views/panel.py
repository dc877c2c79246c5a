"""The reply panel of an application: its letters, what may be done next (draft, review,
deliver, fees), similar applications and released materials.

The application page (views/staff.py) shows it by adding
`context["reply_panel"] = reply_panel_context(request, application)` and including
`{% include "foi/replies/_panel.html" with panel=reply_panel %}`; `panel` is the same on a page
of its own.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from gongkai.core.http import service_errors

from .. import similarity, transitions
from ..forms.replies import FeePaidForm, ReturnForm
from ..models import Application, Letter, Status
from ..results import RESULT_BY_KEY
from ..services import can_handle
from ..services import fees as fee_services
from ..services import replies as reply_services
from .access import visible_application


def reply_panel_context(request, app: Application) -> dict:
    """Everything `foi/replies/_panel.html` shows for one application."""
    user = request.user
    editable = can_handle(user, app)
    approver = reply_services.can_approve(user, app) if app.unit_id else False
    app_letters = list(app.letters.order_by("created_at", "pk"))
    for lt in app_letters:
        lt.application = app
    pending = next(
        (
            lt
            for lt in reversed(app_letters)
            if lt.status == Letter.Status.DRAFT and lt.kind.startswith("reply.")
        ),
        None,
    )
    pending_result = reply_services.letter_result(pending) if pending else None
    returned = None
    if pending is not None:
        last = (
            app.events.filter(kind__in=["reply_returned", "reply_drafted"])
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is not None and last.kind == "reply_returned":
            returned = last
    report = similarity.find_similar(app)
    fee_event = fee_services.latest_notice(app) if app.status == Status.AWAITING_FEE else None
    pay_by = fee_services.pay_by_of(app) if fee_event else None
    return {
        "application": app,
        "letters": app_letters,
        "pending": pending,
        "pending_result": pending_result,
        "returned": returned,
        "result": RESULT_BY_KEY.get(app.result) if app.result else None,
        "can_edit": editable,
        "can_approve": approver,
        "can_draft": editable and bool(app.unit_id) and transitions.can(app, "draft_reply"),
        "can_deliver": editable
        and any(
            lt.status == Letter.Status.APPROVED
            and (not lt.kind.startswith("reply.") or transitions.can(app, "deliver"))
            for lt in app_letters
        ),
        "can_fee_notice": editable and transitions.can(app, "fee_notice"),
        "awaiting_fee": app.status == Status.AWAITING_FEE,
        "fee_event": fee_event,
        "pay_by": pay_by,
        "fee_expired": bool(pay_by and timezone.localdate() > pay_by),
        "similar": report,
        "released": list(app.materials.filter(released=True)),
        "return_form": ReturnForm(),
        "paid_form": FeePaidForm(),
    }


@service_errors
def panel(request, app_id: int):
    app = visible_application(request, app_id)
    return render(
        request,
        "foi/replies/panel.html",
        {"panel": reply_panel_context(request, app), "application": app},
    )
