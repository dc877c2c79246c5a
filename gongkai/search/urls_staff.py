"""/workbench/search/ — staff search and the user dictionary (namespace `search_staff`)."""

from django.urls import path

from .views import staff

app_name = "search_staff"

urlpatterns = [
    path("", staff.search, name="search"),
    path("dictionary/", staff.dictionary, name="dictionary"),
]
