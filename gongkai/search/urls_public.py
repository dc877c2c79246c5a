"""/search/ — the portal's results page (namespace `search`)."""

from django.urls import path

from .views import public

app_name = "search"

urlpatterns = [
    path("", public.search, name="search"),
]
