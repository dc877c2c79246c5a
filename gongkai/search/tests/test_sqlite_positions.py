"""SQLite: FTS5 rowids (`SearchDocument.position`) stay in `sort_key` order however items are
indexed — newest first, oldest first, in random order, re-indexed, with no gap left."""

from __future__ import annotations

import random

import pytest
from django.db import connection, transaction

from gongkai.search import documents, segment, services
from gongkai.search.backends import sqlite as backend_module
from gongkai.search.models import Scope, SearchDocument
from gongkai.search.selectors import SearchParams, search_public

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="positions are the SQLite backend's FTS5 rowids"
)


def assert_in_order(scope=Scope.PUBLIC):
    rows = list(
        SearchDocument.objects.filter(scope=scope)
        .order_by("-sort_key")
        .values_list("sort_key", "position")
    )
    positions = [p for _, p in rows]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    with connection.cursor() as cursor:
        tables = backend_module.shard_tables(cursor, scope)
        found = []
        for n, table in enumerate(tables):
            cursor.execute(f"SELECT rowid FROM {table} ORDER BY rowid")  # noqa: S608
            rowids = [r for (r,) in cursor.fetchall()]
            assert all(backend_module.shard_of(r, len(tables)) == n for r in rowids)
            found += rowids
    assert sorted(found) == positions
    return positions


def write_in_one_batch(items):
    """Index these items with one call of the backend (one batch, as `reindex` writes)."""
    seg = segment.get_segmenter()
    rows = [documents.build_row(s, seg) for s in documents.public_sources([i.pk for i in items])]
    with transaction.atomic():
        backend_module.SQLiteBackend().write(rows)


def listed(q="低保"):
    """Every result, by date, page after page."""
    titles, page = [], 1
    while True:
        result = search_public(SearchParams(q=q, sort="date", page=page))
        titles += [i.title for i in result.items]
        if not result.has_next:
            return titles
        page += 1


@pytest.mark.parametrize("spacing", [8, 1])
def test_random_order_keeps_rowids_in_date_order(publish, monkeypatch, spacing):
    """With SPACING 1 every insertion between two rows has to move rows to make room."""
    monkeypatch.setattr(backend_module, "SPACING", spacing)
    monkeypatch.setattr(backend_module, "WINDOW", 2)
    items = [publish(f"低保第{n:02d}号", "", day=n, index=False) for n in range(30)]
    order = list(range(30))
    random.Random(7).shuffle(order)
    for n in order:
        services.index_item(item_id=items[n].pk)
        assert_in_order()
    assert listed() == [f"低保第{n:02d}号" for n in range(29, -1, -1)]
    # Re-indexing moves nothing out of order either.
    for n in order[:10]:
        services.index_item(item_id=items[n].pk)
    assert_in_order()
    assert listed() == [f"低保第{n:02d}号" for n in range(29, -1, -1)]


def test_rebuild_numbers_newest_first_and_new_items_go_before(publish):
    for n in range(5):
        publish(f"低保{n}", "", day=n, index=False)
    services.reindex(scope=Scope.PUBLIC, clear=True, batch_size=2)
    step = backend_module.SPACING
    assert assert_in_order() == [0, step, 2 * step, 3 * step, 4 * step]
    newest = publish("低保最新", "")  # published now: newer than all
    oldest = publish("低保最早", "", day=-30)
    positions = assert_in_order()
    doc = SearchDocument.objects.get(item_id=newest.pk, scope=Scope.PUBLIC)
    assert doc.position == -step
    assert SearchDocument.objects.get(item_id=oldest.pk).position == positions[-1]
    assert listed()[0] == "低保最新" and listed()[-1] == "低保最早"


@pytest.mark.parametrize("spacing", [8, 1])
def test_a_batch_interleaved_with_indexed_rows(publish, monkeypatch, spacing):
    monkeypatch.setattr(backend_module, "SPACING", spacing)
    monkeypatch.setattr(backend_module, "WINDOW", 2)
    for n in range(0, 20, 2):
        publish(f"低保{n:02d}", "", day=n)
    odd = [publish(f"低保{n:02d}", "", day=n, index=False) for n in range(1, 20, 2)]
    assert len(assert_in_order()) == 10
    write_in_one_batch(odd)
    assert len(assert_in_order()) == 20
    assert listed() == [f"低保{n:02d}" for n in range(19, -1, -1)]


def test_reindex_without_clear_refills_each_gap_without_moving_rows(publish, monkeypatch):
    for n in range(30):
        publish(f"低保{n:02d}", "", day=n, index=False)
    services.reindex(scope=Scope.PUBLIC, clear=True)
    before = assert_in_order()
    moved = []
    original = backend_module.SQLiteBackend._move
    monkeypatch.setattr(
        backend_module.SQLiteBackend,
        "_move",
        lambda self, cursor, scope, old, new: (
            moved.append(old) or original(self, cursor, scope, old, new)
        ),
    )
    services.reindex(scope=Scope.PUBLIC, batch_size=7)  # replaces rows batch by batch
    assert assert_in_order() == before
    assert not any(moved)
    assert listed() == [f"低保{n:02d}" for n in range(29, -1, -1)]


def test_many_rows_into_a_narrow_gap(publish, monkeypatch):
    """A run of new rows wider than the gap between its neighbours moves older rows once."""
    monkeypatch.setattr(backend_module, "SPACING", 2)
    for n in (0, 1, 10, 11):
        publish(f"低保{n:02d}", "", day=n)
    middle = [publish(f"低保{n:02d}", "", day=n, index=False) for n in range(2, 10)]
    write_in_one_batch(middle)
    assert len(assert_in_order()) == 12
    assert listed() == [f"低保{n:02d}" for n in range(11, -1, -1)]


def test_neighbours_are_found_through_the_scope_index(publish):
    """Finding where a row goes reads only its own scope's rows (working copies are often all
    newer than the published versions)."""
    publish("低保", "")
    select = "EXPLAIN QUERY PLAN SELECT sort_key, position FROM search_searchdocument "
    queries = (
        select + "WHERE scope = %s AND sort_key > %s ORDER BY sort_key ASC LIMIT 1",
        select + "WHERE scope = %s AND sort_key < %s ORDER BY sort_key DESC LIMIT 1",
    )
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, ["public", 1])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX search_document_scope_sort" in plan, plan


def test_an_items_rows_are_found_through_the_item_index(publish):
    """Removing items' rows reads those items' index entries, not every row of the scope
    (without statistics, for a long list of items, SQLite preferred the covering (scope,
    position, …) index: 26 ms against 2 ms for 500 items at 200,000 rows)."""
    from django.test.utils import CaptureQueriesContext

    from gongkai.search.backends import get_backend

    item = publish("低保", "")
    publish("扶贫", "")
    batch = [item.pk, *range(10**6, 10**6 + 499)]  # a batch of `reindex`
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        assert get_backend().delete(Scope.PUBLIC, batch) == 1
    lookups = [
        q["sql"]
        for q in captured.captured_queries
        if "search_searchdocument" in q["sql"] and "item_id IN" in q["sql"]
    ]
    assert any(sql.startswith("SELECT") for sql in lookups)
    assert any(sql.startswith("DELETE") for sql in lookups)
    with connection.cursor() as cursor:
        for sql in lookups:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "(item_id=?" in plan and "search_document_position" not in plan, plan
