"""The public portal. /xxgk/ is the 政府信息公开 platform; fixed paths under it come before the
column pattern, so a column must not use one of them as its code: the catalog keeps that list
(`gongkai.catalog.models.RESERVED_COLUMN_CODES`) and refuses such codes."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .cache import portal_cache
from .feeds import ColumnFeed, LatestItemsFeed
from .sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("xxgk/", views.xxgk, name="xxgk"),
    path("xxgk/guide/", views.guide, name="guide"),
    path("xxgk/abolished/", views.abolished, name="abolished"),
    path("xxgk/rss.xml", portal_cache(LatestItemsFeed()), name="feed"),
    path("xxgk/item/<int:item_id>/", views.item, name="item"),
    path(
        "xxgk/item/<int:item_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("xxgk/<slug:code>/", views.column, name="column"),
    path("xxgk/<slug:code>/rss.xml", portal_cache(ColumnFeed()), name="column_feed"),
    path(
        "sitemap.xml",
        portal_cache(sitemap_views.index),
        {
            "sitemaps": SITEMAPS,
            "template_name": "portal/sitemap_index.xml",
            "sitemap_url_name": "portal:sitemap_section",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        portal_cache(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "portal/sitemap.xml"},
        name="sitemap_section",
    ),
]
