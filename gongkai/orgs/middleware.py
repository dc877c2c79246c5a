from __future__ import annotations

from django.shortcuts import redirect


class StaffSecurityMiddleware:
    """The workbench and staff API need a logged-in staff member (placeholder; see accounts)."""

    PREFIXES = ("/workbench/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.PREFIXES) and not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        return self.get_response(request)
