from django.urls import path

from .views import audit, dashboard, home, units, users
from .views import calendar as calendar_views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", units.unit_edit, name="unit_edit"),
    path("unit-groups/", units.group_list, name="group_list"),
    path("unit-groups/new/", units.group_create, name="group_create"),
    path("unit-groups/<int:group_id>/edit/", units.group_edit, name="group_edit"),
    path("unit-groups/<int:group_id>/delete/", units.group_delete, name="group_delete"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:user_id>/", users.user_detail, name="user_detail"),
    path(
        "users/<int:user_id>/roles/<int:membership_id>/revoke/",
        users.membership_revoke,
        name="membership_revoke",
    ),
    path("calendar/", calendar_views.calendar_list, name="calendar_list"),
    path("calendar/new/", calendar_views.calendar_create, name="calendar_create"),
    path("calendar/<int:year>/", calendar_views.calendar_detail, name="calendar_detail"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
    path("calendar/<int:year>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
]
