"""Drafting a reply letter, the letter's page and its Word/PDF download."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.downloads import download_response
from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.uploads import check_upload

from .. import letters, similarity, transitions
from ..forms.replies import ReplyDraftForm, ReturnForm
from ..models import Application, Letter, Status
from ..services import can_handle
from ..services import replies as reply_services
from .access import handled_application, visible_application


def letter_of(app: Application, letter_id: int) -> Letter:
    """A letter of `app` (404 for another application's)."""
    letter = get_object_or_404(Letter, pk=letter_id, application=app)
    letter.application = app
    return letter


def _draft_initial(app: Application, pending: Letter | None, repeats) -> dict:
    if pending is not None:
        res = reply_services.letter_result(pending)
        event = reply_services._draft_event(pending)
        data = (event.data or {}) if event else {}
        return {
            "result": res.key if res else "",
            "reasons": data.get("reasons", ""),
            "published_location": data.get("published_location", ""),
        }
    if repeats:
        return {"result": "reject.repeat", "repeat_of": repeats[0].application.pk}
    return {}


@service_errors
@require_http_methods(["GET", "POST"])
def draft(request, app_id: int):
    app = handled_application(request, app_id, refused="您没有拟定答复的权限")
    report = similarity.find_similar(app)
    repeats = report.answered_repeats
    pending = reply_services.pending_letter(app)
    form = ReplyDraftForm(
        request.POST or None,
        request.FILES or None,
        repeats=repeats,
        initial=_draft_initial(app, pending, repeats),
    )
    if request.method == "POST" and form.is_valid():
        try:
            uploads = [check_upload(f) for f in form.cleaned_data["files"]]
            titles = [
                line.strip()
                for line in (form.cleaned_data.get("material_titles") or "").splitlines()
                if line.strip()
            ]
            for upload, title in zip(uploads, titles, strict=False):
                upload.title = title  # read by services.replies._save_material
            repeat_of = None
            if form.cleaned_data.get("repeat_of"):
                repeat_of = next(
                    (
                        m.application
                        for m in repeats
                        if m.application.pk == form.cleaned_data["repeat_of"]
                    ),
                    None,
                )
            letter = reply_services.reply_draft(
                actor=request.user,
                app=app,
                result=form.cleaned_data["result"],
                reasons=form.cleaned_data["reasons"],
                published_location=form.cleaned_data["published_location"],
                materials=uploads,
                repeat_of=repeat_of,
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "答复书已拟定，等待审核")
            return redirect("foi:replies:letter", app.pk, letter.pk)
    return render(
        request,
        "foi/replies/draft.html",
        {
            "application": app,
            "form": form,
            "similar": report,
            "pending": pending,
            "released": list(app.materials.filter(released=True)),
        },
    )


@service_errors
def letter_view(request, app_id: int, letter_id: int):
    app = visible_application(request, app_id)
    letter = letter_of(app, letter_id)
    unit_name, date_text = letters.signature_lines(letter)
    is_reply = letter.kind.startswith("reply.")
    is_pending = letter.status == Letter.Status.DRAFT and is_reply
    notice_pending = letter.status == Letter.Status.DRAFT and letter.kind.startswith("notice.")
    return render(
        request,
        "foi/replies/letter.html",
        {
            "application": app,
            "letter": letter,
            "paragraphs": [p for p in letter.body.split("\n") if p.strip()],
            "unit_name": unit_name,
            "date_text": date_text,
            "result": reply_services.letter_result(letter)
            if letter.kind.startswith("reply.")
            else None,
            "can_approve": ((is_pending and app.status == Status.REPLY_PENDING) or notice_pending)
            and reply_services.can_approve(request.user, app),
            "is_reply": is_reply,
            "can_edit_notice": notice_pending and can_handle(request.user, app),
            "contact_note": letters.contact_note(letter),
            "settings_missing": letter.kind in letters.REMEDY_KINDS
            and letters.unit_settings(app.unit) is None,
            "can_redraft": is_pending
            and can_handle(request.user, app)
            and transitions.can(app, "draft_reply"),
            "return_form": ReturnForm(),
            "remedies_missing": letters.remedies_missing(letter.body)
            if letter.kind in letters.REMEDY_KINDS
            else [],
        },
    )


def _letter_download(request, app_id: int, letter_id: int, fmt: str):
    """The stored file of the letter, or the letter rendered now when none is stored."""
    app = visible_application(request, app_id)
    letter = letter_of(app, letter_id)
    stored = getattr(letter, fmt)
    if stored and stored.storage.exists(stored.name):
        content = stored
    else:
        content = letters.letter_docx(letter) if fmt == "docx" else letters.letter_pdf(letter)
    return download_response(content, filename=f"{app.tracking_code}-{letter.pk}.{fmt}")


@service_errors
def letter_docx(request, app_id: int, letter_id: int):
    return _letter_download(request, app_id, letter_id, "docx")


@service_errors
def letter_pdf(request, app_id: int, letter_id: int):
    return _letter_download(request, app_id, letter_id, "pdf")


@service_errors
def service_receipt_docx(request, app_id: int, letter_id: int):
    """The 送达回证 of an approved or delivered letter, to be signed by the recipient."""
    from .. import receipts

    app = visible_application(request, app_id)
    letter = letter_of(app, letter_id)
    content = receipts.service_receipt_docx(letter)
    return download_response(content, filename=f"{app.tracking_code}-{letter.pk}-送达回证.docx")


@service_errors
def application_receipt(request, app_id: int, fmt: str):
    """The applicant's 回执 of the application (printable), Word or PDF."""
    from .. import receipts

    app = visible_application(request, app_id)
    if fmt == "pdf":
        content = receipts.application_receipt_pdf(app)
    else:
        content = receipts.application_receipt_docx(app)
    return download_response(content, filename=f"{app.tracking_code}-回执.{fmt}")


@service_errors
@require_POST
def notice_explain(request, app_id: int):
    """Draft the Art. 35 要求说明理由告知书 (the numbers or frequency of requests are clearly
    beyond reason): the applicant is asked to explain by the date given."""
    import datetime as dt

    from ..services import notices

    app = handled_application(request, app_id)
    try:
        deadline = dt.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        messages.error(request, "请填写说明理由的期限")
        return redirect("foi:replies:panel", app.pk)
    if deadline <= timezone.localdate():
        messages.error(request, "说明理由的期限应晚于今天")
        return redirect("foi:replies:panel", app.pk)
    letter = notices.notice_draft_manual(
        actor=request.user,
        app=app,
        kind="notice.explain",
        parts={"correction_deadline": deadline},
    )
    messages.success(request, "已拟定要求说明理由告知书，待审核")
    return redirect("foi:replies:letter", app.pk, letter.pk)


@service_errors
@require_POST
def notice_referral(request, app_id: int):
    """Draft the 转送函 to the agency that holds the information (Art. 36(5)); the applicant is
    told by the reply 不属于本机关负责公开."""
    from ..services import notices

    app = handled_application(request, app_id)
    try:
        letter = notices.notice_draft_manual(
            actor=request.user,
            app=app,
            kind="notice.referral",
            addressee=request.POST.get("agency", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("foi:replies:panel", app.pk)
    messages.success(request, "已拟定转送函，待审核")
    return redirect("foi:replies:letter", app.pk, letter.pk)


@service_errors
@require_POST
def notice_edit(request, app_id: int, letter_id: int):
    from ..services import notices

    app = handled_application(request, app_id)
    letter = letter_of(app, letter_id)
    try:
        notices.notice_edit(actor=request.user, letter=letter, body=request.POST.get("body", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已修改告知书")
    return redirect("foi:replies:letter", app.pk, letter.pk)
