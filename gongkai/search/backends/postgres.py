"""PostgreSQL: tsvector columns with the `simple` configuration and one GIN index.

    search_searchdocument.tsv_title / tsv_head / tsv_body / tsv_att
        = to_tsvector('simple', <words>) || setweight(to_tsvector('simple', <extra words>), 'A')
    GIN (tsv_title, tsv_head, tsv_body, tsv_att)

The words are the segmenter's, joined by spaces: PostgreSQL's parser reads each of them as one
word (checked for every indexable character by tests/test_segment.py), so positions are the
same as FTS5's. Words in order keep the default weight D and `extra` words get weight A: a word
matches either (`'低保'`), a phrase only the words in order (`'河长':D <-> '工作':D`), exactly as
the SQLite backend matches `{title title_x}` and `{title}`. Filters are plain columns. Every
word is quoted as a tsquery lexeme and passed as a bound parameter.
"""

# ruff: noqa: S608 - SQL here is built from constant table and column names and placeholders;
# every value, and every word of a query, is a bound parameter.
from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from ..documents import FIELDS
from ..models import Scope
from ..query import Part, Phrase
from .base import ALL, TIERS, Backend, Request

DOC_TABLE = "search_searchdocument"
GIN_INDEX = "search_document_tsv"
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
TSV = "to_tsvector('simple', %s) || setweight(to_tsvector('simple', %s), 'A')"


def create_sql() -> list[str]:
    """The statements migration 0001 runs on PostgreSQL."""
    columns = ", ".join(
        f"ADD COLUMN tsv_{name} tsvector NOT NULL DEFAULT ''::tsvector" for name in FIELDS
    )
    return [f"ALTER TABLE {DOC_TABLE} {columns}", _create_index_sql()]


def _create_index_sql() -> str:
    columns = ", ".join(f"tsv_{name}" for name in FIELDS)
    return f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {DOC_TABLE} USING gin ({columns})"


def drop_sql() -> list[str]:
    columns = ", ".join(f"DROP COLUMN IF EXISTS tsv_{name}" for name in FIELDS)
    return [f"DROP INDEX IF EXISTS {GIN_INDEX}", f"ALTER TABLE {DOC_TABLE} {columns}"]


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def part_tsquery(part: Part) -> str:
    if isinstance(part, Phrase):
        return " <-> ".join(_lexeme(t) + ":D" for t in part.tokens)
    return _lexeme(part.token)


def _part_sql(part: Part, fields) -> tuple[str, list]:
    query = part_tsquery(part)
    sql = " OR ".join(f"tsv_{name} @@ %s::tsquery" for name in fields)
    return f"({sql})", [query] * len(fields)


def _all_of(parts, fields) -> tuple[str, list]:
    sqls, params = [], []
    for part in parts:
        sql, p = _part_sql(part, fields)
        sqls.append(sql)
        params.extend(p)
    return "(" + " AND ".join(sqls) + ")", params


def where(request: Request, tier: int, *, exclusive: bool, column: bool = True):
    """(WHERE clause, parameters) of what a tier matches, and (WHERE clause, parameters) of
    what must be taken away from it (excluded words; with `exclusive`, the tier before it), or
    None. Taking away is done with EXCEPT, so both sides are GIN bitmap scans: a `NOT (tsv @@
    q)` filter would decompress the tsvector of every candidate row."""
    query, filters = request.query, request.filters
    scope = f"scope = '{Scope(request.scope).value}'"
    sqls = [scope]
    params: list = []
    if column and filters.column_id is not None:
        sqls.append("column_id = %s")
        params.append(filters.column_id)
    if filters.unit_id is not None:
        sqls.append("unit_id = %s")
        params.append(filters.unit_id)
    if filters.year is not None:
        sqls.append("year = %s")
        params.append(filters.year)
    if filters.validity:
        sqls.append("validity = %s")
        params.append(filters.validity)
    if filters.kind:
        sqls.append("kind = %s")
        params.append(filters.kind)
    if request.unit_ids is not None:
        sqls.append("unit_id = ANY(%s)")
        params.append(list(request.unit_ids))
    if query.doc_numbers:
        sqls.append("doc_key = ANY(%s)")
        params.append([d.key for d in query.doc_numbers])
    if query.required:
        sql, p = _all_of(query.required, TIERS[tier])
        sqls.append(sql)
        params.extend(p)
    minus, minus_params = [], []
    for part in query.excluded:
        sql, p = _part_sql(part, FIELDS)
        minus.append(sql)
        minus_params.extend(p)
    if exclusive and tier > 0 and query.required:
        sql, p = _all_of(query.required, TIERS[tier - 1])
        minus.append(sql)
        minus_params.extend(p)
    negative = None
    if minus:
        negative = (f"{scope} AND ({' OR '.join(minus)})", minus_params)
    return (" AND ".join(sqls), params), negative


def matches(request: Request, tier: int, *, exclusive: bool, columns: str, column=True):
    """A query `WITH m AS MATERIALIZED (…)` of `columns` of a tier's rows (to be followed by
    the SELECT from m), and its parameters. Materialised, so that the matches are collected
    through the GIN index: otherwise the planner may read the sort_key index backwards and test
    each row, decompressing its tsvectors (seconds for a common word)."""
    (sql, params), negative = where(request, tier, exclusive=exclusive, column=column)
    select = f"SELECT {columns} FROM {DOC_TABLE} WHERE {sql}"
    if negative is not None:
        select += f" EXCEPT SELECT {columns} FROM {DOC_TABLE} WHERE {negative[0]}"
        params = [*params, *negative[1]]
    return f"WITH m AS MATERIALIZED ({select})", params


class PostgresBackend(Backend):
    vendor = "postgresql"

    # Writing ---------------------------------------------------------------------------------

    def write(self, rows, *, fresh: bool = False) -> None:
        if not rows:
            return
        now = timezone.now()
        values = ", ".join(["%s"] * len(DOC_COLUMNS))
        tsv = ", ".join([TSV] * len(FIELDS))
        tsv_columns = ", ".join(f"tsv_{name}" for name in FIELDS)
        sql = (
            f"INSERT INTO {DOC_TABLE} ({', '.join(DOC_COLUMNS)}, {tsv_columns}) "
            f"VALUES ({values}, {tsv})"
        )
        with connection.cursor() as cursor:
            if not fresh:
                by_scope: dict[str, list[int]] = {}
                for row in rows:
                    by_scope.setdefault(row.scope, []).append(row.item_id)
                for scope, ids in by_scope.items():
                    self._delete(cursor, scope, ids)
            cursor.executemany(
                sql,
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
                        r.date,
                        now,
                        r.title.main,
                        r.title.extra,
                        r.head.main,
                        r.head.extra,
                        r.body.main,
                        r.body.extra,
                        r.att.main,
                        r.att.extra,
                    )
                    for r in rows
                ],
            )

    def _delete(self, cursor, scope: str, item_ids: list[int]) -> int:
        cursor.execute(
            f"DELETE FROM {DOC_TABLE} WHERE scope = %s AND item_id = ANY(%s)",
            [scope, list(item_ids)],
        )
        return cursor.rowcount

    def delete(self, scope: str, item_ids: list[int]) -> int:
        with connection.cursor() as cursor:
            return self._delete(cursor, scope, item_ids)

    def clear(self, scope: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE scope = %s", [scope])

    def bulk_start(self, scope: str, *, workers: int = 0) -> None:
        """A full rebuild loads faster without the GIN index; it is built once at the end."""
        with connection.cursor() as cursor:
            # Check deferred foreign keys now: index DDL refuses to run with pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")

    def bulk_finish(self, scope: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(_create_index_sql())
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"ANALYZE {DOC_TABLE}")

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [DOC_TABLE])
            return int(cursor.fetchone()[0] or 0)

    # Reading ---------------------------------------------------------------------------------

    def search(self, request: Request):
        """In a transaction that keeps the planner on the GIN index: it prices `@@` as cheap
        and may prefer a sequential scan that decompresses every tsvector (tens of ms for a
        few thousand rows); JIT compilation of such plans costs more than it saves here."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL jit = off")
            # Exact bitmaps: a lossy one makes PostgreSQL recheck (decompress) whole pages.
            cursor.execute("SET LOCAL work_mem = '32MB'")
            return super().search(request)

    def first(self, request: Request, n: int):
        """One pass over the matches gives the total and the newest `n` (a phrase's matches
        are checked against positions, which is the costly part on PostgreSQL)."""
        sql, params = matches(request, ALL, exclusive=False, columns="item_id, sort_key")
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} SELECT item_id, sort_key, count(*) OVER () FROM m "
                "ORDER BY sort_key DESC LIMIT %s",
                [*params, n],
            )
            rows = cursor.fetchall()
        if not rows:
            return [], 0
        return [(item_id, key) for item_id, key, _ in rows], rows[0][2]

    def tiers(self, request: Request, keys: list[int]) -> dict[int, int]:
        if not keys or not request.query.required:
            return dict.fromkeys(keys, 0)
        columns, params = [], []
        for tier in range(len(TIERS) - 1):
            sql, p = _all_of(request.query.required, TIERS[tier])
            columns.append(sql)
            params.extend(p)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT sort_key, {', '.join(columns)} FROM {DOC_TABLE} WHERE sort_key = ANY(%s)",
                [*params, list(keys)],
            )
            scores = {}
            for key, *flags in cursor.fetchall():
                tier = next((t for t, flag in enumerate(flags) if flag), len(TIERS) - 1)
                scores[key] = len(TIERS) - 1 - tier
        return {k: scores.get(k, 0) for k in keys}

    def count(self, request: Request, tier: int, *, exclusive: bool) -> int:
        sql, params = matches(request, tier, exclusive=exclusive, columns="sort_key")
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} SELECT count(*) FROM m", params)
            return cursor.fetchone()[0]

    def ids(self, request, tier, *, exclusive, offset, limit):
        sql, params = matches(request, tier, exclusive=exclusive, columns="item_id, sort_key")
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} SELECT item_id, sort_key FROM m ORDER BY sort_key DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            return [(item_id, key) for item_id, key in cursor.fetchall()]

    def column_counts(self, request: Request) -> dict[int, int]:
        sql, params = matches(
            request, len(TIERS) - 1, exclusive=False, columns="column_id, sort_key", column=False
        )
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} SELECT column_id, count(*) FROM m GROUP BY column_id", params)
            return dict(cursor.fetchall())
