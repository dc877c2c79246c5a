"""/workbench/plans/ — each concept keeps its own URL module."""

from django.urls import include, path

app_name = "plans"

urlpatterns = [
    path("", include("gongkai.plans.urls.plans")),
    path("tasks/", include("gongkai.plans.urls.tasks")),
]
