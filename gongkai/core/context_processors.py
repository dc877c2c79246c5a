from __future__ import annotations

from django.conf import settings

from . import site as site_info


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_OWNER": settings.SITE_OWNER}


def public_footer(request):
    """The footer of every public page (`portal/base.html` and the pages extending it)."""
    return {"portal_footer": site_info.footer()}
