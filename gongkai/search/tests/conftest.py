"""Fixtures for search tests. Every test here runs on the database of the run (SQLite by
default, PostgreSQL with DATABASE_URL): run the suite on both to check that they agree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog.models import Column, Item, ItemAttachment
from gongkai.catalog.tests.factories import ColumnFactory, published_item
from gongkai.orgs.tests.factories import UnitFactory
from gongkai.search import segment, services


@pytest.fixture(autouse=True)
def fresh_segmenter():
    """Each test sees the dictionary as it is in the test's database."""
    segment.reset()
    yield
    segment.reset()


@pytest.fixture
def columns(db):
    return {
        "notice": ColumnFactory(code="tzgg", name="通知公告", kind=Column.Kind.NOTICE),
        "policy": ColumnFactory(code="zcwj", name="政策文件", kind=Column.Kind.POLICY),
        "news": ColumnFactory(code="gzdt", name="工作动态", kind=Column.Kind.NEWS),
    }


@pytest.fixture
def units(db):
    return {
        "civil": UnitFactory(name="高新区民政局", short_name="民政局"),
        "water": UnitFactory(name="高新区水务局", short_name="水务局"),
    }


BASE_TIME = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def publish(db, coordinator, columns, units):
    """publish("title", "body", column="notice", unit="civil", day=3, …) → a published, indexed
    item. `day` sets the publishing time to BASE_TIME + day days (ordering)."""

    def _publish(
        title: str,
        body: str = "",
        *,
        column: str = "notice",
        unit: str = "civil",
        day: int | None = None,
        attachment: str = "",
        index: bool = True,
        **fields,
    ) -> Item:
        item = published_item(
            unit=units[unit],
            column=columns[column],
            actor=coordinator,
            title=title,
            body=f"<p>{body or '。'}</p>",
            **fields,
        )
        if attachment:
            att = ItemAttachment.objects.create(
                item=item,
                file="catalog/test.pdf",
                original_name="附件.pdf",
                kind="pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                text=attachment,
            )
            version = item.current_version
            version.attachment_ids = [att.pk]
            version.save(update_fields=["attachment_ids"])
        if day is not None:
            when = BASE_TIME + dt.timedelta(days=day)
            Item.objects.filter(pk=item.pk).update(published_at=when, publish_date=when.date())
            version = item.current_version
            version.metadata = {**version.metadata, "publish_date": when.date().isoformat()}
            version.published_at = when
            version.save(update_fields=["metadata", "published_at"])
        if index:
            services.index_item(item_id=item.pk)
        item.refresh_from_db()
        return item

    return _publish


def now():
    return timezone.now()
