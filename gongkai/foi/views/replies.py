"""Staff pages for replies, letters, fees, similar applications, letter templates and the annual
report's section 三 table. Thin: parse, call one service, render.

The application page (views/staff.py) shows the reply panel by adding
`context["reply_panel"] = reply_panel_context(request, application)` and including
`{% include "foi/replies/_panel.html" with panel=reply_panel %}`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.uploads import check_upload
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, has_perm, units_for

from .. import letters, similarity, statistics, transitions
from ..forms_replies import (
    DeliverForm,
    FeeNoticeForm,
    FeePaidForm,
    ProactiveForm,
    ReplyDraftForm,
    ReturnForm,
    StatisticsForm,
    TemplateForm,
)
from ..models import Application, Letter, Material, Status
from ..results import RESULT_BY_KEY
from ..services import fees as fee_services
from ..services import proactive as proactive_services
from ..services import replies as reply_services

# --- access --------------------------------------------------------------------------------


def can_view(user, app: Application) -> bool:
    if has_perm(user, Action.COORDINATE):
        return True
    return bool(app.unit_id) and has_perm(user, Action.VIEW, app.unit_id)


def can_edit(user, app: Application) -> bool:
    if has_perm(user, Action.COORDINATE):
        return True
    return bool(app.unit_id) and has_perm(user, Action.EDIT, app.unit_id)


def _application(request, app_id: int) -> Application:
    app = Application.objects.select_related("unit", "unit__parent").filter(pk=app_id).first()
    if app is None or not can_view(request.user, app):
        raise Http404("申请不存在或您无权查看")
    return app


def _letter(app: Application, letter_id: int) -> Letter:
    letter = get_object_or_404(Letter, pk=letter_id, application=app)
    letter.application = app
    return letter


def _panel_url(app: Application) -> str:
    return reverse("foi:replies:panel", args=[app.pk])


def _back(request, app: Application) -> str:
    """Back to the application page when it exists, else to the reply page."""
    for name in ("foi:application", "foi:detail", "foi:application_detail"):
        try:
            return reverse(name, args=[app.pk])
        except Exception:  # noqa: S112 - the staff pages are another module's
            continue
    return _panel_url(app)


def _error(request, exc: ValidationFailed) -> None:
    messages.error(request, exc.message)


# --- the panel -----------------------------------------------------------------------------


def reply_panel_context(request, app: Application) -> dict:
    """Everything `foi/replies/_panel.html` shows for one application."""
    user = request.user
    editable = can_edit(user, app)
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
        and transitions.can(app, "deliver")
        and any(lt.status == Letter.Status.APPROVED for lt in app_letters),
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
    app = _application(request, app_id)
    return render(
        request,
        "foi/replies/panel.html",
        {"panel": reply_panel_context(request, app), "application": app},
    )


# --- drafting, review, delivery ------------------------------------------------------------


@service_errors
@require_http_methods(["GET", "POST"])
def draft(request, app_id: int):
    app = _application(request, app_id)
    if not can_edit(request.user, app):
        raise DjangoPermissionDenied("您没有拟定答复的权限")
    report = similarity.find_similar(app)
    repeats = report.answered_repeats
    pending = reply_services.pending_letter(app)
    initial = {}
    if pending is not None:
        res = reply_services.letter_result(pending)
        event = reply_services._draft_event(pending)
        data = (event.data or {}) if event else {}
        initial = {
            "result": res.key if res else "",
            "reasons": data.get("reasons", ""),
            "published_location": data.get("published_location", ""),
        }
    elif repeats:
        initial = {"result": "reject.repeat", "repeat_of": repeats[0].application.pk}
    form = ReplyDraftForm(
        request.POST or None, request.FILES or None, repeats=repeats, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            uploads = [check_upload(f) for f in form.cleaned_data["files"]]
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
    app = _application(request, app_id)
    letter = _letter(app, letter_id)
    unit_name, date_text = letters.signature_lines(letter)
    is_pending = letter.status == Letter.Status.DRAFT and letter.kind.startswith("reply.")
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
            "can_approve": is_pending
            and reply_services.can_approve(request.user, app)
            and app.status == Status.REPLY_PENDING,
            "can_redraft": is_pending
            and can_edit(request.user, app)
            and transitions.can(app, "draft_reply"),
            "return_form": ReturnForm(),
            "remedies_missing": letters.remedies_missing(letter.body),
        },
    )


def _download(letter: Letter, fmt: str) -> HttpResponse:
    stored = letter.docx if fmt == "docx" else letter.pdf
    name = f"{letter.application.tracking_code}-{letter.pk}.{fmt}"
    content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if fmt == "docx"
        else "application/pdf"
    )
    if stored:
        try:
            return FileResponse(
                stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
            )
        except FileNotFoundError:
            pass
    data = letters.letter_docx(letter) if fmt == "docx" else letters.letter_pdf(letter)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@service_errors
def letter_docx(request, app_id: int, letter_id: int):
    app = _application(request, app_id)
    return _download(_letter(app, letter_id), "docx")


@service_errors
def letter_pdf(request, app_id: int, letter_id: int):
    app = _application(request, app_id)
    return _download(_letter(app, letter_id), "pdf")


@service_errors
@require_POST
def approve(request, app_id: int, letter_id: int):
    app = _application(request, app_id)
    letter = _letter(app, letter_id)
    try:
        reply_services.reply_approve(actor=request.user, letter=letter)
    except ValidationFailed as exc:
        _error(request, exc)
        return redirect("foi:replies:letter", app.pk, letter.pk)
    messages.success(request, "答复已审核通过，答复日期为今天；请登记送达")
    return redirect(_back(request, app))


@service_errors
@require_POST
def return_letter(request, app_id: int, letter_id: int):
    app = _application(request, app_id)
    letter = _letter(app, letter_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时须填写理由")
        return redirect("foi:replies:letter", app.pk, letter.pk)
    try:
        reply_services.reply_return(
            actor=request.user, letter=letter, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        _error(request, exc)
        return redirect("foi:replies:letter", app.pk, letter.pk)
    messages.success(request, "答复已退回修改")
    return redirect(_back(request, app))


@service_errors
@require_http_methods(["GET", "POST"])
def deliver(request, app_id: int):
    app = _application(request, app_id)
    if not can_edit(request.user, app):
        raise DjangoPermissionDenied()
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
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记送达")
            return redirect(_back(request, app))
    return render(
        request,
        "foi/replies/deliver.html",
        {"application": app, "form": form, "approved": approved},
    )


@service_errors
def material_download(request, app_id: int, material_id: int):
    app = _application(request, app_id)
    material = get_object_or_404(Material, pk=material_id, application=app)
    try:
        return FileResponse(
            material.file.open("rb"), as_attachment=True, filename=material.original_name
        )
    except FileNotFoundError:
        raise Http404("文件不存在") from None


# --- fees ----------------------------------------------------------------------------------


@service_errors
@require_http_methods(["GET", "POST"])
def fee_notice(request, app_id: int):
    app = _application(request, app_id)
    if not can_edit(request.user, app):
        raise DjangoPermissionDenied()
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
                return redirect(_back(request, app))
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
    app = _application(request, app_id)
    form = FeePaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写缴费日期")
        return redirect(_back(request, app))
    try:
        fee_services.fee_paid(actor=request.user, app=app, date=form.cleaned_data["date"])
    except ValidationFailed as exc:
        _error(request, exc)
    else:
        messages.success(request, "已登记缴费，答复期限恢复计算")
    return redirect(_back(request, app))


@service_errors
@require_POST
def fee_expire(request, app_id: int):
    app = _application(request, app_id)
    try:
        fee_services.fee_expire(actor=request.user, app=app)
    except ValidationFailed as exc:
        _error(request, exc)
    else:
        messages.success(request, "申请人逾期未缴费，申请已按“其他处理”办结")
    return redirect(_back(request, app))


# --- similar applications and Art. 44 --------------------------------------------------------


@service_errors
def similar(request, app_id: int):
    app = _application(request, app_id)
    report = similarity.find_similar(app)
    return render(
        request,
        "foi/replies/similar.html",
        {"application": app, "similar": report, "visible": _visible(request.user, report)},
    )


def _visible(user, report) -> dict[int, bool]:
    return {
        m.application.pk: can_view(user, m.application) for m in [*report.repeats, *report.similar]
    }


@service_errors
@require_http_methods(["GET", "POST"])
def proactive(request, app_id: int):
    app = _application(request, app_id)
    if not can_edit(request.user, app):
        raise DjangoPermissionDenied()
    report = similarity.find_similar(app)
    group = [a for a in report.group if a.unit_id == app.unit_id]
    form = ProactiveForm(
        request.POST or None,
        unit=app.unit,
        initial={"title": proactive_services.default_title(group)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = proactive_services.suggest_proactive(
                actor=request.user,
                apps=group,
                column=form.cleaned_data["column"],
                title=form.cleaned_data["title"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已在目录中新建草稿（索引号 {item.index_number}），请补充正文后提交审核"
            )
            return redirect(_back(request, app))
    return render(
        request,
        "foi/replies/proactive.html",
        {"application": app, "form": form, "group": group, "similar": report},
    )


# --- letter templates ----------------------------------------------------------------------


def _require_template_editor(user) -> None:
    if not reply_services.can_edit_templates(user):
        raise DjangoPermissionDenied("只有系统管理员或公开办可以修改文书模板")


def template_list(request):
    _require_template_editor(request.user)
    letters.letter_templates_ensure()
    rows = [
        {"kind": kind, "name": name, "template": letters.template_get(kind)}
        for kind, (name, _t, _b) in letters.DEFAULT_TEMPLATES.items()
    ]
    return render(request, "foi/replies/templates.html", {"rows": rows})


@service_errors
@require_http_methods(["GET", "POST"])
def template_edit(request, kind: str):
    _require_template_editor(request.user)
    if kind not in letters.DEFAULT_TEMPLATES:
        raise Http404("未知的文书类型")
    template = letters.template_get(kind)
    form = TemplateForm(
        request.POST or None, kind=kind, initial={"title": template.title, "body": template.body}
    )
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        try:
            reply_services.letter_template_update(
                actor=request.user,
                kind=kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "模板已保存")
            return redirect("foi:replies_office:templates")
    preview = form.preview
    if preview is None and request.method == "GET":
        try:
            preview = letters.render_text(template.title, template.body, letters.sample_context())
        except ValidationFailed:
            preview = None
    return render(
        request,
        "foi/replies/template_edit.html",
        {
            "kind": kind,
            "name": letters.template_name(kind),
            "form": form,
            "preview": preview,
            "variables": letters.CONTEXT_HELP.items(),
            "default_body": letters.DEFAULT_TEMPLATES[kind][2],
        },
    )


# --- statistics ----------------------------------------------------------------------------


def _statistics_scope(request):
    """(form, table or None): all units for COORDINATE/VIEW_DASHBOARD holders, else the
    units the user may view."""
    user = request.user
    allow_all = has_perm(user, Action.COORDINATE) or has_perm(user, Action.VIEW_DASHBOARD)
    units = Unit.objects.filter(is_active=True) if allow_all else units_for(user, Action.VIEW)
    if not allow_all and not units.exists():
        raise DjangoPermissionDenied()
    data = request.GET if "year" in request.GET else None
    form = StatisticsForm(data, units=units, allow_all=allow_all)
    if data is None:
        year = timezone.localdate().year - 1
        unit = None if allow_all else units.first()
        return form, year, unit
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["year"], form.cleaned_data.get("unit")


def statistics_page(request):
    form, year, unit = _statistics_scope(request)
    table = statistics.annual_table(year, unit=unit) if year else None
    query = ""
    if year:
        query = f"year={year}" + (f"&unit={unit.pk}" if unit else "")
    return render(
        request,
        "foi/replies/statistics.html",
        {"form": form, "table": table, "unit": unit, "query": query},
    )


def statistics_xlsx(request):
    _form, year, unit = _statistics_scope(request)
    if not year:
        raise Http404("参数有误")
    table = statistics.annual_table(year, unit=unit)
    data = statistics.annual_table_xlsx(table)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{year}-ysqgk{'-' + str(unit.pk) if unit else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
