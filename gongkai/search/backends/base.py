"""What both backends share: the request, the result, and the ranking.

Ranking ("relevance") is the same on both databases, by construction: a result's tier says where
all the query's words were found —

    3  in the title
    2  in the title and the metadata (文号, 索引号, 发布机构, 内容概述)
    1  in those and the body
    0  only with the attachments' text

— higher tiers first, then newest first, then the highest id (`sort_key`). "date" is newest first,
then the highest id. Each tier is a query of its own, ordered by `sort_key` with a LIMIT, so a
page costs a few index look-ups however many items match, and the count of a tier is only
taken when a later page has to skip it. (BM25 on SQLite and ts_rank_cd on PostgreSQL would give
two different orders, and both must score every match before the first page can be shown.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..documents import FIELDS
from ..query import Query

#: Fields searched by each tier, most specific first; the last one is "everywhere".
TIERS: tuple[tuple[str, ...], ...] = (
    ("title",),
    ("title", "head"),
    ("title", "head", "body"),
    FIELDS,
)
ALL = len(TIERS) - 1
#: Up to this many results, all of them are read and ranked in one go (see Backend.search).
FEW = 500


@dataclass(frozen=True)
class Filters:
    column_id: int | None = None
    unit_id: int | None = None
    year: int | None = None
    validity: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Request:
    query: Query
    scope: str
    filters: Filters = Filters()
    #: STAFF scope: only these units (None: every unit).
    unit_ids: tuple[int, ...] | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = False


@dataclass
class Hit:
    item_id: int
    sort_key: int
    #: The tier: 3 title … 0 attachments only (see the module docstring); None by date.
    score: int | None = None


@dataclass
class Result:
    total: int
    hits: list[Hit] = field(default_factory=list)
    #: column id → number of results in it (the column filter itself left out).
    facets: dict[int, int] = field(default_factory=dict)


class Backend:
    vendor = ""

    # Writing ---------------------------------------------------------------------------------

    def write(self, rows: list, *, fresh: bool = False) -> None:
        """Insert or replace the rows (by item and scope). `fresh`: the scope was just cleared,
        nothing to replace."""
        raise NotImplementedError

    def delete(self, scope: str, item_ids: list[int]) -> int:
        raise NotImplementedError

    def clear(self, scope: str) -> None:
        raise NotImplementedError

    def bulk_start(self, scope: str, *, workers: int = 0) -> None:
        """Before a full reindex of `scope` (after `clear`). `workers` ≥ 1: processes may be
        started (not from huey's worker threads)."""

    def bulk_finish(self, scope: str) -> None:
        """After a full reindex: merge, rebuild indexes, refresh statistics."""

    def bulk_abort(self, scope: str) -> None:
        """A full reindex failed part way: leave the scope consistent and searchable (what was
        written so far, or empty)."""
        self.bulk_finish(scope)

    def size_bytes(self) -> int:
        raise NotImplementedError

    # Reading ---------------------------------------------------------------------------------

    def count(self, request: Request, tier: int, *, exclusive: bool) -> int:
        raise NotImplementedError

    def ids(
        self, request: Request, tier: int, *, exclusive: bool, offset: int, limit: int
    ) -> list[tuple[int, int]]:
        """(item id, sort_key) of a tier's results, newest first."""
        raise NotImplementedError

    def column_counts(self, request: Request) -> dict[int, int]:
        raise NotImplementedError

    def first(self, request: Request, n: int) -> tuple[list[tuple[int, int]], int]:
        """The first `n` results of all tiers, newest first, and the number of results."""
        total = self.count(request, ALL, exclusive=False)
        rows = self.ids(request, ALL, exclusive=False, offset=0, limit=n) if total else []
        return rows, total

    def tiers(self, request: Request, keys: list[int]) -> dict[int, int]:
        """The score (3 … 0) of each of these results (sort_keys)."""
        raise NotImplementedError

    def search(self, request: Request) -> Result:
        """A page of results. The first FEW results are read at once with the total; when they
        are all the results (the usual case), ranking them needs one more small query instead
        of a query per tier."""
        ranked = request.sort != "date" and request.query.has_text
        rows, total = self.first(request, FEW + 1)
        result = Result(total=total)
        start, end = request.offset, request.offset + request.limit
        if total and request.limit > 0 and start < total:
            if not ranked:
                if end > len(rows) and len(rows) < total:
                    rows = self.ids(
                        request, ALL, exclusive=False, offset=start, limit=request.limit
                    )
                    start, end = 0, request.limit
                result.hits = [Hit(item_id, key) for item_id, key in rows[start:end]]
            elif total <= FEW:
                scores = self.tiers(request, [key for _, key in rows])
                rows.sort(key=lambda row: (-scores.get(row[1], 0), -row[1]))
                result.hits = [Hit(i, k, scores.get(k, 0)) for i, k in rows[start:end]]
            else:
                result.hits = self._ranked(request, total)
        if request.facets and total:
            result.facets = self.column_counts(request)
        return result

    def _ranked(self, request: Request, total: int) -> list[Hit]:
        """Rows [offset, offset + limit) of tier 3's results, then tier 2's, … (each tier
        without the rows of the tiers before it)."""
        hits: list[Hit] = []
        offset, need, skipped = request.offset, request.limit, 0
        for tier in range(len(TIERS)):
            if need <= 0 or request.offset + len(hits) >= total:
                break
            exclusive = tier > 0
            if offset > 0:
                if tier == ALL:
                    size = total - skipped
                else:
                    size = self.count(request, tier, exclusive=exclusive)
                if offset >= size:
                    offset -= size
                    skipped += size
                    continue
            rows = self.ids(request, tier, exclusive=exclusive, offset=offset, limit=need)
            hits.extend(Hit(item_id, key, ALL - tier) for item_id, key in rows)
            need -= len(rows)
            offset = 0
        return hits
