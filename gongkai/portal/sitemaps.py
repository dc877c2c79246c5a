"""sitemap.xml: the portal's fixed pages, the public columns and every LIVE item.

Built on django.contrib.sitemaps' views with our own templates (portal/sitemap*.xml), so the
sitemaps app need not be installed. /sitemap.xml is an index of the sections; the item section
pages itself (?p=2 …) beyond 50,000 addresses.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from gongkai.catalog.selectors import public


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["portal:home", "portal:xxgk", "portal:guide", "portal:abolished"]

    def location(self, name):
        return reverse(name)


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return public.public_columns()

    def location(self, column):
        return reverse("portal:column", kwargs={"code": column.code})

    def lastmod(self, column):
        return self._latest().get(column.pk)

    def _latest(self) -> dict:
        if not hasattr(self, "_latest_cache"):
            rows = (
                public.public_items()
                .select_related(None)
                .order_by()
                .values("column_id")
                .annotate(latest=Max("published_at"))
            )
            self._latest_cache = {row["column_id"]: row["latest"] for row in rows}
        return self._latest_cache


class ItemSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public.public_item_index()

    def location(self, row):
        return reverse("portal:item", kwargs={"item_id": row[0]})

    def lastmod(self, row):
        return row[1]


SITEMAPS = {"pages": StaticSitemap, "columns": ColumnSitemap, "items": ItemSitemap}
