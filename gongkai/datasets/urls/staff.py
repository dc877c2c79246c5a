"""/workbench/datasets/ — the staff pages of 数据发布."""

from django.urls import path

from ..views import staff

app_name = "datasets"

urlpatterns = [
    path("", staff.dataset_list, name="list"),
    path("new/", staff.dataset_new, name="new"),
    path("<slug:slug>/", staff.dataset_detail, name="detail"),
    path("<slug:slug>/settings/", staff.dataset_settings, name="settings"),
    path("<slug:slug>/template.xlsx", staff.template, name="template"),
    path("<slug:slug>/import/", staff.import_upload, name="import"),
    path("<slug:slug>/import/confirm/", staff.import_confirm, name="import_confirm"),
    path("<slug:slug>/entry/", staff.entry, name="entry"),
    path("<slug:slug>/periods/<str:key>/", staff.period_detail, name="period"),
    path("<slug:slug>/periods/<str:key>/submit/", staff.period_submit, name="period_submit"),
    path("<slug:slug>/periods/<str:key>/return/", staff.period_return, name="period_return"),
    path("<slug:slug>/periods/<str:key>/publish/", staff.period_publish, name="period_publish"),
    path("<slug:slug>/periods/<str:key>/export/", staff.period_export, name="period_export"),
    path("<slug:slug>/periods/<str:key>/discard/", staff.period_discard, name="period_discard"),
    path(
        "<slug:slug>/periods/<str:key>/rows/<int:row>/delete/",
        staff.record_delete,
        name="record_delete",
    ),
]
