"""Public pages of 依申请公开 (mounted at /ysqgk/, namespace ``foi_public``).

    guide          /ysqgk/                     the Art. 12 guide for applications
    apply          /ysqgk/apply/               the online form (Art. 29), captcha, rate limits
    confirmation   /ysqgk/apply/done/          the tracking code, shown once (from the session)
    lookup         /ysqgk/lookup/              tracking code + phone → status (rate limited)
    lookup_end     /ysqgk/lookup/end/          forget the looked-up application
    status         /ysqgk/status/              status, due date, public timeline, released letters;
                                               while 待补正: what to correct, by when, and the form
    correction     /ysqgk/status/correction/   POST: the applicant's correction (text + one file),
                                               rate limited; `handling.application_receive_correction`
    letter         /ysqgk/status/letters/<pk>/<fmt>/   a released letter of that application
    material       /ysqgk/status/materials/<pk>/       a released material of that application

Every read goes through `gongkai.foi.selectors.public`, which hands over plain frozen data with
only what these pages show: never the identity number, phone, address or e-mail; the applicant's
name masked (张*). Downloads go through `gongkai.core.downloads.download_response`. The
looked-up application lives in the session (never in the URL) for LOOKUP_SECONDS; the tracking
code is never written to a log.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.downloads import download_response, open_stored
from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import check_upload

from .. import ratelimits
from ..forms.public import (
    CORRECTION_MAX_BYTES,
    ApplicationForm,
    CorrectionForm,
    LookupForm,
)
from ..models import Channel
from ..selectors import public as selectors
from ..selectors.public import PublicDownload
from ..services import application_register
from ..services.handling import (
    CORRECTION_MATERIAL_KINDS,
    application_receive_correction,
)
from ..similarity import normalize

logger = logging.getLogger(__name__)

CONFIRMATION_KEY = "foi_public_confirmation"
#: the application just submitted from this session, for printing its 回执
RECEIPT_KEY = "foi_public_receipt"
LOOKUP_KEY = "foi_public_lookup"
CORRECTION_DONE_KEY = "foi_public_correction_done"
LOOKUP_SECONDS = 30 * 60

GUIDE_DEFAULTS = {
    "office": "",
    "address": "",
    "postcode": "",
    "hours": "工作日上午9:00—12:00，下午14:30—17:30（法定节假日除外）",
    "phone": "",
    "fax": "",
    "email": "",
}


def guide_settings() -> dict:
    """The office's contact details for the guide (Art. 12): ``settings.GONGKAI_GUIDE`` over
    the defaults; the office defaults to the site owner."""
    values = {**GUIDE_DEFAULTS, "office": settings.SITE_OWNER}
    values.update({k: v for k, v in (settings.GONGKAI_GUIDE or {}).items() if v})
    return values


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _captcha_refresh_url() -> str:
    try:
        return reverse("captcha-refresh")
    except NoReverseMatch:  # captcha.urls not mounted: the no-JS refresh still works
        return ""


# ------------------------------------------------------------------------------------------------
# Guide


@require_GET
def guide(request):
    return render(request, "foi/public/guide.html", {"guide": guide_settings(), "nav": "guide"})


# ------------------------------------------------------------------------------------------------
# Application form


def _render_form(request, form, *, status: int = 200):
    context = {
        "form": form,
        "guide": guide_settings(),
        "nav": "apply",
        "captcha_refresh_url": _captcha_refresh_url(),
    }
    return _no_store(render(request, "foi/public/apply.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method != "POST":
        return _render_form(request, ApplicationForm())

    if request.POST.get("refresh_captcha"):
        # Without JavaScript: the same form again with what was typed, and a new captcha.
        kept = {
            key: value
            for key, value in request.POST.items()
            if not key.startswith("captcha")
            and key not in {"csrfmiddlewaretoken", "refresh_captcha"}
        }
        return _render_form(request, ApplicationForm(initial=kept))

    wait = ratelimits.consume(request, "apply_post") or ratelimits.limited(request, "apply")
    if wait:
        return ratelimits.too_many_requests(request, wait)

    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form)

    arrived_at = timezone.now()
    try:
        application = application_register(
            actor=None,
            channel=Channel.ONLINE,
            arrived_at=arrived_at,
            normalized_text=normalize(form.cleaned_data["description"]),
            submitted_ip_hash=ratelimits.client_hash(request),
            **form.application_fields(),
        )
    except ValidationFailed as exc:
        # The form checks everything the service does; this is a safety net for rules added
        # to the service later. Show each message next to its field.
        fields = (exc.extra or {}).get("fields") or {}
        for name, message in fields.items():
            form.add_error(name if name in form.fields else None, message)
        if not fields:
            form.add_error(None, exc.message)
        return _render_form(request, form)

    ratelimits.consume(request, "apply")
    request.session[RECEIPT_KEY] = application.pk
    request.session[CONFIRMATION_KEY] = {
        "code": application.tracking_code,
        "arrived_at": application.arrived_at.isoformat(),
    }
    return redirect("foi_public:confirmation")


@never_cache
@require_GET
def confirmation(request):
    shown = request.session.pop(CONFIRMATION_KEY, None)
    context = {"nav": "apply", "tracking_code": None}
    if shown:
        context["tracking_code"] = shown.get("code")
        try:
            context["arrived_at"] = timezone.localtime(
                dt.datetime.fromisoformat(shown["arrived_at"])
            )
        except (KeyError, TypeError, ValueError):
            context["arrived_at"] = None
    return _no_store(render(request, "foi/public/confirmation.html", context))


# ------------------------------------------------------------------------------------------------
# Lookup and status


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None)
    context = {"form": form, "nav": "lookup", "expired": request.GET.get("expired") == "1"}
    if request.method == "POST":
        wait = ratelimits.consume(request, "lookup")
        if wait:
            return ratelimits.too_many_requests(request, wait)
        if form.is_valid():
            application_id = selectors.application_id_for_lookup(
                tracking_code=form.cleaned_data["tracking_code"], phone=form.cleaned_data["phone"]
            )
            if application_id is not None:
                request.session.pop(LOOKUP_KEY, None)
                request.session.cycle_key()
                request.session[LOOKUP_KEY] = {
                    "id": application_id,
                    "until": time.time() + LOOKUP_SECONDS,
                }
                return redirect("foi_public:status")
            context["lookup_failed"] = True
            context["form"] = LookupForm(
                initial={"tracking_code": form.cleaned_data["tracking_code"]}
            )
    return _no_store(render(request, "foi/public/lookup.html", context))


@require_POST
def lookup_end(request):
    request.session.pop(LOOKUP_KEY, None)
    return redirect("foi_public:lookup")


def _looked_up(request) -> int | None:
    """The id of the application looked up in this session, while the lookup lasts."""
    entry = request.session.get(LOOKUP_KEY)
    if not entry or entry.get("until", 0) < time.time():
        request.session.pop(LOOKUP_KEY, None)
        return None
    return entry.get("id")


def _render_status(request, application_id: int, *, correction_form=None, status=200):
    application = selectors.public_application(application_id)
    if application is None:
        request.session.pop(LOOKUP_KEY, None)
        return redirect(reverse("foi_public:lookup") + "?expired=1")
    if application.correction is not None and correction_form is None:
        correction_form = CorrectionForm()
    done = request.session.pop(CORRECTION_DONE_KEY, None) == application_id
    context = {
        "nav": "lookup",
        "application": application,
        "correction_form": correction_form if application.correction is not None else None,
        "correction_done": done,
    }
    return _no_store(render(request, "foi/public/status.html", context, status=status))


@never_cache
@require_GET
def status(request):
    application_id = _looked_up(request)
    if application_id is None:
        return redirect(reverse("foi_public:lookup") + "?expired=1")
    return _render_status(request, application_id)


@never_cache
@require_POST
def correction(request):
    """The applicant's correction (补正) of the looked-up application. It arrives online today:
    the reply period restarts from today (Art. 30), and the staff see it on the timeline."""
    application_id = _looked_up(request)
    if application_id is None:
        return redirect(reverse("foi_public:lookup") + "?expired=1")
    wait = ratelimits.consume(request, "correction")
    if wait:
        return ratelimits.too_many_requests(request, wait)
    application = selectors.correction_target(application_id)
    if application is None:
        return redirect("foi_public:status")
    form = CorrectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_status(request, application_id, correction_form=form)
    upload = None
    if form.cleaned_data.get("file"):
        try:
            upload = check_upload(
                form.cleaned_data["file"],
                allowed=CORRECTION_MATERIAL_KINDS,
                max_bytes=CORRECTION_MAX_BYTES,
            )
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
            return _render_status(request, application_id, correction_form=form)
    try:
        application_receive_correction(
            actor=None,
            application=application,
            text=form.cleaned_data["text"],
            online=True,
            upload=upload,
        )
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return _render_status(request, application_id, correction_form=form)
    logger.info("foi application %s: correction submitted online", application_id)
    request.session[CORRECTION_DONE_KEY] = application_id
    return redirect("foi_public:status")


def _send(found: PublicDownload | None, missing: str):
    if found is None:
        raise Http404(missing)
    content = found.content if found.content is not None else open_stored(found.stored_name)
    response = download_response(content, filename=found.filename, content_type=found.content_type)
    return _no_store(response)


@never_cache
@require_GET
def letter(request, pk: int, fmt: str):
    application_id = _looked_up(request)
    if application_id is None:
        raise Http404("查询已过期")
    found = selectors.released_letter_download(application_id=application_id, letter_id=pk, fmt=fmt)
    return _send(found, "文书不存在")


@never_cache
@require_GET
def material(request, pk: int):
    application_id = _looked_up(request)
    if application_id is None:
        raise Http404("查询已过期")
    found = selectors.released_material_download(application_id=application_id, material_id=pk)
    return _send(found, "材料不存在")


@never_cache
@require_GET
def receipt(request):
    """The printable 回执 (PDF) of the application submitted from, or looked up in, this session."""
    from .. import receipts
    from ..models import Application

    application_id = _looked_up(request) or request.session.get(RECEIPT_KEY)
    app = Application.objects.filter(pk=application_id).first() if application_id else None
    if app is None:
        raise Http404("查询已过期")
    content = receipts.application_receipt_pdf(app)
    return _no_store(download_response(content, filename=f"{app.tracking_code}-回执.pdf"))


@never_cache
@require_POST
def letter_confirm(request, pk: int):
    from ..services.replies import letter_confirm_receipt

    application_id = _looked_up(request)
    if application_id is None:
        raise Http404("查询已过期")
    try:
        letter_confirm_receipt(application_id=application_id, letter_id=pk)
    except ValidationFailed as exc:
        raise Http404(exc.message) from None
    return redirect("foi_public:status")
