"""/workbench/catalog/items/ — drafting, review and publishing of information items
(namespace `catalog`)."""

from django.urls import path

from ..views import items

urlpatterns = [
    path("", items.item_list, name="item_list"),
    path("new/", items.item_create, name="item_create"),
    path("<int:item_id>/", items.item_detail, name="item_detail"),
    path("<int:item_id>/edit/", items.item_edit, name="item_edit"),
    path("<int:item_id>/attachments/", items.item_attach, name="item_attach"),
    path(
        "<int:item_id>/attachments/<int:attachment_id>/",
        items.item_attachment,
        name="item_attachment",
    ),
    path(
        "<int:item_id>/attachments/<int:attachment_id>/remove/",
        items.item_detach,
        name="item_detach",
    ),
    path("<int:item_id>/submit/", items.item_submit, name="item_submit"),
    path("<int:item_id>/return/", items.item_return, name="item_return"),
    path("<int:item_id>/approve/", items.item_approve, name="item_approve"),
    path("<int:item_id>/publish/", items.item_publish, name="item_publish"),
    path("<int:item_id>/withdraw/", items.item_withdraw, name="item_withdraw"),
    path("<int:item_id>/revise/", items.item_revise, name="item_revise"),
    path("<int:item_id>/mask/", items.item_mask, name="item_mask"),
]
