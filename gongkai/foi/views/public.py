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

Nothing here ever renders the identity number, phone, address or e-mail; the applicant's name is
masked (张*). The looked-up application lives in the session (never in the URL) for
LOOKUP_SECONDS; the tracking code is never written to a log.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import time

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import check_upload
from gongkai.foi import ratelimits
from gongkai.foi.forms_public import (
    CORRECTION_MAX_BYTES,
    ApplicationForm,
    CorrectionForm,
    LookupForm,
    phone_key,
)
from gongkai.foi.models import (
    ApplicantType,
    Application,
    Channel,
    Event,
    Letter,
    Material,
    Status,
)
from gongkai.foi.services import application_register
from gongkai.foi.services.handling import (
    CORRECTION_MATERIAL_KINDS,
    application_receive_correction,
)
from gongkai.foi.similarity import normalize

logger = logging.getLogger(__name__)

CONFIRMATION_KEY = "foi_public_confirmation"
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

STATUS_TEXT = {
    Status.REGISTERED: "您的申请已到达，工作人员将与您确认收到申请的日期，确认后开始计算答复期限。",
    Status.CORRECTION: "申请内容需要补正，请按照补正告知书的要求在期限内补正。补正期间答复期限暂停计算。",
    Status.PROCESSING: "您的申请正在办理。",
    Status.CONSULTING: "正在征求第三方或其他机关的意见，所需时间不计算在答复期限内。",
    Status.AWAITING_FEE: "需要缴纳信息处理费，请查看收费通知。缴费期间答复期限暂停计算。",
    Status.REPLY_PENDING: "答复意见正在审核，审核后将向您送达。",
    Status.REPLIED: "已作出答复，请查看并下载答复告知书。",
    Status.CLOSED: "申请已办结。",
}


def guide_settings() -> dict:
    """The office's contact details for the guide (Art. 12): ``settings.GONGKAI_GUIDE`` over
    the defaults; the office defaults to the site owner."""
    values = {**GUIDE_DEFAULTS, "office": settings.SITE_OWNER}
    values.update({k: v for k, v in (settings.GONGKAI_GUIDE or {}).items() if v})
    return values


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


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


# The public side's reads: only these helpers touch Application, and what they hand to the
# templates is rendered field by field (never the identity number, phone, address or e-mail).


def _find(tracking_code: str) -> Application | None:
    return Application.objects.filter(tracking_code=tracking_code).first()


_DUMMY_KEY = "0" * 11


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
            application = _find(form.cleaned_data["tracking_code"])
            given = phone_key(form.cleaned_data["phone"])
            stored = phone_key(application.phone) if application is not None else _DUMMY_KEY
            # Compare in constant time, and compare even when the code is unknown, so that
            # neither the answer nor its timing says which of the two was wrong.
            same = hmac.compare_digest(stored.encode(), (given or "-").encode())
            if application is not None and given and same:
                request.session.pop(LOOKUP_KEY, None)
                request.session.cycle_key()
                request.session[LOOKUP_KEY] = {
                    "id": application.pk,
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


def _looked_up(request) -> Application | None:
    entry = request.session.get(LOOKUP_KEY)
    if not entry or entry.get("until", 0) < time.time():
        request.session.pop(LOOKUP_KEY, None)
        return None
    return Application.objects.filter(pk=entry.get("id")).first()


def _applicant_display(application: Application) -> str:
    if application.applicant_type == ApplicantType.LEGAL and application.org_name:
        return f"{application.org_name}（经办人 {mask_name(application.applicant_name)}）"
    return mask_name(application.applicant_name)


def _released_letters(application: Application):
    return application.letters.filter(status=Letter.Status.RELEASED).order_by("created_at", "pk")


def _released_materials(application: Application):
    """The materials provided with the reply: only once a reply letter has reached the
    applicant (a draft's materials are not the agency's decision yet — the reviewer may still
    return the draft, e.g. because the redaction is incomplete)."""
    if not _released_letters(application).filter(kind__startswith="reply.").exists():
        return application.materials.none()
    return application.materials.filter(released=True).order_by("created_at", "pk")


def _date_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _correction_request(application: Application) -> dict | None:
    """While 待补正: what the agency asked to be corrected and by when (Art. 30)."""
    if application.status != Status.CORRECTION:
        return None
    event = (
        application.events.filter(kind=Event.Kind.CORRECTION_REQUESTED, public=True)
        .order_by("-date", "-created_at", "-pk")
        .first()
    )
    if event is None:
        return None
    deadline = _date_or_none((event.data or {}).get("deadline"))
    return {
        "items": (event.data or {}).get("items", ""),
        "requested_on": event.date,
        "deadline": deadline,
        "overdue": bool(deadline and timezone.localdate() > deadline),
    }


def _render_status(request, application: Application, *, correction_form=None, status=200):
    correction = _correction_request(application)
    if correction is not None and correction_form is None:
        correction_form = CorrectionForm()
    done = request.session.pop(CORRECTION_DONE_KEY, None) == application.pk
    context = {
        "nav": "lookup",
        "application": application,
        "applicant_display": _applicant_display(application),
        "status_label": application.get_status_display(),
        "status_text": STATUS_TEXT.get(application.status, ""),
        "timeline": application.events.filter(public=True).order_by("date", "created_at", "pk"),
        "letters": _released_letters(application),
        "materials": _released_materials(application),
        "correction": correction,
        "correction_form": correction_form if correction is not None else None,
        "correction_done": done,
    }
    return _no_store(render(request, "foi/public/status.html", context, status=status))


@never_cache
@require_GET
def status(request):
    application = _looked_up(request)
    if application is None:
        return redirect(reverse("foi_public:lookup") + "?expired=1")
    return _render_status(request, application)


@never_cache
@require_POST
def correction(request):
    """The applicant's correction (补正) of the looked-up application. It arrives online today:
    the reply period restarts from today (Art. 30), and the staff see it on the timeline."""
    application = _looked_up(request)
    if application is None:
        return redirect(reverse("foi_public:lookup") + "?expired=1")
    wait = ratelimits.consume(request, "correction")
    if wait:
        return ratelimits.too_many_requests(request, wait)
    if application.status != Status.CORRECTION:
        return redirect("foi_public:status")
    form = CorrectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_status(request, application, correction_form=form)
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
            return _render_status(request, application, correction_form=form)
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
        application.refresh_from_db()
        return _render_status(request, application, correction_form=form)
    logger.info("foi application %s: correction submitted online", application.pk)
    request.session[CORRECTION_DONE_KEY] = application.pk
    return redirect("foi_public:status")


def _safe_filename(title: str, suffix: str) -> str:
    cleaned = "".join(c for c in title if c not in '\\/:*?"<>|\r\n\t').strip() or "文书"
    return f"{cleaned[:80]}.{suffix}"


@never_cache
@require_GET
def letter(request, pk: int, fmt: str):
    application = _looked_up(request)
    if application is None:
        raise Http404("查询已过期")
    item = _released_letters(application).filter(pk=pk).first()
    if item is None:
        raise Http404("文书不存在")
    if fmt == "txt":
        response = HttpResponse(item.body, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = _content_disposition(_safe_filename(item.title, "txt"))
        return _no_store(response)
    file = {"pdf": item.pdf, "docx": item.docx}.get(fmt)
    if not file:
        raise Http404("文书不存在")
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=_safe_filename(item.title, fmt)
    )
    return _no_store(response)


@never_cache
@require_GET
def material(request, pk: int):
    application = _looked_up(request)
    if application is None:
        raise Http404("查询已过期")
    item: Material | None = _released_materials(application).filter(pk=pk).first()
    if item is None or not item.file:
        raise Http404("材料不存在")
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    return _no_store(response)


def _content_disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)
