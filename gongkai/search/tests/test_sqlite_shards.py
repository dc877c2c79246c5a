"""SQLite: a scope's index is split into shards (FTS5 tables); a full rebuild writes them in
parallel processes and copies them into the database. Same results as one writer."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import override_settings

from gongkai.search import services
from gongkai.search.backends import sqlite as backend_module
from gongkai.search.backends import sqlite_build
from gongkai.search.models import Scope, SearchDocument
from gongkai.search.selectors import SearchParams, search_public

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="shards are the SQLite backend's FTS5 tables"
)


def tables(scope=Scope.PUBLIC) -> list[str]:
    with connection.cursor() as cursor:
        return backend_module.shard_tables(cursor, scope)


def rows_per_shard(scope=Scope.PUBLIC) -> list[int]:
    with connection.cursor() as cursor:
        out = []
        for table in backend_module.shard_tables(cursor, scope):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            out.append(cursor.fetchone()[0])
        return out


def integrity_check(scope=Scope.PUBLIC) -> None:
    with connection.cursor() as cursor:
        for table in backend_module.shard_tables(cursor, scope):
            # Raises on a damaged index: every word of every row checked against the content.
            cursor.execute(
                f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
            )


def results(q: str, **params) -> tuple[int, list[str], dict]:
    everything = []
    page_no = 1
    while True:
        page = search_public(SearchParams(q=q, page=page_no, **params))
        assert not page.error, page.error
        everything += [item.title for item in page.items]
        if not page.has_next:
            return page.total, everything, page.facets
        page_no += 1


QUERIES = ("低保", "低保 扶贫", '"城乡 低保"', "低保 -扶贫", "民政局", "救助")


def corpus(publish, n=45):
    for i in range(n):
        body = ("扶贫" if i % 3 == 0 else "救助") + ("，城乡低保标准调整" if i % 2 else "")
        publish(f"低保事项{i:02d}", body, column=("notice", "policy")[i % 2], day=i, index=False)


#: How a rebuild copies the finished shards in: a caller in a transaction (the tests' default)
#: gets the rows copied through Python; `reindex` from a command or a job runs outside one, and
#: SQLite copies from the attached shard file.
COPY_PATHS = [
    pytest.param("in a transaction", id="python-copy"),
    pytest.param("autocommit", id="attached", marks=pytest.mark.django_db(transaction=True)),
]


@pytest.fixture
def copies(monkeypatch):
    """The `attached` argument of every shard copy; and afterwards nothing is left attached."""
    seen = []
    original = sqlite_build.ShardBuild.copy

    def spy(self, cursor, n, attached=None):
        seen.append(attached)
        original(self, cursor, n, attached)

    monkeypatch.setattr(sqlite_build.ShardBuild, "copy", spy)
    yield seen
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        assert {row[1] for row in cursor.fetchall()} <= {"main", "temp"}


def expect_copy_path(copies, mode, shards=2):
    expected = sqlite_build.ATTACHED if mode == "autocommit" else None
    assert copies == [expected] * shards


def snapshot():
    return {q: results(q) for q in QUERIES} | {"by date": results("低保", sort="date")}


@pytest.mark.parametrize("mode", COPY_PATHS)
def test_parallel_rebuild_gives_the_index_of_one_writer(publish, copies, mode):
    corpus(publish)
    services.reindex(scope=Scope.PUBLIC, clear=True, workers=0, batch_size=10)
    one_writer = snapshot()
    assert one_writer["低保"][0] == 45

    services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=10)
    assert len(tables()) == 2
    counts = rows_per_shard()
    assert sum(counts) == 45 and min(counts) >= 20  # the shards take turns
    integrity_check()
    assert snapshot() == one_writer
    expect_copy_path(copies, mode)


def test_after_a_parallel_rebuild_items_are_written_and_removed(publish):
    corpus(publish, n=12)
    services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=5)
    newest = publish("低保新规", "扶贫", day=100)  # written by this process after the copy
    total, found, _ = results("低保", sort="date")
    assert total == 13 and found[0] == "低保新规"
    services.unindex_item(item_id=newest.pk)
    assert results("低保")[0] == 12
    integrity_check()


@override_settings(GONGKAI_SEARCH_SHARDS=3)
def test_clear_creates_the_configured_number_of_shards(publish):
    corpus(publish, n=9)
    assert len(tables()) == 2  # as migrated (test settings)
    services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=4)
    assert len(tables()) == 3 and rows_per_shard() == [3, 3, 3]
    assert results("低保")[0] == 9
    integrity_check()


def test_a_failing_shard_process_leaves_an_empty_usable_index(publish, monkeypatch):
    corpus(publish, n=10)
    services.reindex(scope=Scope.PUBLIC, clear=True, workers=0)

    def broken(conn, path, create_sql):
        conn.recv()
        conn.send(("error", "OperationalError: disk I/O error"))
        conn.close()

    monkeypatch.setattr(sqlite_build, "_build", broken)
    # Every shard process fails; whichever this process hears from first is reported.
    with pytest.raises(
        sqlite_build.ShardBuildFailed,
        match=r"搜索索引分片 [01] 写入失败：OperationalError: disk I/O",
    ):
        services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=4)
    assert not SearchDocument.objects.filter(scope=Scope.PUBLIC).exists()
    assert rows_per_shard() == [0, 0]
    assert results("低保")[0] == 0
    monkeypatch.undo()
    services.reindex(scope=Scope.PUBLIC, workers=0)  # and the next rebuild fills it again
    assert results("低保")[0] == 10


def test_shard_tables_refuses_a_missing_shard(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE search_fts_public_0")
        with pytest.raises(RuntimeError, match="missing or incomplete"):
            backend_module.shard_tables(cursor, Scope.PUBLIC)


def test_the_command_reports_a_failed_shard_in_chinese(publish, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    corpus(publish, n=6)

    def broken(conn, path, create_sql):
        conn.send(("error", "OperationalError: database or disk is full"))
        conn.close()

    monkeypatch.setattr(sqlite_build, "_build", broken)
    with pytest.raises(CommandError) as failed:
        call_command(
            "search",
            "reindex",
            "--clear",
            "--scope",
            "public",
            "--workers",
            "2",
            stdout=io.StringIO(),
        )
    message = str(failed.value)
    assert "搜索索引分片" in message and "disk is full" in message
    assert "公开版本的索引已清空" in message and "reindex --clear" in message


@pytest.mark.parametrize("mode", COPY_PATHS)
def test_publishing_and_withdrawing_during_a_parallel_rebuild(publish, copies, mode):
    """Index jobs keep running while `reindex --clear` builds its shards elsewhere: what they
    wrote is kept, what they removed stays removed."""
    from gongkai.catalog.models import Item

    corpus(publish, n=20)
    calls = []

    def meanwhile(done, total):
        if calls:
            return
        written = list(
            SearchDocument.objects.filter(scope=Scope.PUBLIC).values_list("item_id", flat=True)
        )
        calls.extend(written[:2])
        services.unindex_item(item_id=written[0])  # already written by the rebuild: removed
        # changed and written again, by "another process"
        version = Item.objects.get(pk=written[1]).current_version
        version.title = "低保事项改名"
        version.save(update_fields=["title"])
        services.index_item(item_id=written[1])

    services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=5, progress=meanwhile)
    assert len(calls) == 2
    integrity_check()
    total, found, _ = results("低保", sort="date")
    removed = Item.objects.get(pk=calls[0]).current_version.title
    assert total == 19 and len(found) == 19 and sum(rows_per_shard()) == 19
    assert removed not in found and found.count("低保事项改名") == 1
    assert results("改名")[1] == ["低保事项改名"]
    expect_copy_path(copies, mode)


@pytest.mark.parametrize("mode", COPY_PATHS)
def test_a_failing_copy_after_the_first_shard_leaves_an_empty_usable_index(
    publish, copies, monkeypatch, mode
):
    """Each shard is copied in its own transaction (the write lock is held one shard at a
    time); when a later one fails, the shards already copied do not stay half an index."""
    corpus(publish, n=10)
    original = sqlite_build.ShardBuild.copy
    copied = []

    def copy_then_fail(self, cursor, n, attached=None):
        if copied:
            raise OSError("磁盘已满")
        copied.append(self.tables[n])
        original(self, cursor, n, attached)

    monkeypatch.setattr(sqlite_build.ShardBuild, "copy", copy_then_fail)
    with pytest.raises(sqlite_build.ShardBuildFailed, match="写入数据库失败：磁盘已满"):
        services.reindex(scope=Scope.PUBLIC, clear=True, workers=2, batch_size=4)
    assert copied == ["search_fts_public_0"]
    assert not SearchDocument.objects.filter(scope=Scope.PUBLIC).exists()
    assert rows_per_shard() == [0, 0] and results("低保")[0] == 0
    integrity_check()
    expect_copy_path(copies, mode, shards=1)
