"""/workbench/notifications/ — mounted in config/urls.py:

    path("workbench/notifications/", include("gongkai.core.notifications.urls")),

(before the "workbench/" include).
"""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("settings/", views.notification_settings_view, name="settings"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
]
