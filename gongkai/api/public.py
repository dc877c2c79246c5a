"""The open API (开放接口): published catalog data for anyone, no login, read-only.

Mounted at /api/v1/: GET columns, GET columns/{code}/items?page=, GET items/{id}; the OpenAPI
document at /api/v1/openapi.json and a server-rendered description at /api/v1/docs (no scripts,
so it works on an intranet and under the site's CSP). Reads go through
`gongkai.catalog.selectors.public` only: lists hold LIVE items; a withdrawn item is still
returned by id with its notice; a removed item answers 410 with the explanation; anything
unpublished answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema, Status
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

from gongkai.catalog.selectors import public

PER_PAGE = 20


class ServerRenderedDocs(DocsBase):
    """The OpenAPI document as a plain HTML page in the portal's frame."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for url, methods in schema.get("paths", {}).items():
            for method, op in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "url": url,
                        "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "parameters": op.get("parameters", []),
                        "responses": sorted(op.get("responses", {}).items()),
                    }
                )
        context = {
            "api": api,
            "operations": operations,
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, "portal/api_docs.html", context)


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="政务公开开放接口",
    version="1",
    description="主动公开的栏目和政府信息（只读，无需登录）。仅提供已发布的内容：列表只含公开中的信息；"
    "已撤回的信息按编号仍可获取并附撤回说明；已撤下的信息返回 410 及说明。",
    urls_namespace="public_api",
    auth=None,
    docs=ServerRenderedDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=ReadableJSON(),
)


class Error(Schema):
    detail: str


class Gone(Schema):
    detail: str
    withdrawn_at: dt.datetime | None = None


class ColumnOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    description: str
    parent_code: str | None
    url: str
    items_url: str
    feed_url: str


class ItemRef(Schema):
    id: int
    title: str
    url: str


class ItemSummary(Schema):
    id: int
    title: str
    summary: str
    column_code: str
    column_name: str
    doc_number: str
    publish_date: dt.date | None
    published_at: dt.datetime
    validity: str
    validity_label: str
    validity_date: dt.date | None
    url: str
    api_url: str


class ItemPage(Schema):
    column: ColumnOut
    count: int
    page: int
    pages: int
    per_page: int
    items: list[ItemSummary]


class Metadata(Schema):
    index_number: str
    publisher_name: str
    written_date: dt.date | None
    publish_date: dt.date | None
    doc_number: str
    subject: str
    disclosure_mode: str


class ValidityOut(Schema):
    status: str
    label: str
    date: dt.date | None
    note: str
    replaced_by: ItemRef | None


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    url: str


class ChangeOut(Schema):
    version: int
    published_at: dt.datetime
    note: str


class WithdrawalOut(Schema):
    withdrawn_at: dt.datetime | None
    explanation: str


class ItemOut(Schema):
    id: int
    state: str
    title: str
    summary: str
    body_html: str
    column_code: str
    column_name: str
    version: int
    first_published_at: dt.datetime
    published_at: dt.datetime
    metadata: Metadata
    validity: ValidityOut
    attachments: list[AttachmentOut]
    interprets: ItemRef | None
    interpretations: list[ItemRef]
    changes: list[ChangeOut]
    withdrawal: WithdrawalOut | None
    url: str


def _abs(request, url: str) -> str:
    return request.build_absolute_uri(url)


def _column(request, column) -> dict:
    parent = column.parent.code if column.parent_id and column.parent else None
    return {
        "code": column.code,
        "name": column.name,
        "kind": column.kind,
        "kind_label": str(column.get_kind_display()),
        "description": column.description,
        "parent_code": parent,
        "url": _abs(request, reverse("portal:column", kwargs={"code": column.code})),
        "items_url": _abs(
            request, reverse("public_api:column_items", kwargs={"code": column.code})
        ),
        "feed_url": _abs(request, reverse("portal:column_feed", kwargs={"code": column.code})),
    }


def _ref(request, entry) -> dict | None:
    if entry is None:
        return None
    return {"id": entry.id, "title": entry.title, "url": _abs(request, entry.url)}


def _summary(request, entry) -> dict:
    return {
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary,
        "column_code": entry.column_code,
        "column_name": entry.column_name,
        "doc_number": entry.doc_number,
        "publish_date": entry.publish_date,
        "published_at": entry.published_at,
        "validity": entry.validity,
        "validity_label": entry.validity_label,
        "validity_date": entry.validity_date,
        "url": _abs(request, entry.url),
        "api_url": _abs(request, reverse("public_api:item_detail", kwargs={"item_id": entry.id})),
    }


@api.get("/columns", response=list[ColumnOut], summary="栏目列表", tags=["栏目"])
def columns_list(request):
    """启用中的全部栏目，按显示顺序；parent_code 为上级栏目代码。"""
    columns = public.public_columns()
    by_id = {c.pk: c for c in columns}
    for column in columns:
        column.parent = by_id.get(column.parent_id)
    return [_column(request, c) for c in columns]


@api.get(
    "/columns/{code}/items",
    response={200: ItemPage, 404: Error},
    summary="栏目中的信息（分页）",
    tags=["栏目"],
)
def column_items(
    request, code: str, page: int = Query(1, ge=1, description="页码，从1开始；每页20条")
):
    """栏目中公开中的信息，按发布时间由近及远；不含已撤回、已撤下和未发布的信息。"""
    column = public.public_column(code)
    if column is None:
        return Status(404, {"detail": "栏目不存在"})
    paginator = Paginator(public.public_items(column), PER_PAGE)
    if page > paginator.num_pages:
        return Status(404, {"detail": "页码超出范围"})
    rows = paginator.page(page)
    if column.parent_id:
        column.parent = next((c for c in public.public_columns() if c.pk == column.parent_id), None)
    return Status(
        200,
        {
            "column": _column(request, column),
            "count": paginator.count,
            "page": page,
            "pages": paginator.num_pages,
            "per_page": PER_PAGE,
            "items": [_summary(request, e) for e in public.public_entries(rows.object_list)],
        },
    )


@api.get(
    "/items/{item_id}",
    response={200: ItemOut, 404: Error, 410: Gone},
    summary="信息详情",
    tags=["信息"],
)
def item_detail(request, item_id: int):
    """一条已发布信息的当前公开版本：标题、正文（已清理的 HTML）、元数据、附件下载地址、有效性、
    政策解读关联和修订说明。已撤回的信息 state 为 withdrawn 并附撤回说明；已撤下的返回 410。"""
    document, state = public.public_item(item_id)
    if state == public.State.NOT_FOUND:
        return Status(404, {"detail": "信息不存在或未公开"})
    if state == public.State.REMOVED:
        return Status(
            410,
            {
                "detail": document.explanation or "该信息已撤下",
                "withdrawn_at": document.withdrawn_at,
            },
        )
    withdrawal = None
    if state == public.State.WITHDRAWN:
        withdrawal = {
            "withdrawn_at": document.withdrawn_at,
            "explanation": document.withdrawal_explanation,
        }
    return Status(
        200,
        {
            "id": document.id,
            "state": str(state),
            "title": document.title,
            "summary": document.summary,
            "body_html": document.body,
            "column_code": document.column_code,
            "column_name": document.column_name,
            "version": document.version_number,
            "first_published_at": document.first_published_at,
            "published_at": document.published_at,
            "metadata": {
                "index_number": document.index_number,
                "publisher_name": document.publisher_name,
                "written_date": document.written_date,
                "publish_date": document.publish_date,
                "doc_number": document.doc_number,
                "subject": document.subject,
                "disclosure_mode": document.disclosure_mode,
            },
            "validity": {
                "status": document.validity or ("in_force" if document.is_policy else ""),
                "label": document.validity_shown,
                "date": document.validity_date,
                "note": document.validity_note,
                "replaced_by": _ref(request, document.replaced_by),
            },
            "attachments": [
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "size": a.size,
                    "url": _abs(request, a.url),
                }
                for a in document.attachments
            ],
            "interprets": _ref(request, document.interprets),
            "interpretations": [_ref(request, e) for e in document.interpretations],
            "changes": [
                {"version": c.number, "published_at": c.published_at, "note": c.note}
                for c in document.changes
            ],
            "withdrawal": withdrawal,
            "url": _abs(request, document.url),
        },
    )


# Full-text search over published items (gongkai.search): GET /api/v1/search?q=…
def _mount_search() -> None:
    from gongkai.search.api import build_router

    api.add_router("/search", build_router())


_mount_search()


# Citizen interaction (gongkai.interaction): published messages, statistics, consultations.
def _mount_interaction() -> None:
    from .interaction import consultations_router, messages_router

    api.add_router("/messages", messages_router)
    api.add_router("/consultations", consultations_router)


_mount_interaction()


# Structured data (gongkai.datasets): GET /api/v1/datasets, …/{slug}, …/periods/{key}/records[.csv]
def _mount_datasets() -> None:
    from gongkai.datasets.api import build_router

    api.add_router("/datasets", build_router())


_mount_datasets()
