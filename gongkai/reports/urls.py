"""/workbench/reports/ — annual reports and the review/litigation register (namespace `reports`)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<int:report_id>/", views.annual_detail, name="annual_detail"),
    path("annual/<int:report_id>/docx", views.annual_docx, name="annual_docx"),
    path("annual/<int:report_id>/publish/", views.annual_publish, name="annual_publish"),
    path("cases/", views.case_list, name="case_list"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/weights/", views.weights, name="weights"),
]
