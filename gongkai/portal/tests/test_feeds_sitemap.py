"""RSS feeds and the sitemap: well-formed XML, published items only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from gongkai.catalog.tests.factories import ColumnFactory

from . import helpers as h

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.GONGKAI_PORTAL_CACHE_SECONDS = 0


@pytest.fixture
def w(coordinator):
    return h.world(coordinator)


def parse(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 — our own output


def assert_no_hidden(raw: str) -> None:
    for state, title in h.HIDDEN_TITLES.items():
        assert title not in raw, f"{state} item in the XML: {title}"


def test_all_items_feed_is_rss_of_live_items(client, w):
    response = client.get(reverse("portal:feed"))
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title").endswith("最新公开信息")
    titles = [i.findtext("title") for i in channel.findall("item")]
    assert sorted(titles) == sorted([h.LIVE_TITLE, h.REVISED_OLD_TITLE])
    links = {i.findtext("link") for i in channel.findall("item")}
    assert f"http://testserver{reverse('portal:item', args=[w.live.pk])}" in links
    assert_no_hidden(response.content.decode())


def test_feed_carries_no_personal_data(client, coordinator):
    h.live(actor=coordinator, column=ColumnFactory(), title="一条通知")
    raw = client.get(reverse("portal:feed")).content.decode()
    root = ET.fromstring(raw)  # noqa: S314
    item = root.find("channel/item")
    assert (
        item.find("author") is None
        and item.find("{http://purl.org/dc/elements/1.1/}creator") is None
    )
    assert coordinator.username not in raw and coordinator.display_name not in raw
    assert "@" not in raw


def test_column_feed_holds_that_column_only(client, w, coordinator):
    other = ColumnFactory(code="gzdt")
    h.live(actor=coordinator, column=other, title="另一栏目的动态")
    root = parse(client.get(reverse("portal:column_feed", args=["gzdt"])))
    assert [i.findtext("title") for i in root.findall("channel/item")] == ["另一栏目的动态"]
    response = client.get(reverse("portal:column_feed", args=["tzgg"]))
    assert_no_hidden(response.content.decode())
    assert "另一栏目的动态" not in response.content.decode()
    assert client.get("/xxgk/nope/rss.xml").status_code == 404


def test_sitemap_index_and_sections(client, w):
    index = parse(client.get("/sitemap.xml"))
    assert index.tag == f"{SM}sitemapindex"
    sections = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert sections == [
        f"http://testserver/sitemap-{name}.xml" for name in ("pages", "columns", "items")
    ]

    pages = parse(client.get("/sitemap-pages.xml"))
    locs = {u.findtext(f"{SM}loc") for u in pages.findall(f"{SM}url")}
    assert {
        "http://testserver/",
        "http://testserver/xxgk/",
        "http://testserver/xxgk/guide/",
    } <= locs

    columns = parse(client.get("/sitemap-columns.xml"))
    assert [u.findtext(f"{SM}loc") for u in columns.findall(f"{SM}url")] == [
        "http://testserver/xxgk/tzgg/"
    ]
    assert columns.find(f"{SM}url/{SM}lastmod") is not None

    response = client.get("/sitemap-items.xml")
    items = parse(response)
    locs = {u.findtext(f"{SM}loc") for u in items.findall(f"{SM}url")}
    assert locs == {f"http://testserver/xxgk/item/{i.pk}/" for i in (w.live, w.revision)}
    for hidden in w.hidden:
        assert f"/xxgk/item/{hidden.pk}/" not in response.content.decode()


def test_sitemap_unknown_section_is_404(client, db):
    assert client.get("/sitemap-nope.xml").status_code == 404
