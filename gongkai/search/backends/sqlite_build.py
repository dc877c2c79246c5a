"""SQLite: a full rebuild writes the shards of a scope in parallel, one process each.

SQLite lets one process write a database file at a time, and writing FTS5 is about a core's
work an item (~0.7 ms for the ~1,000 words of an average notice): a single writer cannot keep
up with segmenting on more than one core. So `reindex --clear` gives each shard (an FTS5 table,
see `sqlite.py`) its own process, which writes the shard's rows into an FTS5 table of the same
definition in a private file (no journal: a failed build is thrown away), and merges it
('optimize'). At the end this process copies each finished table into the database, in one
transaction a shard, from the shard's file attached to the connection (or through Python,
inside a caller's transaction, where SQLite attaches nothing): FTS5 keeps an index entirely in
its shadow tables (`<name>_data`, `_idx`, `_content`, `_config`), so copying their rows copies
a working index, with no word written twice. The copy replaces a table created a moment
before and not read since (a new FTS5 table object, with nothing of the old index cached).

    build = ShardBuild(tables, create_sql, directory)
    build.send(n, rows)              rows (rowid, *columns) for shard n, rowids ascending
    build.wait()                     every process merges its shard ('optimize')
    with build.attached(cursor, n) as name:   shard n's file attached (None in a transaction)
        build.copy(cursor, n, name)   shard n into the database (one transaction a shard, so
                                      that the write lock is held for one shard's copy at a time)
    build.abort()                    stop the processes, delete their files

Other processes keep indexing meanwhile (publications, withdrawals): they write into the
database's own, empty, tables. `SQLiteBackend.bulk_finish` keeps those rows across the copy
and deletes copied rows whose item was removed or re-indexed since.

Measured on 2 cores (docs/benchmarks.md, "Search"): two shard processes write pre-segmented
items 1.4× as fast as one writer at 60,000 items, 1.8× at 200,000; 2,328 items/s at 200,000
with the copy from the attached file (about 6 % of the rebuild's time, the WAL checkpoint after
it another 15 %).
"""

# ruff: noqa: S608 - table names are the backend's constants; values are bound parameters.
from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import tempfile
from array import array
from contextlib import closing, contextmanager, suppress

from django.db import connection

#: The shadow tables of an FTS5 table with columnsize=0 (no `_docsize`).
SHADOW_TABLES = ("data", "idx", "content", "config")
#: Rows copied at a time.
COPY_CHUNK = 1000
#: FTS5 settings while building (see SQLiteBackend.bulk_start) and after.
BUILD_SETTINGS = (("hashsize", 67108864), ("automerge", 0))
FINAL_SETTINGS = (("automerge", 4), ("hashsize", 1048576))
#: The schema name a shard's file is attached under while it is copied.
ATTACHED = "gongkai_shard"


class ShardBuildFailed(RuntimeError):
    pass


def _set(db, table: str, settings) -> None:
    for key, value in settings:
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (key, value))


def _build(conn, path: str, create_sql: str) -> None:
    """The process of one shard: rows from `conn` until None, then merge and answer."""
    try:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA page_size = 8192")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")
        db.execute(create_sql)
        _set(db, "shard", BUILD_SETTINGS)
        names = ", ".join(row[1] for row in db.execute("PRAGMA table_info(shard)"))
        marks = ", ".join("?" * (names.count(",") + 2))
        insert = f"INSERT INTO shard (rowid, {names}) VALUES ({marks})"
        while (rows := conn.recv()) is not None:
            db.execute("BEGIN")
            db.executemany(insert, rows)
            db.execute("COMMIT")
        db.execute("INSERT INTO shard (shard) VALUES ('optimize')")
        _set(db, "shard", FINAL_SETTINGS)
        db.close()
        conn.send(("ok", ""))
    except BaseException as exc:  # reported to the parent, which raises it
        with suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class ShardBuild:
    """One process per shard table, each writing a private file (see the module docstring)."""

    def __init__(self, tables: list[str], create_sql, directory: str | None):
        """`create_sql(name)`: the CREATE VIRTUAL TABLE statement of a shard named `name`."""
        self.tables = tables
        self.create_sql = create_sql
        #: rowids sent to the shards (for `SQLiteBackend.bulk_finish`)
        self.sent = array("q")
        self.directory = tempfile.mkdtemp(prefix="gongkai-search-", dir=directory)
        self.paths = [
            os.path.join(self.directory, f"shard-{n}.sqlite3") for n in range(len(tables))
        ]
        context = multiprocessing.get_context("fork")
        self.conns = []
        self.processes = []
        for path in self.paths:
            parent, child = context.Pipe()
            process = context.Process(
                target=_build, args=(child, path, create_sql("shard")), daemon=True
            )
            process.start()
            child.close()
            self.conns.append(parent)
            self.processes.append(process)

    def _failure(self, n: int) -> ShardBuildFailed:
        message = "进程意外退出"
        try:
            if self.conns[n].poll(1):
                status, text = self.conns[n].recv()
                if status == "error":
                    message = text
        except (EOFError, OSError):
            pass
        return ShardBuildFailed(f"搜索索引分片 {n} 写入失败：{message}")

    def send(self, n: int, rows: list[tuple] | None) -> None:
        """Rows for shard `n` (None: no more rows)."""
        try:
            self.conns[n].send(rows)
        except (BrokenPipeError, OSError) as exc:
            raise self._failure(n) from exc
        if rows:
            self.sent.extend(row[0] for row in rows)

    def wait(self) -> None:
        """Let every shard process finish its rows and merge (in parallel)."""
        for n in range(len(self.conns)):
            self.send(n, None)
        for n, conn in enumerate(self.conns):
            try:
                status, text = conn.recv()
            except EOFError as exc:
                raise self._failure(n) from exc
            if status != "ok":
                raise ShardBuildFailed(f"搜索索引分片 {n} 写入失败：{text}")
        for process in self.processes:
            process.join()

    @contextmanager
    def attached(self, cursor, n: int):
        """Shard `n`'s file attached to the connection while the block runs, if it is outside a
        transaction (SQLite attaches no database inside one): the schema name for `copy`, or
        None."""
        if connection.in_atomic_block or connection.connection.in_transaction:
            yield None
            return
        cursor.execute(f"ATTACH DATABASE %s AS {ATTACHED}", [self.paths[n]])
        try:
            yield ATTACHED
        finally:
            cursor.execute(f"DETACH DATABASE {ATTACHED}")

    def copy(self, cursor, n: int, attached: str | None = None) -> None:
        """Replace shard `n`'s table in the database by the finished one (inside the caller's
        transaction). From an attached file (`attached`) SQLite copies each shadow table in one
        statement, moving b-tree records without decoding them (2.7 s against 6.5–12 s through
        Python for a 1.3 GB shard, docs/benchmarks.md); inside a transaction the rows go
        through this process."""
        table = self.tables[n]
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(self.create_sql(table))
        if attached:
            for shadow in SHADOW_TABLES:
                cursor.execute(f"DELETE FROM {table}_{shadow}")
                cursor.execute(
                    f"INSERT INTO {table}_{shadow} SELECT * FROM {attached}.shard_{shadow}"
                )
            return
        raw = connection.connection  # the same connection, in the same transaction
        with closing(sqlite3.connect(self.paths[n])) as source:
            for shadow in SHADOW_TABLES:
                raw.execute(f"DELETE FROM {table}_{shadow}")
                rows = source.execute(f"SELECT * FROM shard_{shadow}")
                insert = (
                    f"INSERT INTO {table}_{shadow} VALUES "
                    f"({', '.join('?' * len(rows.description))})"
                )
                while chunk := rows.fetchmany(COPY_CHUNK):
                    raw.executemany(insert, chunk)

    def abort(self) -> None:
        """Stop the processes (if still running) and delete their files."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for conn in self.conns:
            conn.close()
        shutil.rmtree(self.directory, ignore_errors=True)
