"""/workbench/catalog/columns/ — the column tree and its maintenance (namespace `catalog`)."""

from django.urls import path

from ..views import columns

urlpatterns = [
    path("", columns.column_list, name="column_list"),
    path("new/", columns.column_create, name="column_create"),
    path("<int:column_id>/edit/", columns.column_edit, name="column_edit"),
]
