"""Searching: what the portal page, the workbench page, the JSON API and the command call.

    search_params(mapping) -> SearchParams      tolerant parsing of ?q=&column=&… (junk ignored)
    search_public(params) -> SearchPage         published content of LIVE items
    search_staff(user, params) -> SearchPage    working copies of the units the user may view

A page holds at most PER_PAGE results with highlighted titles and snippets, the total, the
counts per column and either results or a message for the user (never an exception for
anything a user can type). Public results are read through `gongkai.catalog.selectors.public`
(published versions only) and an item that is no longer LIVE is dropped even if the index has
not caught up.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.urls import reverse
from django.utils.safestring import SafeString

from . import highlight
from .backends import Filters, Request, get_backend
from .models import Scope
from .query import Query, QueryError, needles, parse

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGE = 500
SORTS = {"relevance": "相关度", "date": "发布时间"}
TIER_LABELS = {3: "标题", 2: "元数据", 1: "正文", 0: "附件"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    column: str = ""
    unit: int | None = None
    year: int | None = None
    validity: str = ""
    kind: str = ""
    sort: str = "relevance"
    page: int = 1

    def as_query(self, **changes) -> dict:
        """The parameters as a query-string mapping (empty values left out)."""
        values = {
            "q": self.q,
            "column": self.column,
            "unit": self.unit,
            "year": self.year,
            "validity": self.validity,
            "kind": self.kind,
            "sort": "" if self.sort == "relevance" else self.sort,
            "page": self.page,
        }
        values.update(changes)
        if values.get("page") == 1:
            values["page"] = None
        return {k: v for k, v in values.items() if v not in (None, "")}


def _int(value, lo: int, hi: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if lo <= number <= hi else None


def _choice(value, choices) -> str:
    value = str(value or "").strip()
    return value if value in choices else ""


def search_params(data: Mapping) -> SearchParams:
    """Parameters from a query string; anything invalid is ignored, never an error."""
    from gongkai.catalog.models import Column, Validity

    def get(key):
        value = data.get(key)
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        return value

    column = str(get("column") or "").strip()
    return SearchParams(
        q=str(get("q") or "")[:2000],
        column=column
        if column.replace("-", "").replace("_", "").isalnum() and len(column) <= 60
        else "",
        unit=_int(get("unit"), 1, 2**31 - 1),
        year=_int(get("year"), 1900, 2100),
        validity=_choice(get("validity"), Validity.values),
        kind=_choice(get("kind"), Column.Kind.values),
        sort=_choice(get("sort"), SORTS) or "relevance",
        page=_int(get("page"), 1, MAX_PAGE) or 1,
    )


@dataclass(frozen=True)
class ResultItem:
    id: int
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    date: dt.datetime | None
    publish_date: dt.date | None
    column_code: str
    column_name: str
    doc_number: str
    publisher_name: str
    validity: str
    validity_label: str
    score: int | None
    status_label: str = ""

    @property
    def matched_in(self) -> str:
        return TIER_LABELS.get(self.score, "") if self.score is not None else ""


@dataclass(frozen=True)
class FacetCount:
    column_id: int
    code: str
    name: str
    count: int
    selected: bool


@dataclass
class SearchPage:
    params: SearchParams
    total: int = 0
    items: list[ResultItem] = field(default_factory=list)
    facets: list[FacetCount] = field(default_factory=list)
    #: Why the query could not be run (nothing to look for, unknown column, database trouble).
    error: str = ""
    #: The database failed (the API answers 503).
    failed: bool = False
    notices: list[str] = field(default_factory=list)
    per_page: int = PER_PAGE
    took_ms: float = 0.0

    @property
    def searched(self) -> bool:
        """A query was run (it may have found nothing)."""
        return bool(self.params.q.strip()) and not self.error

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def page_query(self, page: int) -> dict:
        return self.params.as_query(page=page)


def _filters(params: SearchParams) -> tuple[Filters, str]:
    """The backend filters; a message when the column is unknown."""
    from gongkai.catalog.models import Column

    column_id = None
    if params.column:
        column_id = Column.objects.filter(code=params.column).values_list("pk", flat=True).first()
        if column_id is None:
            return Filters(), "没有这个栏目"
    return (
        Filters(
            column_id=column_id,
            unit_id=params.unit,
            year=params.year,
            validity=params.validity or None,
            kind=params.kind or None,
        ),
        "",
    )


def _run(params: SearchParams, scope: str, unit_ids, loader) -> SearchPage:
    page = SearchPage(params=params)
    if not params.q.strip():
        return page
    try:
        query = parse(params.q)
    except QueryError as exc:
        page.error = exc.message
        return page
    page.notices = list(query.notices)
    filters, problem = _filters(params)
    if problem:
        page.error = problem
        return page
    request = Request(
        query=query,
        scope=scope,
        filters=filters,
        unit_ids=unit_ids,
        sort=params.sort,
        offset=(params.page - 1) * PER_PAGE,
        limit=PER_PAGE,
        facets=True,
    )
    started = time.perf_counter()
    try:
        result = get_backend().search(request)
    except DatabaseError:
        logger.exception("search failed for %r", params.q)
        page.error = "检索暂时无法完成，请稍后再试或换用其他查询词"
        page.failed = True
        return page
    page.total = result.total
    page.items = loader(result.hits, query)
    page.facets = _facets(result.facets, params.column)
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _facets(counts: dict[int, int], selected: str) -> list[FacetCount]:
    from gongkai.catalog.models import Column

    columns = {
        pk: (code, name, order)
        for pk, code, name, order in Column.objects.filter(pk__in=list(counts)).values_list(
            "pk", "code", "name", "sort_order"
        )
    }
    facets = [
        FacetCount(pk, columns[pk][0], columns[pk][1], n, columns[pk][0] == selected)
        for pk, n in counts.items()
        if pk in columns
    ]
    return sorted(facets, key=lambda f: (-f.count, columns[f.column_id][2], f.column_id))


def _plain(html: str) -> str:
    from gongkai.core.richtext import html_to_text

    return html_to_text(html or "")


def _attachment_text(item_id: int, ids) -> str:
    from gongkai.catalog.models import ItemAttachment

    ids = [int(i) for i in ids or []]
    if not ids:
        return ""
    texts = dict(
        ItemAttachment.objects.filter(item_id=item_id, pk__in=ids).values_list("pk", "text")
    )
    return " ".join(texts.get(i, "") for i in ids)


def _load_public(hits, query: Query) -> list[ResultItem]:
    from gongkai.catalog.models import LIVE_Q, Item
    from gongkai.catalog.selectors import public

    if not hits:
        return []
    rows = {
        item.pk: item
        for item in Item.objects.filter(LIVE_Q, pk__in=[h.item_id for h in hits]).select_related(
            "current_version", "column"
        )
    }
    regex = highlight.pattern(needles(query))
    items = []
    for hit in hits:
        item = rows.get(hit.item_id)
        if item is None:
            continue  # withdrawn since it was indexed
        entry = public.public_entry(item)
        version = item.current_version
        text = _plain(version.body) or version.summary
        if hit.score == 0 or not text:
            text = _attachment_text(item.pk, version.attachment_ids) or text
        meta = version.metadata or {}
        items.append(
            ResultItem(
                id=entry.id,
                title=entry.title,
                title_html=highlight.highlight(entry.title, regex),
                snippet_html=highlight.snippet(text, regex),
                url=entry.url,
                date=entry.published_at,
                publish_date=entry.publish_date,
                column_code=entry.column_code,
                column_name=entry.column_name,
                doc_number=entry.doc_number,
                publisher_name=meta.get("publisher_name") or "",
                validity=entry.validity,
                validity_label=entry.validity_label,
                score=hit.score,
            )
        )
    return items


def search_public(params: SearchParams) -> SearchPage:
    """Search the published versions of LIVE items."""
    return _run(params, Scope.PUBLIC, None, _load_public)


def staff_unit_ids(user) -> tuple[int, ...] | None:
    """The units whose items `user` may search (None: every unit)."""
    from gongkai.orgs.permissions import Action, has_perm, roles_of, units_for

    global_roles, _ = roles_of(user)
    if global_roles and has_perm(user, Action.VIEW):
        # A global role (系统管理员, 公开办, 领导) views every unit.
        return None
    return tuple(sorted(units_for(user, Action.VIEW).values_list("pk", flat=True)))


def _load_staff(unit_ids):
    def load(hits, query: Query) -> list[ResultItem]:
        from gongkai.catalog.models import Item, ItemAttachment

        if not hits:
            return []
        rows = Item.objects.filter(pk__in=[h.item_id for h in hits]).select_related("column")
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=unit_ids)
        rows = {item.pk: item for item in rows}
        regex = highlight.pattern(needles(query))
        items = []
        for hit in hits:
            item = rows.get(hit.item_id)
            if item is None:
                continue
            text = _plain(item.body) or item.summary
            if hit.score == 0 or not text:
                text = " ".join(
                    ItemAttachment.objects.filter(item=item, is_active=True).values_list(
                        "text", flat=True
                    )
                )
            status = str(item.get_status_display())
            if item.public_state not in ("none", "live"):
                status += "，" + str(item.get_public_state_display())
            items.append(
                ResultItem(
                    id=item.pk,
                    title=item.title,
                    title_html=highlight.highlight(item.title, regex),
                    snippet_html=highlight.snippet(text, regex),
                    url=reverse("catalog:item_detail", kwargs={"item_id": item.pk}),
                    date=item.updated_at,
                    publish_date=item.publish_date,
                    column_code=item.column.code,
                    column_name=item.column.name,
                    doc_number=item.doc_number,
                    publisher_name=item.publisher_name,
                    validity=item.validity,
                    validity_label=str(item.get_validity_display()) if item.validity else "",
                    score=hit.score,
                    status_label=status,
                )
            )
        return items

    return load


def search_staff(user, params: SearchParams) -> SearchPage:
    """Search the working copies (drafts included) of the units `user` may view."""
    unit_ids = staff_unit_ids(user)
    return _run(params, Scope.STAFF, unit_ids, _load_staff(unit_ids))
