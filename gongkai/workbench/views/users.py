from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import ValidationFailed
from gongkai.core.http import service_errors
from gongkai.core.paging import paginate
from gongkai.orgs import selectors, services
from gongkai.orgs.forms.administration import (
    GrantRoleForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from gongkai.orgs.models import Membership


@service_errors
def user_list(request):
    q = request.GET.get("q", "")[:100]
    page = paginate(request, selectors.user_list(user=request.user, q=q), per_page=50)
    return render(request, "workbench/users/list.html", {"page": page, "q": q, "query": f"q={q}"})


@service_errors
@require_http_methods(["GET", "POST"])
def user_create(request):
    selectors.user_list(user=request.user)  # permission check before showing the form
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "用户已创建，请为其分配角色")
            return redirect("workbench:user_detail", user_id=user.pk)
    return render(request, "workbench/users/create.html", {"form": form})


@service_errors
@require_http_methods(["GET", "POST"])
def user_detail(request, user_id: int):
    target = selectors.user_get(user=request.user, user_id=user_id)
    edit_form = UserEditForm(
        request.POST if request.POST.get("form") == "edit" else None,
        initial={
            "display_name": target.display_name,
            "phone": target.phone,
            "email": target.email,
            "is_active": target.is_active,
        },
        prefix="edit",
    )
    role_form = GrantRoleForm(
        request.POST if request.POST.get("form") == "role" else None, prefix="role"
    )
    password_form = PasswordResetForm(
        request.POST if request.POST.get("form") == "password" else None, prefix="pw"
    )
    if request.method == "POST":
        form, action = {
            "edit": (
                edit_form,
                lambda d: services.user_update(actor=request.user, user=target, **d),
            ),
            "role": (
                role_form,
                lambda d: services.membership_grant(
                    actor=request.user, user=target, role=d["role"], unit=d["unit"]
                ),
            ),
            "password": (
                password_form,
                lambda d: services.user_set_password(
                    actor=request.user, user=target, password=d["password"]
                ),
            ),
        }.get(request.POST.get("form"), (None, None))
        if form is not None and form.is_valid():
            try:
                action(form.cleaned_data)
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已保存")
                return redirect("workbench:user_detail", user_id=target.pk)
    return render(
        request,
        "workbench/users/detail.html",
        {
            "target": target,
            "edit_form": edit_form,
            "role_form": role_form,
            "password_form": password_form,
        },
    )


@service_errors
@require_POST
def membership_revoke(request, user_id: int, membership_id: int):
    target = selectors.user_get(user=request.user, user_id=user_id)
    membership = get_object_or_404(Membership, pk=membership_id, user=target)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, "角色已撤销")
    return redirect("workbench:user_detail", user_id=target.pk)
