"""The gate in front of the workbench (/workbench/) and the staff API (/api/staff/).

In order:
  1. anonymous                         → login page with ?next= (API: 401 {"detail": "请先登录"})
  2. no role at all (not staff)        → 403
  3. has a confirmed TOTP device, but this session is not OTP-verified → /accounts/otp/
  4. 系统管理员 without a confirmed device → /accounts/otp/setup/ ("系统管理员必须启用动态口令")

/accounts/ (login, code, setup, logout) is outside these prefixes, so it always stays reachable.
Must come after AuthenticationMiddleware, OTPMiddleware and MessageMiddleware.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.core.views import permission_denied

from . import twofactor
from .permissions import is_staff_member


class StaffSecurityMiddleware:
    PAGE_PREFIXES = ("/workbench/",)
    API_PREFIXES = ("/api/staff/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(self.API_PREFIXES):
            refusal = self._check(request, api=True)
        elif path.startswith(self.PAGE_PREFIXES):
            refusal = self._check(request, api=False)
        else:
            refusal = None
        return refusal or self.get_response(request)

    def _check(self, request, *, api: bool):
        user = request.user
        if not user.is_authenticated:
            if api:
                return JsonResponse({"detail": _("请先登录")}, status=401)
            return self._redirect(request, "accounts:login")
        if not is_staff_member(user):
            if api:
                return JsonResponse({"detail": _("您没有访问工作台的权限")}, status=403)
            return permission_denied(request)
        verified = getattr(user, "is_verified", lambda: False)()
        if verified:
            return None  # verified with a confirmed device of this user (OTPMiddleware checks)
        if twofactor.totp_device_for(user=user) is not None:
            if api:
                return JsonResponse({"detail": _("请先完成动态口令验证")}, status=403)
            return self._redirect(request, "accounts:otp_verify")
        if twofactor.otp_required_for(user):
            message = _("系统管理员必须启用动态口令")
            if api:
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return self._redirect(request, "accounts:otp_setup")
        return None

    @staticmethod
    def _redirect(request, url_name: str):
        next_url = request.get_full_path() if request.method == "GET" else request.path
        return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
