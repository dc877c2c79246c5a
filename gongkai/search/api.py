"""Search in the open API: GET /api/v1/search?q=…&column=…&kind=…&year=…&validity=…&sort=…&page=

Mounted on the public NinjaAPI (gongkai/api/public.py):

    from gongkai.search.api import build_router
    api.add_router("/search", build_router())

Same parameters and results as the portal's /search/ page (published content of LIVE items);
an unusable query (nothing to look for, unknown column) answers 400 with a message.
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status

from .selectors import PER_PAGE, search_params, search_public


class SearchError(Schema):
    detail: str


class SearchFilters(Schema):
    q: str = ""
    column: str = ""
    unit: int | None = None
    year: int | None = None
    validity: str = ""
    kind: str = ""
    sort: str = "relevance"
    page: int = 1


class SearchHit(Schema):
    id: int
    title: str
    title_html: str
    snippet_html: str
    url: str
    column_code: str
    column_name: str
    doc_number: str
    publisher_name: str
    published_at: dt.datetime | None
    publish_date: dt.date | None
    validity: str
    validity_label: str
    score: int | None
    matched_in: str


class ColumnCount(Schema):
    column_code: str
    column_name: str
    count: int


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    sort: str
    results: list[SearchHit]
    columns: list[ColumnCount]
    notices: list[str]


def build_router() -> Router:
    """A new router (django-ninja attaches a router to one API only)."""
    router = Router(tags=["检索"])

    @router.get(
        "",
        response={200: SearchOut, 400: SearchError, 503: SearchError},
        summary="全文检索",
        url_name="search",
    )
    def search(request, filters: Query[SearchFilters]):
        """在已公开的信息中检索：标题、正文、文号、索引号、发布机构、内容概述和附件文字。

        q 支持：多个词（并且）、"引号内的短语"、-排除的词、文号（如 珠府办函〔2017〕136号，精确匹配）。
        score 为匹配位置：3 标题，2 元数据（文号、索引号、发布机构、内容概述），1 正文，0 附件；
        sort=relevance 时先按 score、再按发布时间排序，sort=date 时按发布时间排序（score 为 null）。
        columns 为各栏目的结果数（不受 column 筛选影响）。每页 20 条。"""
        params = search_params(filters.dict())
        if not params.q.strip():
            return Status(400, {"detail": "请输入要查找的词语或文号"})
        page = search_public(params)
        if page.failed:
            return Status(503, {"detail": page.error})
        if page.error:
            return Status(400, {"detail": page.error})
        return Status(
            200,
            {
                "query": params.q,
                "total": page.total,
                "page": page.page,
                "pages": page.pages,
                "per_page": PER_PAGE,
                "sort": params.sort,
                "results": [
                    {
                        "id": item.id,
                        "title": item.title,
                        "title_html": str(item.title_html),
                        "snippet_html": str(item.snippet_html),
                        "url": request.build_absolute_uri(item.url),
                        "column_code": item.column_code,
                        "column_name": item.column_name,
                        "doc_number": item.doc_number,
                        "publisher_name": item.publisher_name,
                        "published_at": item.date,
                        "publish_date": item.publish_date,
                        "validity": item.validity,
                        "validity_label": item.validity_label,
                        "score": item.score,
                        "matched_in": item.matched_in,
                    }
                    for item in page.items
                ],
                "columns": [
                    {"column_code": f.code, "column_name": f.name, "count": f.count}
                    for f in page.facets
                ],
                "notices": page.notices,
            },
        )

    return router
