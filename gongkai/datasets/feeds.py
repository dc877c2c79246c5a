"""RSS 2.0 feed of published data (/sjfb/rss.xml): the latest publications of periods, a
correction with its change note. Titles and counts only — never a record's content."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from .selectors import public

FEED_SIZE = 30


class PublicationsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-cn"

    def title(self):
        return f"{settings.SITE_NAME} · 数据发布"

    def link(self):
        return reverse("datasets_public:index")

    def description(self):
        return f"{settings.SITE_OWNER}发布的统计数据和登记信息"

    def items(self):
        return public.latest_versions(FEED_SIZE)

    def item_title(self, version):
        period = version.period
        prefix = "【更正】" if version.revision > 1 else ""
        return f"{prefix}{period.dataset.title}（{period.label}）"

    def item_description(self, version):
        text = f"{version.period.dataset.unit.name}发布，共{version.rows}条。"
        if version.change_note:
            text += f"更正说明：{version.change_note}"
        return text

    def item_link(self, version):
        period = version.period
        return reverse("datasets_public:period", args=[period.dataset.slug, period.key])

    def item_guid(self, version):
        return f"{self.item_link(version)}#v{version.revision}"

    def item_pubdate(self, version):
        return version.published_at
