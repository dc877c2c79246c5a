"""Staff sign-in: password (with django-axes lockout), TOTP code step, enrolment, logout.

Flow for a user with a confirmed TOTP device: the password step does NOT log in; it stores the
pending user in the session (expires after settings.ACCOUNTS_OTP_PENDING_SECONDS) and asks for the code at
/accounts/otp/. Only a valid code calls django.contrib.auth.login and django_otp.login.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import PermissionDenied, ValidationFailed

from .. import twofactor
from ..forms.accounts import LoginForm, TokenForm
from ..permissions import is_staff_member

PENDING_KEY = "accounts_pending_login"


# --- helpers ---------------------------------------------------------------------------------


def safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` when it points to this site, otherwise ""; refuses //evil, https://evil, etc."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _next_from(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _success_url(next_url: str) -> str:
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _pending_seconds() -> int:
    return int(settings.ACCOUNTS_OTP_PENDING_SECONDS)


def _start_pending(request: HttpRequest, user, next_url: str) -> None:
    if request.user.is_authenticated:
        auth_logout(request)  # signing in as someone else: drop the old login first
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def _clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def _pending_user(request: HttpRequest):
    """(user, pending dict) for a live pending login; (None, reason) otherwise."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, "missing"
    if int(time.time()) - int(pending.get("at", 0)) > _pending_seconds():
        _clear_pending(request)
        return None, "expired"
    user = get_user_model().objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None or not constant_time_compare(
        pending.get("hash", ""), user.get_session_auth_hash()
    ):
        # Deactivated or password changed in the meantime.
        _clear_pending(request)
        return None, "expired"
    return user, pending


def _locked_response(request: HttpRequest, credentials: dict) -> HttpResponse:
    return get_lockout_response(request, None, credentials)


# --- views -----------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_from(request)
    user = request.user
    if (
        request.method == "GET"
        and user.is_authenticated
        and is_staff_member(user)
        and (user.is_verified() or twofactor.totp_device_for(user=user) is None)
    ):
        return redirect(_success_url(next_url))

    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            user = form.user
            if twofactor.totp_device_for(user=user) is not None:
                _start_pending(request, user, next_url)
                return redirect("accounts:otp_verify")
            auth_login(request, user)  # rotates the session key
            twofactor.login_succeeded(user=user, otp=False)
            if twofactor.otp_required_for(user):
                messages.warning(request, _("系统管理员必须启用动态口令"))
                return redirect(_with_next(reverse("accounts:otp_setup"), next_url))
            return redirect(_success_url(next_url))
        if form.attempted:
            username = form.cleaned_data.get("username", "")
            if getattr(request, "axes_locked_out", False):
                # AxesMiddleware replaces this response with accounts/locked.html (429).
                twofactor.login_locked_out(username=username)
            else:
                twofactor.login_failed(username=username)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        # Logged in, but this session has not been verified with the user's device.
        user = request.user
        pending = None
        next_url = _next_from(request)
        device = twofactor.totp_device_for(user=user)
        if device is None or user.is_verified():
            return redirect(_success_url(next_url))
    else:
        user, pending = _pending_user(request)
        if user is None:
            if pending == "expired":
                messages.error(request, _("验证已超时，请重新登录"))
            return redirect("accounts:login")
        next_url = safe_next(request, pending.get("next"))
        device = twofactor.totp_device_for(user=user)
        if device is None:
            # The device was reset meanwhile: start again with the password.
            _clear_pending(request)
            return redirect(_with_next(reverse("accounts:login"), next_url))

    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        if pending is None:
            auth_logout(request)
        else:
            _clear_pending(request)
        return _locked_response(request, credentials)

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.totp_verify(device=device, token=form.cleaned_data["token"])
        except twofactor.TokenThrottled as exc:
            form.add_error(None, exc.message)
        except twofactor.TokenInvalid as exc:
            form.add_error("token", exc.message)
            # Count the wrong code with django-axes like a wrong password (same username+IP).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                twofactor.login_locked_out(username=user.get_username())
                if pending is None:
                    auth_logout(request)
                else:
                    _clear_pending(request)
                return _locked_response(request, credentials)
            twofactor.login_failed(username=user.get_username(), reason="otp")
        else:
            if pending is not None:
                _clear_pending(request)
                auth_login(request, user, backend=pending["backend"])  # rotates the session key
            else:
                request.session.cycle_key()
            django_otp.login(request, device)
            twofactor.login_succeeded(user=user, otp=True)
            return redirect(_success_url(next_url))
    return render(
        request,
        "accounts/otp_verify.html",
        {
            "form": form,
            "next": next_url if pending is None else "",
            "pending_minutes": _pending_seconds() // 60,
        },
    )


@sensitive_post_parameters("token")
@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_from(request)
    device = twofactor.totp_device_for(user=user)
    if device is not None and not user.is_verified():
        # Changing two-factor settings needs a verified session.
        return redirect(_with_next(reverse("accounts:otp_verify"), request.get_full_path()))
    required = twofactor.otp_required_for(user)
    form = TokenForm()

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            pending = twofactor.totp_pending_device_for(user=user)
            if pending is None:
                messages.error(request, _("二维码已失效，请重新扫描"))
                return redirect(_with_next(reverse("accounts:otp_setup"), next_url))
            form = TokenForm(request.POST)
            if form.is_valid():
                try:
                    confirmed = twofactor.totp_device_confirm(
                        actor=user, device=pending, token=form.cleaned_data["token"]
                    )
                except twofactor.TokenThrottled as exc:
                    form.add_error(None, exc.message)
                except twofactor.TokenInvalid as exc:
                    form.add_error("token", exc.message)
                except (PermissionDenied, ValidationFailed) as exc:
                    form.add_error(None, exc.message)
                else:
                    request.session.cycle_key()
                    django_otp.login(request, confirmed)
                    messages.success(request, _("动态口令已启用，今后登录时需要输入动态口令。"))
                    return redirect(next_url or reverse("accounts:otp_setup"))
            return _render_enrolment(request, pending, form, next_url, required, device)
        if action == "remove":
            try:
                twofactor.totp_device_remove(actor=user, user=user)
            except (PermissionDenied, ValidationFailed) as exc:
                messages.error(request, exc.message)
            else:
                request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
                messages.success(request, _("已停用动态口令。"))
            return redirect("accounts:otp_setup")
        if action == "restart":
            twofactor.totp_enrolment_restart(user=user)
            params = {"replace": "1"} if device else {}
            if next_url:
                params["next"] = next_url
            url = reverse("accounts:otp_setup")
            return redirect(f"{url}?{urlencode(params)}" if params else url)
        return HttpResponseBadRequest(_("无效的操作"))

    if device is not None and request.GET.get("replace") != "1":
        return render(
            request,
            "accounts/otp_status.html",
            {"device": device, "required": required, "next": next_url},
        )
    pending = twofactor.totp_enrolment_start(user=user)
    return _render_enrolment(request, pending, form, next_url, required, device)


def _render_enrolment(request, pending, form, next_url, required, device) -> HttpResponse:
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.totp_qr_svg(device=pending),
            "secret": twofactor.totp_secret_display(device=pending),
            "account": request.user.get_username(),
            "required": required,
            "replacing": device is not None,
            "next": next_url,
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)  # flushes the session, OTP verification and any pending login
    messages.info(request, _("您已安全退出。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)
