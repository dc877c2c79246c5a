"""Letter templates (文书模板): the list and the editor with a live preview. System
administrators and the 公开办 only (`services.replies.can_edit_templates`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors

from .. import letters
from ..forms.replies import TemplateForm
from ..services import replies as reply_services


def _require_template_editor(user) -> None:
    if not reply_services.can_edit_templates(user):
        raise PermissionDenied("只有系统管理员或公开办可以修改文书模板")


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


@service_errors
def unit_settings_list(request):
    """Every unit's review body, court, number pattern and contact for the letters."""
    from gongkai.orgs.models import Unit

    _require_template_editor(request.user)
    units = Unit.objects.filter(is_active=True).select_related("letter_settings")
    rows = [{"unit": u, "settings": letters.unit_settings(u)} for u in units]
    return render(request, "foi/replies/unit_settings.html", {"rows": rows})


@service_errors
@require_http_methods(["GET", "POST"])
def unit_settings_edit(request, unit_id: int):
    from django.shortcuts import get_object_or_404

    from gongkai.orgs.models import Unit

    from ..forms.replies import UnitLetterSettingsForm

    _require_template_editor(request.user)
    unit = get_object_or_404(Unit, pk=unit_id)
    current = letters.unit_settings(unit)
    initial = (
        {k: getattr(current, k) for k in UnitLetterSettingsForm.base_fields}
        if current
        else {"contact_phone": unit.contact_phone}
    )
    form = UnitLetterSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reply_services.unit_letter_settings_save(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("foi:replies_office:unit_settings")
    return render(request, "foi/replies/unit_settings_edit.html", {"unit": unit, "form": form})
