"""The site's URLs, plus captcha.urls when config/urls.py does not mount them yet."""

from django.urls import include, path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def _has_captcha(patterns) -> bool:
    for pattern in patterns:
        module = getattr(pattern, "urlconf_name", None)
        if getattr(module, "__name__", module) == "captcha.urls":
            return True
    return False


urlpatterns = list(site_urlpatterns)
if not _has_captcha(urlpatterns):
    urlpatterns.insert(0, path("captcha/", include("captcha.urls")))
