"""Similar and repeated applications of one application, and the Art. 44 suggestion to publish
proactively what many applicants ask for (a draft catalog item)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors

from .. import selectors, similarity
from ..forms.replies import ProactiveForm
from ..services import proactive as proactive_services
from .access import handled_application, visible_application


@service_errors
def similar(request, app_id: int):
    app = visible_application(request, app_id)
    report = similarity.find_similar(app)
    matches = [*report.repeats, *report.similar]
    visible = selectors.visible_application_ids(
        user=request.user, ids=[m.application.pk for m in matches]
    )
    return render(
        request,
        "foi/replies/similar.html",
        {
            "application": app,
            "similar": report,
            "visible": {m.application.pk: m.application.pk in visible for m in matches},
        },
    )


@service_errors
@require_http_methods(["GET", "POST"])
def proactive(request, app_id: int):
    app = handled_application(request, app_id)
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
            return redirect("foi:application_detail", application_id=app.pk)
    return render(
        request,
        "foi/replies/proactive.html",
        {"application": app, "form": form, "group": group, "similar": report},
    )
