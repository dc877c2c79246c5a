"""SQLite: an FTS5 table per scope over the pre-segmented words.

    search_fts_public / search_fts_staff (rowid = ROWID_TOP - SearchDocument.sort_key)
        title title_x head head_x body body_x att att_x facets
        tokenize 'ascii' (the words are already cut and normalised; the tokenizer only splits
        at the spaces), columnsize=0 (no bm25)

A word is matched in a field's words and its `_x` words; a phrase in the field's words only.
Filters are words of `facets` (c12 u3 y2024 vinforce kpolicy d<文号 hash>), so FTS5 intersects
them with its own index. Every word is written inside double quotes (FTS5 strings), and words
contain only letters and digits (`segment.SAFE_CHARS`), so no user text is read as syntax.
Counting results per column joins the matches to SearchDocument through the (sort_key,
column_id) index.

The rowid is the sort key upside down, so that "newest first" is FTS5's ascending rowid order:
SQLite 3.40's FTS5 answered some `ORDER BY rowid DESC` queries incompletely on a large index
(a 200,000-item benchmark index lost 1,390 of 3,304 rows of `决定 AND 无限` in descending order;
ascending order and count(*) were right; see docs/benchmarks.md).
"""

# ruff: noqa: S608 - SQL here is built from constant table and column names and placeholders;
# every value, and every word of a query, is a bound parameter.
from __future__ import annotations

from django.db import connection
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

FTS_TABLES = {Scope.PUBLIC: "search_fts_public", Scope.STAFF: "search_fts_staff"}
#: The words are already cut and normalised: FTS5 only has to split at the spaces. `ascii`
#: treats every non-ASCII character as part of a word, so it never cuts a word itself.
TOKENIZE = "tokenize = 'ascii', columnsize = 0"
#: rowid = ROWID_TOP - sort_key (sort keys are below 2**63).
ROWID_TOP = 2**63 - 1


def rowid(sort_key: int) -> int:
    return ROWID_TOP - sort_key


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
)


def create_sql() -> list[str]:
    """The statements migration 0001 runs on SQLite."""
    statements = [_create_table_sql(table) for table in FTS_TABLES.values()]
    statements.append(
        f"CREATE INDEX search_document_sort_column ON {DOC_TABLE} (sort_key, column_id)"
    )
    return statements


def _create_table_sql(table: str) -> str:
    return f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(FTS_COLUMNS)}, {TOKENIZE})"


def drop_sql() -> list[str]:
    return [f"DROP TABLE IF EXISTS {t}" for t in FTS_TABLES.values()] + [
        "DROP INDEX IF EXISTS search_document_sort_column"
    ]


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

    # Writing ---------------------------------------------------------------------------------

    def write(self, rows, *, fresh: bool = False) -> None:
        if not rows:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        by_scope: dict[str, list] = {}
        # In rowid order (newest first): FTS5 flushes its buffer whenever a rowid goes down.
        for row in sorted(rows, key=lambda r: -r.sort_key):
            by_scope.setdefault(row.scope, []).append(row)
        with connection.cursor() as cursor:
            for scope, scoped in by_scope.items():
                if not fresh:
                    self._delete(cursor, scope, [r.item_id for r in scoped])
                cursor.executemany(
                    f"INSERT INTO {DOC_TABLE} ({', '.join(DOC_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(DOC_COLUMNS))})",
                    [
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
                        )
                        for r in scoped
                    ],
                )
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLES[scope]} (rowid, {', '.join(FTS_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * (len(FTS_COLUMNS) + 1))})",
                    [
                        (
                            rowid(r.sort_key),
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
                        for r in scoped
                    ],
                )

    def _delete(self, cursor, scope: str, item_ids: list[int]) -> int:
        deleted = 0
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT sort_key FROM {DOC_TABLE} WHERE scope = %s AND item_id IN ({marks})",
                [scope, *chunk],
            )
            keys = [k for (k,) in cursor.fetchall()]
            if not keys:
                continue
            key_marks = ", ".join(["%s"] * len(keys))
            cursor.execute(
                f"DELETE FROM {FTS_TABLES[scope]} WHERE rowid IN ({key_marks})",
                [rowid(k) for k in keys],
            )
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE sort_key IN ({key_marks})", keys)
            deleted += len(keys)
        return deleted

    def delete(self, scope: str, item_ids: list[int]) -> int:
        with connection.cursor() as cursor:
            return self._delete(cursor, scope, list(item_ids))

    def clear(self, scope: str) -> None:
        """Empty a scope. The FTS5 table is dropped and created again: deleting its rows one by
        one costs about as much as writing them."""
        table = FTS_TABLES[scope]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(_create_table_sql(table))
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE scope = %s", [scope])

    def bulk_start(self, scope: str) -> None:
        """A full rebuild: a large in-memory buffer and no merging until the end (then one
        'optimize' merges everything), and a larger page cache for this connection."""
        table = FTS_TABLES[scope]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', 67108864)")
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)")
            cursor.execute("PRAGMA cache_size = -262144")

    def bulk_finish(self, scope: str) -> None:
        table = FTS_TABLES[scope]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)")
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', 1048576)")
            cursor.execute("PRAGMA cache_size = -2000")

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

    def count(self, request: Request, tier: int, *, exclusive: bool) -> int:
        table = FTS_TABLES[request.scope]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE {table} MATCH %s",
                [expression(request, tier, exclusive=exclusive)],
            )
            return cursor.fetchone()[0]

    def ids(self, request, tier, *, exclusive, offset, limit):
        table = FTS_TABLES[request.scope]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s "
                "ORDER BY rowid LIMIT %s OFFSET %s",
                [expression(request, tier, exclusive=exclusive), limit, offset],
            )
            keys = [ROWID_TOP - r for (r,) in cursor.fetchall()]
        return [((k >> 1) & 0x7FFFFFFF, k) for k in keys]

    def tiers(self, request: Request, keys: list[int]) -> dict[int, int]:
        """Each tier's full expression (filters included) matches a subset of these few rows:
        three small FTS5 queries."""
        scores: dict[int, int] = {}
        wanted = set(keys)
        if keys and request.query.required:
            table = FTS_TABLES[request.scope]
            with connection.cursor() as cursor:
                for tier in range(len(TIERS) - 1):
                    cursor.execute(
                        f"SELECT rowid FROM {table} WHERE {table} MATCH %s",
                        [expression(request, tier, exclusive=False)],
                    )
                    for (row,) in cursor.fetchall():
                        key = ROWID_TOP - row
                        if key in wanted and key not in scores:
                            scores[key] = len(TIERS) - 1 - tier
        return {k: scores.get(k, 0) for k in keys}

    def column_counts(self, request: Request) -> dict[int, int]:
        table = FTS_TABLES[request.scope]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.column_id, count(*) FROM {table} f "
                f"JOIN {DOC_TABLE} d INDEXED BY search_document_sort_column "
                f"ON d.sort_key = {ROWID_TOP} - f.rowid WHERE {table} MATCH %s "
                "GROUP BY d.column_id",
                [expression(request, len(TIERS) - 1, exclusive=False, column=False)],
            )
            return dict(cursor.fetchall())
