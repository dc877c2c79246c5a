"""/workbench/catalog/bindings/ — task binding and the oversight page (namespace `catalog`)."""

from django.urls import path

from ..views import bindings

urlpatterns = [
    path("", bindings.binding_index, name="binding_index"),
    path("oversight/", bindings.oversight, name="oversight"),
    path("plan/<int:plan_id>/", bindings.binding_list, name="binding_list"),
    path("plan/<int:plan_id>/add/", bindings.binding_create, name="binding_create"),
    path("<int:binding_id>/delete/", bindings.binding_delete, name="binding_delete"),
]
