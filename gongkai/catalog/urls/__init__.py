"""/workbench/catalog/ — each concept keeps its own URL module."""

from django.urls import include, path

app_name = "catalog"

urlpatterns = [
    path("items/", include("gongkai.catalog.urls.items")),
    path("columns/", include("gongkai.catalog.urls.columns")),
    path("validity/", include("gongkai.catalog.urls.validity")),
    path("bindings/", include("gongkai.catalog.urls.bindings")),
]
