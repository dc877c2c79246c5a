"""Notification kinds of the catalog app, registered in `CatalogConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import register_kind

GROUP = _("信息发布")

ITEM_SUBMITTED = "catalog.item_submitted"
ITEM_RETURNED = "catalog.item_returned"
ITEM_APPROVED = "catalog.item_approved"
ITEM_PUBLISHED = "catalog.item_published"
ITEM_WITHDRAWN = "catalog.item_withdrawn"


def register() -> None:
    register_kind(ITEM_SUBMITTED, _("信息已送审，待审核"), group=GROUP, order=30)
    register_kind(ITEM_RETURNED, _("信息被退回"), group=GROUP, order=31)
    register_kind(ITEM_APPROVED, _("信息已审核通过"), group=GROUP, order=32)
    register_kind(ITEM_PUBLISHED, _("信息已发布"), group=GROUP, order=33)
    register_kind(ITEM_WITHDRAWN, _("信息已撤回"), group=GROUP, order=34)
