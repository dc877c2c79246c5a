"""Workbench pages of 互动交流 at /workbench/interaction/ (namespace ``interaction_staff``)."""

from django.urls import path

from ..views import staff as views

app_name = "interaction_staff"

urlpatterns = [
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/<slug:action>/", views.message_action, name="message_action"),
    path(
        "messages/<int:pk>/attachments/<int:attachment_id>/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("errors/", views.error_list, name="error_list"),
    path("errors/register/", views.error_register, name="error_register"),
    path("errors/<int:pk>/", views.error_detail, name="error_detail"),
    path("errors/<int:pk>/<slug:action>/", views.error_action, name="error_action"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:pk>/<slug:action>/",
        views.consultation_action,
        name="consultation_action",
    ),
]
