"""RSS 2.0 feeds: every public item, and one feed per column. LIVE items only, from their
current published versions; no staff or personal data (the author is the publishing body)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from gongkai.catalog.selectors import public

FEED_SIZE = 30


class LatestItemsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-cn"

    def title(self):
        return f"{settings.SITE_NAME} · 最新公开信息"

    def link(self):
        return reverse("portal:xxgk")

    def description(self):
        return f"{settings.SITE_OWNER}主动公开的政府信息"

    def items(self):
        return public.public_latest(FEED_SIZE)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        text = entry.summary or f"{entry.column_name}：{entry.title}"
        if entry.has_ended:
            return f"【{entry.validity_label}】{text}"
        return text

    def item_link(self, entry):
        return entry.url

    def item_pubdate(self, entry):
        return entry.first_published_at

    def item_updateddate(self, entry):
        return entry.published_at

    def item_categories(self, entry):
        return (entry.column_name,)

    def item_author_name(self, entry):
        return None


class ColumnFeed(LatestItemsFeed):
    def get_object(self, request, code: str):
        column = public.public_column(code)
        if column is None:
            raise Http404
        return column

    def title(self, column):
        return f"{settings.SITE_NAME} · {column.name}"

    def link(self, column):
        return reverse("portal:column", kwargs={"code": column.code})

    def description(self, column):
        return column.description or f"{settings.SITE_OWNER} · {column.name}"

    def items(self, column):
        return public.public_entries(public.public_items(column)[:FEED_SIZE])
