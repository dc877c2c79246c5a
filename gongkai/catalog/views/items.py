"""The staff pages for information items (信息发布): the list, the form, the item page with its
checks, history, versions and action forms, attachment upload, removal and download.

Every item is fetched through `_item_get`, which only sees the units the user may view, so
another unit's item is a 404 on every URL here; what the user may *do* with a visible item is
decided by the services (a refused action is a 403)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core import pii
from gongkai.core.downloads import download_response
from gongkai.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.orgs.permissions import Action, has_perm, units_for

from ..checks import run_checks
from ..checks.content import portal_item_url
from ..forms.items import (
    ApproveForm,
    AttachmentForm,
    ItemEditForm,
    ItemFilterForm,
    ItemForm,
    MaskForm,
    PublishForm,
    ReturnForm,
    ReviseForm,
    SubmitForm,
    WithdrawForm,
    item_initial,
)
from ..models import PUBLIC_STATES, Item, ItemAttachment, ItemStatus, PublicState
from ..selectors import staff as staff_selectors
from ..services import items as item_services
from ..services.pii import item_mask_pii

# ---------------------------------------------------------------------------------------------
# Reading (only the units the user may view)


def _visible(user):
    return Item.objects.filter(unit__in=units_for(user, Action.VIEW))


def _item_get(user, item_id: int) -> Item:
    try:
        return (
            _visible(user)
            .select_related("column", "unit", "interprets", "current_version", "pii_override_by")
            .get(pk=item_id)
        )
    except (Item.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _query(params: dict, **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


@service_errors
@require_GET
def item_list(request):
    user = request.user
    view_units = units_for(user, Action.VIEW)
    approve_unit_ids = list(units_for(user, Action.APPROVE).values_list("pk", flat=True))
    data = request.GET.copy()
    data.pop("page", None)
    form = ItemFilterForm(data, units=view_units.filter(is_active=True))
    filters = form.filters()
    base = _visible(user)
    if filters["column"]:
        base = base.filter(column=filters["column"])
    if filters["unit"]:
        base = base.filter(unit=filters["unit"])
    if filters["public_state"]:
        base = base.filter(public_state=filters["public_state"])
    if filters["q"]:
        q = filters["q"]
        base = base.filter(
            Q(title__icontains=q) | Q(index_number__icontains=q) | Q(doc_number__icontains=q)
        )
    review_q = Q(status=ItemStatus.SUBMITTED, unit__in=approve_unit_ids)
    # the drafts the reviewer sent back, as on the home page (`items_returned`)
    returned_q = Q(pk__in=staff_selectors.items_returned(user=user).values("pk"))
    counts = base.aggregate(
        all=Count("pk"),
        review=Count("pk", filter=review_q),
        returned=Count("pk", filter=returned_q),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in ItemStatus},
    )
    items = base
    status = filters["status"]
    if status == "review":
        items = items.filter(review_q)
    elif status == "returned":
        items = items.filter(returned_q)
    elif status:
        items = items.filter(status=status)
    items = items.select_related("column", "unit").order_by("-updated_at", "-pk")
    page = paginate(request, items, per_page=30)
    params = {k: form.data.get(k, "") for k in ("column", "unit", "public_state", "q")}
    badges = [("", _("全部"), counts["all"])]
    if approve_unit_ids:
        badges.append(("review", _("待我审核"), counts["review"]))
    if has_perm(user, Action.EDIT) or status == "returned":
        badges.append(("returned", _("被退回修改"), counts["returned"]))
    badges += [(s.value, s.label, counts[s.value]) for s in ItemStatus]
    return render(
        request,
        "catalog/staff/item_list.html",
        {
            "form": form,
            "page": page,
            "badges": [
                {
                    "label": label,
                    "count": count,
                    "query": _query(params, status=value) or "status=",
                    "current": value == status,
                    "kind": value or "all",
                }
                for value, label, count in badges
            ],
            "query": data.urlencode(),
            "can_create": has_perm(user, Action.EDIT),
        },
    )


# ---------------------------------------------------------------------------------------------
# The item page


def _pii_finding(findings):
    return next((f for f in findings if f.code == "pii"), None)


def _detail(request, item: Item, *, status: int = 200, **bound_forms):
    user = request.user
    unit = item.unit
    findings = run_checks(item)
    pii_finding = _pii_finding(findings)
    initial = {"version": item.version}
    may_edit = has_perm(user, Action.EDIT, unit)
    may_approve = has_perm(user, Action.APPROVE, unit)
    editable = item.status == ItemStatus.DRAFT and item.public_state != PublicState.REMOVED
    revision = item.current_version_id is not None
    forms = {
        "attach_form": AttachmentForm(prefix="attach", initial=initial)
        if may_edit and editable
        else None,
        "mask_form": MaskForm(prefix="mask", initial=initial)
        if may_edit and editable and pii_finding
        else None,
        "submit_form": SubmitForm(prefix="submit", initial=initial)
        if editable and has_perm(user, Action.SUBMIT, unit)
        else None,
        "approve_form": ApproveForm(
            prefix="approve", initial=initial, show_override=bool(pii_finding), revision=revision
        )
        if may_approve and item.status == ItemStatus.SUBMITTED
        else None,
        "return_form": ReturnForm(prefix="return", initial=initial)
        if may_approve and item.status in (ItemStatus.SUBMITTED, ItemStatus.APPROVED)
        else None,
        "publish_form": PublishForm(prefix="publish", initial=initial, revision=revision)
        if may_approve and item.status == ItemStatus.APPROVED
        else None,
        "withdraw_form": WithdrawForm(
            prefix="withdraw",
            initial=initial,
            withdrawn=item.public_state == PublicState.WITHDRAWN,
        )
        if may_approve and item.public_state in PUBLIC_STATES
        else None,
        "revise_form": ReviseForm(prefix="revise", initial=initial)
        if may_edit
        and item.status == ItemStatus.PUBLISHED
        and item.public_state == PublicState.LIVE
        else None,
    }
    forms.update(bound_forms)
    attachments = list(item.attachments.filter(is_active=True))
    # The preview shows personal data masked, like the findings; the form shows the real text.
    preview = pii.mask_html(item.body) if pii_finding else item.body
    context = {
        "body_preview": preview,
        "preview_masked": bool(pii_finding) and preview != item.body,
        "item": item,
        "findings": findings,
        "blocking": [f for f in findings if f.blocking],
        "pii": pii_finding,
        "attachments": attachments,
        "unscanned": [a for a in attachments if not a.text.strip()],
        "entries": item.review_entries.select_related("actor"),
        "versions": item.versions.select_related("published_by"),
        "related": item.related.all(),
        "interpretations": item.interpretations.all(),
        "can_edit": may_edit and editable,
        "revision": revision,
        "portal_url": portal_item_url(item.pk) if item.public_state in PUBLIC_STATES else "",
        **forms,
    }
    return render(request, "catalog/staff/item_detail.html", context, status=status)


@service_errors
@require_GET
def item_detail(request, item_id: int):
    return _detail(request, _item_get(request.user, item_id))


# ---------------------------------------------------------------------------------------------
# The form


def _uploads(prepared) -> list:
    """The form's prepared attachments as the services take them: (upload, extracted text)."""
    return [(p.upload, p.text) for p in prepared]


def _warnings(prepared) -> list[str]:
    return [p.warning for p in prepared if p.warning]


@service_errors
@require_http_methods(["GET", "POST"])
def item_create(request):
    user = request.user
    edit_units = units_for(user, Action.EDIT)
    if not edit_units.exists():
        raise PermissionDenied()
    posted = request.method == "POST"
    initial = {}
    own = list(edit_units.filter(is_active=True).values_list("pk", flat=True)[:2])
    if len(own) == 1:
        initial["unit"] = own[0]
    form = ItemForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        edit_units=edit_units,
        initial=initial,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            item = item_services.item_create(
                actor=user,
                unit=data["unit"],
                uploads=_uploads(data["attachments"]),
                **form.item_fields(),
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("信息已保存为草稿，索引号 %(n)s") % {"n": item.index_number}
            )
            for warning in _warnings(data["attachments"]):
                messages.warning(request, warning)
            return redirect("catalog:item_detail", item_id=item.pk)
    return render(
        request,
        "catalog/staff/item_form.html",
        {"form": form, "item": None},
        status=400 if posted else 200,
    )


@service_errors
@require_http_methods(["GET", "POST"])
def item_edit(request, item_id: int):
    user = request.user
    item = _item_get(user, item_id)
    if not has_perm(user, Action.EDIT, item.unit):
        raise PermissionDenied()
    if item.status != ItemStatus.DRAFT or item.public_state == PublicState.REMOVED:
        if item.status == ItemStatus.PUBLISHED and item.public_state == PublicState.LIVE:
            messages.error(request, _("已发布的信息请先“开始修订”，修订稿审核发布后替换公开版本"))
        else:
            messages.error(
                request,
                _("信息处于“%(s)s”状态，不能修改") % {"s": item.get_status_display()},
            )
        return redirect("catalog:item_detail", item_id=item.pk)
    posted = request.method == "POST"
    form = ItemEditForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        edit_units=units_for(user, Action.EDIT),
        item=item,
        initial=item_initial(item),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            item = item_services.item_update(
                actor=user,
                item=item,
                expected_version=data["version"],
                uploads=_uploads(data["attachments"]),
                **form.item_fields(),
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("修改已保存"))
            for warning in _warnings(data["attachments"]):
                messages.warning(request, warning)
            return redirect("catalog:item_detail", item_id=item.pk)
    return render(
        request,
        "catalog/staff/item_form.html",
        {"form": form, "item": item},
        status=400 if posted else 200,
    )


# ---------------------------------------------------------------------------------------------
# Attachments


@service_errors
@require_POST
def item_attach(request, item_id: int):
    item = _item_get(request.user, item_id)
    if not has_perm(request.user, Action.EDIT, item.unit):
        raise PermissionDenied()
    form = AttachmentForm(request.POST, request.FILES, prefix="attach")
    if form.is_valid():
        data = form.cleaned_data
        try:
            item_services.item_attach_many(
                actor=request.user,
                item=item,
                uploads=_uploads(data["attachments"]),
                expected_version=data["version"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已上传 %(n)d 个附件") % {"n": len(data["attachments"])})
            for warning in _warnings(data["attachments"]):
                messages.warning(request, warning)
            return redirect("catalog:item_detail", item_id=item.pk)
    return _detail(request, item, status=400, attach_form=form)


@service_errors
@require_POST
def item_detach(request, item_id: int, attachment_id: int):
    item = _item_get(request.user, item_id)
    attachment = item.attachments.filter(pk=attachment_id, is_active=True).first()
    if attachment is None:
        raise Http404
    try:
        item_services.item_detach(actor=request.user, item=item, attachment=attachment)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除附件“%(name)s”") % {"name": attachment.original_name})
    return redirect("catalog:item_detail", item_id=item.pk)


@service_errors
@require_GET
def item_attachment(request, item_id: int, attachment_id: int):
    item = _item_get(request.user, item_id)
    attachment = ItemAttachment.objects.filter(item=item, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return download_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type or None,
    )


# ---------------------------------------------------------------------------------------------
# Workflow actions: each binds its form, calls one service, and shows the page again on error.


def _action(
    request,
    item_id: int,
    *,
    prefix: str,
    form_class,
    action: Action,
    run,
    done: str,
    form_kwargs=None,
):
    item = _item_get(request.user, item_id)
    form = form_class(request.POST, prefix=prefix, **(form_kwargs(item) if form_kwargs else {}))
    if form.is_valid():
        try:
            result = run(item, form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, result if isinstance(result, str) else done)
            return redirect("catalog:item_detail", item_id=item.pk)
    elif not has_perm(request.user, action, item.unit):
        raise PermissionDenied()
    return _detail(request, item, status=400, **{f"{prefix}_form": form})


@service_errors
@require_POST
def item_submit(request, item_id: int):
    def run(item, data):
        item_services.item_submit(actor=request.user, item=item, expected_version=data["version"])

    return _action(
        request,
        item_id,
        prefix="submit",
        form_class=SubmitForm,
        action=Action.SUBMIT,
        run=run,
        done=_("已提交审核"),
    )


@service_errors
@require_POST
def item_return(request, item_id: int):
    def run(item, data):
        item_services.item_return(
            actor=request.user,
            item=item,
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _action(
        request,
        item_id,
        prefix="return",
        form_class=ReturnForm,
        action=Action.APPROVE,
        run=run,
        done=_("已退回修改"),
    )


@service_errors
@require_POST
def item_approve(request, item_id: int):
    def run(item, data):
        item = item_services.item_approve(
            actor=request.user,
            item=item,
            override_reason=data.get("override_reason", ""),
            publish=data["publish"],
            change_note=data.get("change_note", ""),
            expected_version=data["version"],
        )
        return _("已审核通过并发布") if item.status == ItemStatus.PUBLISHED else _("已审核通过")

    def kwargs(item):
        # The override field is bound whenever posted, so a reason typed on the page is kept.
        return {"show_override": True, "revision": item.current_version_id is not None}

    return _action(
        request,
        item_id,
        prefix="approve",
        form_class=ApproveForm,
        action=Action.APPROVE,
        run=run,
        done=_("已审核通过"),
        form_kwargs=kwargs,
    )


@service_errors
@require_POST
def item_publish(request, item_id: int):
    def run(item, data):
        item_services.item_publish(
            actor=request.user,
            item=item,
            change_note=data.get("change_note", ""),
            expected_version=data["version"],
        )

    return _action(
        request,
        item_id,
        prefix="publish",
        form_class=PublishForm,
        action=Action.APPROVE,
        run=run,
        done=_("已发布"),
        form_kwargs=lambda item: {"revision": item.current_version_id is not None},
    )


@service_errors
@require_POST
def item_withdraw(request, item_id: int):
    def run(item, data):
        remove = data["kind"] == "remove"
        item_services.item_withdraw(
            actor=request.user,
            item=item,
            remove=remove,
            explanation=data["explanation"],
            expected_version=data["version"],
        )
        return _("已撤下页面") if remove else _("已撤回，页面保留并显示说明")

    return _action(
        request,
        item_id,
        prefix="withdraw",
        form_class=WithdrawForm,
        action=Action.APPROVE,
        run=run,
        done=_("已撤回"),
        form_kwargs=lambda item: {"withdrawn": item.public_state == PublicState.WITHDRAWN},
    )


@service_errors
@require_POST
def item_revise(request, item_id: int):
    def run(item, data):
        item_services.item_revise(actor=request.user, item=item, expected_version=data["version"])
        return _("已开始修订：修订稿发布前，门户仍显示当前公开版本")

    return _action(
        request,
        item_id,
        prefix="revise",
        form_class=ReviseForm,
        action=Action.EDIT,
        run=run,
        done="",
    )


@service_errors
@require_POST
def item_mask(request, item_id: int):
    def run(item, data):
        result = item_mask_pii(actor=request.user, item=item, expected_version=data["version"])
        left = [f for f in run_checks(result) if f.code == "pii"]
        if left:
            messages.warning(request, left[0].message)
        return _("已遮盖个人信息")

    return _action(
        request,
        item_id,
        prefix="mask",
        form_class=MaskForm,
        action=Action.EDIT,
        run=run,
        done="",
    )
