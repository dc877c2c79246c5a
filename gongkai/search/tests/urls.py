"""config.urls plus this app's pages, for gongkai.search.tests.settings."""

from django.urls import include, path
from ninja import NinjaAPI

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as base
from gongkai.search.api import build_router

api = NinjaAPI(title="search (tests)", urls_namespace="search_test_api", docs_url=None)
api.add_router("/search", build_router())

urlpatterns = [
    path("search/", include("gongkai.search.urls_public")),
    path("workbench/search/", include("gongkai.search.urls_staff")),
    path("api/test/", api.urls),
    *base,
]
