"""Review of a drafted reply by the unit's 审核人 (or the 公开办): approve or return it.
The service decides who may (`services.replies.can_approve`)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors

from ..forms.replies import ReturnForm
from ..services import notices as notice_services
from ..services import replies as reply_services
from .access import visible_application
from .letters import letter_of


@service_errors
@require_POST
def approve(request, app_id: int, letter_id: int):
    app = visible_application(request, app_id)
    letter = letter_of(app, letter_id)
    try:
        notice_services.letter_approve(actor=request.user, letter=letter)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("foi:replies:letter", app.pk, letter.pk)
    if letter.kind.startswith("reply."):
        messages.success(request, "答复已审核通过，答复日期为今天；请登记送达")
    else:
        messages.success(request, "告知书已审核通过；请登记送达")
    return redirect("foi:application_detail", application_id=app.pk)


@service_errors
@require_POST
def return_letter(request, app_id: int, letter_id: int):
    app = visible_application(request, app_id)
    letter = letter_of(app, letter_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时须填写理由")
        return redirect("foi:replies:letter", app.pk, letter.pk)
    try:
        reply_services.reply_return(
            actor=request.user, letter=letter, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("foi:replies:letter", app.pk, letter.pk)
    messages.success(request, "答复已退回修改")
    return redirect("foi:application_detail", application_id=app.pk)
