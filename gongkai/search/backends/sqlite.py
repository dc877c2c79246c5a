"""SQLite: FTS5 tables per scope over the pre-segmented words, split into shards.

    search_fts_public_0 … _<n-1> / search_fts_staff_0 … (rowid = SearchDocument.position)
        title title_x head head_x body body_x att att_x facets
        tokenize 'ascii' (the words are already cut and normalised; the tokenizer only splits
        at the spaces), columnsize=0 (no bm25)

Shards: a row lives in table (position >> ROUTE_SHIFT) % n, n being the number of tables the
scope has (read from the schema; GONGKAI_SEARCH_SHARDS when `clear` creates them, one per core
up to 4 by default). They exist so that a full rebuild can write FTS5 on every core — SQLite
has one writer a file, and FTS5 is the slow half of indexing — see `sqlite_build`. Every query
runs on each shard: counts are added up, a page is a compound SELECT that SQLite answers by
merging the shards' rowid-ordered matches.

A word is matched in a field's words and its `_x` words; a phrase in the field's words only.
Filters are words of `facets` (c12 u3 y2024 vinforce kpolicy d<文号 hash>), so FTS5 intersects
them with its own index. Every word is written inside double quotes (FTS5 strings), and words
contain only letters and digits (`segment.SAFE_CHARS`), so no user text is read as syntax.

The rowid, `position`, is in the order of `sort_key` upside down, so that "newest first" is
FTS5's ascending rowid order and a page is the first rows of the match (SQLite 3.40's FTS5
answered some `ORDER BY rowid DESC` queries incompletely on a large index: a 200,000-item
benchmark index lost 1,390 of 3,304 rows of `决定 AND 无限` in descending order). Positions are
small numbers SPACING apart: a full rebuild numbers the items 0, 8, 16, … newest first; a newly
published item goes before the newest (−8, −16, …); anything else goes into the gap between its
neighbours, spread evenly when several fall into one gap (so `reindex` without --clear puts
each batch back where it was), a few older rows moving when the gap is too narrow (`_place`).
FTS5 stores each word's list of rowids as differences: with 2**63 − sort_key (seconds << 32)
they took 6 to 9 bytes, with positions 1 or 2, which halved the index and made writing it about
a third faster (docs/benchmarks.md). Results are mapped back to items through the (scope,
position) index.
"""

# ruff: noqa: S608 - SQL here is built from constant table and column names and placeholders;
# every value, and every word of a query, is a bound parameter.
from __future__ import annotations

import os

from django.db import connection, transaction
from django.utils import timezone

from ..documents import (
    FACET_ALL,
    FIELDS,
    facet_column,
    facet_kind,
    facet_unit,
    facet_validity,
    facet_year,
)
from ..models import Scope
from ..query import Part, Phrase
from .base import TIERS, Backend, Request
from .sqlite_build import BUILD_SETTINGS, FINAL_SETTINGS, ShardBuild, ShardBuildFailed

#: A scope's FTS5 tables (its shards) are named <prefix>_0, <prefix>_1, …
FTS_PREFIX = {Scope.PUBLIC: "search_fts_public", Scope.STAFF: "search_fts_staff"}
#: The words are already cut and normalised: FTS5 only has to split at the spaces. `ascii`
#: treats every non-ASCII character as part of a word, so it never cuts a word itself.
TOKENIZE = "tokenize = 'ascii', columnsize = 0"
#: Distance between neighbouring positions after a rebuild (room for later insertions).
SPACING = 8
#: Rows read at a time when a gap has to be made.
WINDOW = 64
#: A row's shard is (position >> ROUTE_SHIFT) % shards: after a rebuild (positions SPACING
#: apart) the shards take turns; a constant, so that routing never depends on SPACING.
ROUTE_SHIFT = 3
#: Most shards a scope is split into.
MAX_SHARDS = 16


FTS_COLUMNS = ("title", "title_x", "head", "head_x", "body", "body_x", "att", "att_x", "facets")
DOC_TABLE = "search_searchdocument"
DOC_COLUMNS = (
    "item_id",
    "scope",
    "sort_key",
    "version_id",
    "column_id",
    "unit_id",
    "kind",
    "year",
    "validity",
    "doc_key",
    "date",
    "indexed_at",
    "position",
)
INSERT_FTS = (
    "INSERT INTO {table} (rowid, " + ", ".join(FTS_COLUMNS) + ") "
    "VALUES (" + ", ".join(["%s"] * (len(FTS_COLUMNS) + 1)) + ")"
)


def create_table_sql(table: str) -> str:
    return f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(FTS_COLUMNS)}, {TOKENIZE})"


def shard_table(scope: str, n: int) -> str:
    return f"{FTS_PREFIX[scope]}_{n}"


def shard_of(position: int, shards: int) -> int:
    return (position >> ROUTE_SHIFT) % shards


def configured_shards() -> int:
    """Shards a new index is split into (`GONGKAI_SEARCH_SHARDS`, default one per core up to
    4): a full rebuild writes them in parallel, one process each."""
    from django.conf import settings

    value = settings.GONGKAI_SEARCH_SHARDS or min(4, os.cpu_count() or 1)
    return max(1, min(MAX_SHARDS, int(value)))


def shard_tables(cursor, scope: str) -> list[str]:
    """The FTS5 tables of a scope, in shard order. Read from the schema, so that every process
    sees a rebuild's new shards at once; remembered on the connection until the schema changes
    (`PRAGMA schema_version`, 9 µs against 78 µs for reading sqlite_master, several times a
    search)."""
    cursor.execute("PRAGMA schema_version")
    version = cursor.fetchone()[0]
    known = getattr(connection, "_search_shard_tables", None)
    if known is None or known[0] != version:
        known = (version, {})
        connection._search_shard_tables = known
    if scope not in known[1]:
        known[1][scope] = _read_shard_tables(cursor, scope)
    return known[1][scope]


def _read_shard_tables(cursor, scope: str) -> list[str]:
    prefix = FTS_PREFIX[scope]
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s ESCAPE '\\' "
        "AND sql LIKE 'CREATE VIRTUAL TABLE%%'",
        [prefix.replace("_", "\\_") + "\\_%"],
    )
    names = sorted(
        (name for (name,) in cursor.fetchall() if name[len(prefix) + 1 :].isdigit()),
        key=lambda name: int(name[len(prefix) + 1 :]),
    )
    if not names or names != [shard_table(scope, n) for n in range(len(names))]:
        raise RuntimeError(f"search index tables of {scope} are missing or incomplete: {names}")
    return names


def _configure(cursor, table: str, settings) -> None:
    for key, value in settings:
        cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES (%s, %s)", [key, value])


def _string(word: str) -> str:
    """An FTS5 string: double quotes, inner quotes doubled."""
    return '"' + word.replace('"', '""') + '"'


def _columns(fields, *, extra: bool) -> str:
    names = []
    for name in fields:
        names.append(name)
        if extra:
            names.append(f"{name}_x")
    return "{" + " ".join(names) + "}"


def part_expression(part: Part, fields) -> str:
    if isinstance(part, Phrase):
        return f"{_columns(fields, extra=False)} : {_string(' '.join(part.tokens))}"
    return f"{_columns(fields, extra=True)} : {_string(part.token)}"


def _all_of(parts, fields) -> str:
    return "(" + " AND ".join(part_expression(p, fields) for p in parts) + ")"


def _facet(word: str) -> str:
    return "{facets} : " + _string(word)


def _any_of(words: list[str]) -> str:
    return "(" + " OR ".join(_facet(w) for w in words) + ")"


def expression(request: Request, tier: int, *, exclusive: bool, column: bool = True) -> str:
    """The FTS5 MATCH expression of a tier (`exclusive`: without the tier before it).
    `column=False` leaves the column filter out (for the counts per column)."""
    query, filters = request.query, request.filters
    positive: list[str] = []
    if column and filters.column_id is not None:
        positive.append(_facet(facet_column(filters.column_id)))
    if filters.unit_id is not None:
        positive.append(_facet(facet_unit(filters.unit_id)))
    if filters.year is not None:
        positive.append(_facet(facet_year(filters.year)))
    if filters.validity:
        positive.append(_facet(facet_validity(filters.validity)))
    if filters.kind:
        positive.append(_facet(facet_kind(filters.kind)))
    if request.unit_ids is not None:
        positive.append(_any_of([facet_unit(u) for u in request.unit_ids] or ["unone"]))
    if query.doc_numbers:
        positive.append(_any_of([d.facet for d in query.doc_numbers]))
    if query.required:
        positive.append(_all_of(query.required, TIERS[tier]))
    if not positive:
        positive.append(_facet(FACET_ALL))  # nothing narrows the search: every row
    negative = [part_expression(p, FIELDS) for p in query.excluded]
    if exclusive and tier > 0 and query.required:
        negative.append(_all_of(query.required, TIERS[tier - 1]))
    text = " AND ".join(positive)
    if negative:
        text = f"({text}) NOT ({' OR '.join(negative)})"
    return text


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def __init__(self):
        #: scope → the parallel build of a full rebuild in progress (bulk_start … bulk_finish)
        self._builds: dict[str, ShardBuild] = {}

    # Writing ---------------------------------------------------------------------------------

    def write(self, rows, *, fresh: bool = False) -> None:
        if not rows:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        by_scope: dict[str, list] = {}
        # Newest first, in rowid order: FTS5 flushes its buffer whenever a rowid goes down.
        for row in sorted(rows, key=lambda r: -r.sort_key):
            by_scope.setdefault(row.scope, []).append(row)
        with connection.cursor() as cursor:
            for scope, scoped in by_scope.items():
                tables = shard_tables(cursor, scope)
                # Even into a cleared scope (`fresh`): another process may have indexed one of
                # these items meanwhile (a publication during `reindex --clear`).
                self._delete(cursor, scope, [r.item_id for r in scoped], tables)
                placed = self._place(cursor, scope, [r.sort_key for r in scoped])
                docs = []
                for r in scoped:
                    docs.append(
                        (
                            r.item_id,
                            r.scope,
                            r.sort_key,
                            r.version_id,
                            r.column_id,
                            r.unit_id,
                            r.kind,
                            r.year,
                            r.validity,
                            r.doc_key,
                            connection.ops.adapt_datetimefield_value(r.date),
                            now,
                            placed[r.sort_key],
                        )
                    )
                cursor.executemany(
                    f"INSERT INTO {DOC_TABLE} ({', '.join(DOC_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(DOC_COLUMNS))})",
                    docs,
                )
                shards: list[list[tuple]] = [[] for _ in tables]
                for r in sorted(scoped, key=lambda r: placed[r.sort_key]):
                    position = placed[r.sort_key]
                    shards[shard_of(position, len(tables))].append(
                        (
                            position,
                            r.title.main,
                            r.title.extra,
                            r.head.main,
                            r.head.extra,
                            r.body.main,
                            r.body.extra,
                            r.att.main,
                            r.att.extra,
                            r.facets,
                        )
                    )
                build = self._builds.get(scope)
                for n, shard_rows in enumerate(shards):
                    if not shard_rows:
                        continue
                    if build is not None:
                        build.send(n, shard_rows)
                    else:
                        cursor.executemany(INSERT_FTS.format(table=tables[n]), shard_rows)

    # Positions -------------------------------------------------------------------------------

    def _edge(self, cursor, scope: str, newest: bool):
        """(sort_key, position) of the newest or the oldest row of the scope, or None."""
        cursor.execute(
            f"SELECT sort_key, position FROM {DOC_TABLE} WHERE scope = %s "
            f"ORDER BY sort_key {'DESC' if newest else 'ASC'} LIMIT 1",
            [scope],
        )
        return cursor.fetchone()

    def _place(self, cursor, scope: str, keys: list[int]) -> dict[int, int]:
        """Positions for new rows with these sort keys (newest first), none of them indexed
        yet. Usually all of them are newer than every row (a publication) or older (a
        rebuild, batch after batch): numbered on from the edge. Otherwise gap by gap."""
        newest, oldest = self._edge(cursor, scope, True), self._edge(cursor, scope, False)
        if newest is None:
            return {key: n * SPACING for n, key in enumerate(keys)}
        if keys[-1] > newest[0]:
            start = newest[1] - SPACING * len(keys)
            return {key: start + n * SPACING for n, key in enumerate(keys)}
        if keys[0] < oldest[0]:
            return {key: oldest[1] + (n + 1) * SPACING for n, key in enumerate(keys)}
        placed: dict[int, int] = {}
        i = 0
        while i < len(keys):
            newer = self._nearest(cursor, scope, keys[i], newer=True)
            older = self._nearest(cursor, scope, keys[i], newer=False)
            # The run of keys that fall into the same gap (a batch of `reindex` without
            # --clear refills the gap its own deleted rows left): spread out evenly.
            j = i + 1
            while j < len(keys) and (older is None or keys[j] > older[0]):
                j += 1
            run = keys[i:j]
            if older is None:  # past the oldest row
                positions = [newer[1] + (n + 1) * SPACING for n in range(len(run))]
            elif newer is None:  # before the newest row
                positions = [older[1] - (len(run) - n) * SPACING for n in range(len(run))]
            elif older[1] - newer[1] - 1 >= len(run):
                step = (older[1] - newer[1]) // (len(run) + 1)
                positions = [newer[1] + (n + 1) * step for n in range(len(run))]
            else:
                positions = self._make_room(cursor, scope, run[-1], newer[1], len(run))
            placed.update(zip(run, positions, strict=True))
            i = j
        return placed

    def _nearest(self, cursor, scope: str, key: int, *, newer: bool):
        """(sort_key, position) of the indexed row nearest to `key` on the newer (or the
        older) side, or None."""
        cursor.execute(
            f"SELECT sort_key, position FROM {DOC_TABLE} WHERE scope = %s AND sort_key "
            f"{'>' if newer else '<'} %s ORDER BY sort_key {'ASC' if newer else 'DESC'} LIMIT 1",
            [scope, key],
        )
        return cursor.fetchone()

    def _make_room(self, cursor, scope: str, key: int, base: int, count: int) -> list[int]:
        """Fewer than `count` free positions after `base` (the newer neighbour's) before the
        rows older than `key`: spread those rows out up to the first gap wide enough (or past
        the oldest row) and return the `count` positions left free after `base`."""
        limit = WINDOW
        while True:
            cursor.execute(
                f"SELECT sort_key, position FROM {DOC_TABLE} WHERE scope = %s AND sort_key < %s "
                "ORDER BY sort_key DESC LIMIT %s",
                [scope, key, limit],
            )
            older = cursor.fetchall()
            end = None
            for j, (_key, pos) in enumerate(older):
                if pos - base - 1 >= j + count:  # the new rows and rows 0 … j-1 fit below pos
                    end, moving = pos, older[:j]
                    break
            else:
                if len(older) == limit:
                    limit *= 4
                    continue
                moving = older  # up to the oldest row: room enough after it
            break
        step = SPACING if end is None else (end - base) // (len(moving) + count + 1)
        self._move(
            cursor,
            scope,
            dict(moving),
            {k: base + step * (count + n + 1) for n, (k, _pos) in enumerate(moving)},
        )
        return [base + step * (n + 1) for n in range(count)]

    def _move(self, cursor, scope: str, old: dict[int, int], new: dict[int, int]) -> None:
        """Give indexed rows (sort_key → position) new positions: their FTS5 rows are read,
        deleted, and written again under the new rowids (in the new position's shard)."""
        if not old:
            return
        tables = shard_tables(cursor, scope)
        count = len(tables)
        contents: list[list[tuple]] = [[] for _ in tables]
        for key, pos in old.items():
            cursor.execute(
                f"SELECT {', '.join(FTS_COLUMNS)} FROM {tables[shard_of(pos, count)]} "
                "WHERE rowid = %s",
                [pos],
            )
            contents[shard_of(new[key], count)].append((new[key], *cursor.fetchone()))
        self._delete_rows(cursor, tables, list(old.values()))
        cursor.executemany(
            f"UPDATE {DOC_TABLE} SET position = %s WHERE sort_key = %s",
            [(new[key], key) for key in old],
        )
        for table, rows in zip(tables, contents, strict=True):
            if rows:
                cursor.executemany(INSERT_FTS.format(table=table), sorted(rows))

    def _delete_rows(self, cursor, tables: list[str], positions) -> None:
        """Delete FTS5 rows, each from its shard, up to 500 a statement."""
        by_shard: dict[int, list[int]] = {}
        for position in positions:
            by_shard.setdefault(shard_of(position, len(tables)), []).append(position)
        for n, rows in by_shard.items():
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {tables[n]} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )

    def _delete(self, cursor, scope: str, item_ids: list[int], tables=None) -> int:
        tables = tables or shard_tables(cursor, scope)
        deleted = 0
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            # `+scope`: look up by item (the unique (item, scope) index). Without statistics
            # SQLite preferred the covering (scope, position, …) index, reading every row of
            # the scope: 26 ms against 2 ms for 500 items at 200,000 rows.
            cursor.execute(
                f"SELECT position FROM {DOC_TABLE} WHERE item_id IN ({marks}) AND +scope = %s",
                [*chunk, scope],
            )
            positions = [p for (p,) in cursor.fetchall()]
            if not positions:
                continue
            self._delete_rows(cursor, tables, positions)
            cursor.execute(
                f"DELETE FROM {DOC_TABLE} WHERE scope = %s AND item_id IN ({marks})",
                [scope, *chunk],
            )
            deleted += len(positions)
        return deleted

    def delete(self, scope: str, item_ids: list[int]) -> int:
        with connection.cursor() as cursor:
            return self._delete(cursor, scope, list(item_ids))

    def clear(self, scope: str) -> None:
        """Empty a scope. Its FTS5 tables are dropped and created again, as many as configured
        now (deleting rows one by one costs about as much as writing them)."""
        with connection.cursor() as cursor:
            for table in shard_tables(cursor, scope):
                cursor.execute(f"DROP TABLE {table}")
            for n in range(configured_shards()):
                cursor.execute(create_table_sql(shard_table(scope, n)))
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE scope = %s", [scope])

    def bulk_start(self, scope: str, *, workers: int = 0) -> None:
        """A full rebuild into an empty scope. With `workers` (processes may be started) and
        more than one shard: one writing process per shard (`sqlite_build`). Otherwise this
        process writes: a large in-memory buffer and no merging until the end (then one
        'optimize' merges everything), and a larger page cache for this connection."""
        with connection.cursor() as cursor:
            tables = shard_tables(cursor, scope)
            cursor.execute(f"SELECT 1 FROM {DOC_TABLE} WHERE scope = %s LIMIT 1", [scope])
            empty = cursor.fetchone() is None
            if workers >= 1 and len(tables) > 1 and empty and scope not in self._builds:
                self._builds[scope] = ShardBuild(tables, create_table_sql, _build_directory())
                return
            for table in tables:
                _configure(cursor, table, BUILD_SETTINGS)
            cursor.execute("PRAGMA cache_size = -262144")

    def bulk_finish(self, scope: str) -> None:
        build = self._builds.pop(scope, None)
        if build is not None:
            try:
                build.wait()
                for n in range(len(build.tables)):
                    # Attached before the transaction begins, detached after it ends.
                    with (
                        connection.cursor() as cursor,
                        build.attached(cursor, n) as source,
                        transaction.atomic(),
                    ):
                        self._finish_shard(cursor, scope, build, n, source)
            except BaseException as exc:
                self._discard(scope, build)
                if isinstance(exc, Exception) and not isinstance(exc, ShardBuildFailed):
                    raise ShardBuildFailed(f"搜索索引写入数据库失败：{exc}") from exc
                raise
            build.abort()
            return
        with connection.cursor() as cursor:
            for table in shard_tables(cursor, scope):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
                _configure(cursor, table, FINAL_SETTINGS)
            cursor.execute("PRAGMA cache_size = -2000")

    def _finish_shard(self, cursor, scope, build: ShardBuild, n: int, attached=None) -> None:
        """Copy shard `n` in. Rows in the database's own table were written meanwhile by other
        processes (publishing, withdrawing): kept, and put back over the copy; copied rows of
        items removed or re-indexed since are deleted."""
        tables = shard_tables(cursor, scope)
        table = tables[n]
        cursor.execute(f"SELECT rowid, {', '.join(FTS_COLUMNS)} FROM {table}")
        meanwhile = sorted(cursor.fetchall())
        build.copy(cursor, n, attached)
        count = len(tables)
        mine = [p for p in build.sent if shard_of(p, count) == n]
        self._drop_orphans(cursor, scope, tables, mine)
        self._delete_rows(cursor, tables, [r[0] for r in meanwhile])
        if meanwhile:
            cursor.executemany(INSERT_FTS.format(table=table), meanwhile)

    def _drop_orphans(self, cursor, scope: str, tables: list[str], sent) -> None:
        """Delete copied rows whose item was removed or re-indexed elsewhere during the
        rebuild: positions the rebuild wrote that no SearchDocument row has any more."""
        cursor.execute(f"SELECT position FROM {DOC_TABLE} WHERE scope = %s", [scope])
        present = {p for (p,) in cursor.fetchall()}
        self._delete_rows(cursor, tables, [p for p in sent if p not in present])

    def bulk_abort(self, scope: str) -> None:
        self._discard(scope, self._builds.pop(scope, None))

    def _discard(self, scope: str, build: ShardBuild | None) -> None:
        """A parallel rebuild failed: stop it and leave the scope empty (consistent)."""
        if build is not None:
            build.abort()
        with transaction.atomic():
            self.clear(scope)

    def size_bytes(self) -> int:
        """Pages of the search tables (dbstat when compiled in, else the whole file)."""
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:
                cursor.execute("PRAGMA page_count")
                pages = cursor.fetchone()[0]
                cursor.execute("PRAGMA page_size")
                return pages * cursor.fetchone()[0]

    # Reading ---------------------------------------------------------------------------------
    # Every query runs on each shard: counts are added up, pages merged in rowid order.

    def count(self, request: Request, tier: int, *, exclusive: bool) -> int:
        text = expression(request, tier, exclusive=exclusive)
        total = 0
        with connection.cursor() as cursor:
            for table in shard_tables(cursor, request.scope):
                cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH %s", [text])
                total += cursor.fetchone()[0]
        return total

    def ids(self, request, tier, *, exclusive, offset, limit):
        text = expression(request, tier, exclusive=exclusive)
        with connection.cursor() as cursor:
            tables = shard_tables(cursor, request.scope)
            # A compound SELECT ordered by rowid: SQLite merges the shards' rowid-ordered
            # matches and stops after the page.
            cursor.execute(
                " UNION ALL ".join(f"SELECT rowid FROM {t} WHERE {t} MATCH %s" for t in tables)
                + " ORDER BY 1 LIMIT %s OFFSET %s",
                [*([text] * len(tables)), limit, offset],
            )
            positions = [p for (p,) in cursor.fetchall()]
            if not positions:
                return []
            cursor.execute(
                f"SELECT position, item_id, sort_key FROM {DOC_TABLE} "
                "INDEXED BY search_document_position WHERE scope = %s "
                f"AND position IN ({', '.join(['%s'] * len(positions))})",
                [request.scope, *positions],
            )
            items = {p: (item_id, key) for p, item_id, key in cursor.fetchall()}
        return [items[p] for p in positions if p in items]

    def tiers(self, request: Request, keys: list[int]) -> dict[int, int]:
        """Each tier's full expression (filters included) matches a subset of these few rows:
        three small FTS5 queries a shard."""
        scores: dict[int, int] = {}
        wanted = set(keys)
        if keys and request.query.required:
            with connection.cursor() as cursor:
                tables = shard_tables(cursor, request.scope)
                for tier in range(len(TIERS) - 1):
                    text = expression(request, tier, exclusive=False)
                    for table in tables:
                        cursor.execute(
                            f"SELECT d.sort_key FROM {table} f CROSS JOIN {DOC_TABLE} d "
                            "INDEXED BY search_document_position "
                            f"ON d.scope = %s AND d.position = f.rowid WHERE {table} MATCH %s",
                            [request.scope, text],
                        )
                        for (key,) in cursor.fetchall():
                            if key in wanted and key not in scores:
                                scores[key] = len(TIERS) - 1 - tier
        return {k: scores.get(k, 0) for k in keys}

    def column_counts(self, request: Request) -> dict[int, int]:
        text = expression(request, len(TIERS) - 1, exclusive=False, column=False)
        counts: dict[int, int] = {}
        with connection.cursor() as cursor:
            for table in shard_tables(cursor, request.scope):
                cursor.execute(
                    f"SELECT d.column_id, count(*) FROM {table} f CROSS JOIN {DOC_TABLE} d "
                    "INDEXED BY search_document_position ON d.scope = %s "
                    f"AND d.position = f.rowid WHERE {table} MATCH %s GROUP BY d.column_id",
                    [request.scope, text],
                )
                for column_id, n in cursor.fetchall():
                    counts[column_id] = counts.get(column_id, 0) + n
        return counts


def _build_directory() -> str | None:
    """Where shard processes write: beside the database file (the same disk, which has room
    for the index), or the system's temporary directory for an in-memory database."""
    name = str(connection.settings_dict.get("NAME") or "")
    if name and not name.startswith("file:") and ":memory:" not in name:
        return os.path.dirname(os.path.abspath(name))
    return None
