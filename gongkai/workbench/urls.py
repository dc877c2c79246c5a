from django.urls import path

from .views import audit, home, units

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", units.unit_edit, name="unit_edit"),
    path("audit/", audit.audit_list, name="audit_list"),
]
