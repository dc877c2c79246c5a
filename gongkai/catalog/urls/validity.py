"""/workbench/catalog/validity/ — validity of policy documents (namespace `catalog`)."""

from django.urls import path

from ..views import validity

urlpatterns = [
    path("", validity.validity_list, name="validity_list"),
    path("<int:item_id>/", validity.validity_edit, name="validity_edit"),
]
