from __future__ import annotations

from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_OWNER": settings.SITE_OWNER}
