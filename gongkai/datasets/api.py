"""数据发布 in the open API (/api/v1/datasets…), mounted on the public NinjaAPI:

    from gongkai.datasets.api import build_router
    api.add_router("/datasets", build_router())

GET /datasets — published datasets with their schema; GET /datasets/{slug} — one, with its
published periods; GET /datasets/{slug}/periods/{key}/records?page=&q=&sort=&from=&to=&<field>=
— the published rows of a period, filtered as on the portal; …/records.csv — the same view as
CSV. Identity numbers are masked and never searchable; nothing unpublished is returned.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from ninja import Router, Schema, Status

from gongkai.core.downloads import download_response
from gongkai.core.errors import NotFound

from . import exports
from .selectors import public

PER_PAGE = 100


class Error(Schema):
    detail: str


class FieldOut(Schema):
    name: str
    label: str
    type: str
    unit: str
    required: bool
    choices: list[str]
    public: bool


class PeriodOut(Schema):
    key: str
    label: str
    rows: int
    published_at: dt.datetime | None
    records_url: str
    csv_url: str
    page_url: str


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    unit: str
    period_kind: str
    fields: list[FieldOut]
    url: str
    api_url: str


class DatasetDetail(DatasetOut):
    periods: list[PeriodOut]


class VersionOut(Schema):
    revision: int
    rows: int
    published_at: dt.datetime
    change_note: str


class RecordPage(Schema):
    dataset: str
    period: str
    count: int
    page: int
    pages: int
    per_page: int
    fields: list[FieldOut]
    versions: list[VersionOut]
    records: list[dict]


def _field(f) -> dict:
    return {
        "name": f.name,
        "label": f.label,
        "type": f.type,
        "unit": f.unit,
        "required": f.required,
        "choices": list(f.choices or []),
        "public": f.is_public,
    }


def _dataset(request, ds) -> dict:
    return {
        "slug": ds.slug,
        "title": ds.title,
        "description": ds.description,
        "unit": ds.unit.name,
        "period_kind": ds.period_kind,
        "fields": [_field(f) for f in public.fields_of(ds)],
        "url": request.build_absolute_uri(f"/sjfb/{ds.slug}/"),
        "api_url": request.build_absolute_uri(f"/api/v1/datasets/{ds.slug}"),
    }


def _period(request, ds, p) -> dict:
    base = f"/api/v1/datasets/{ds.slug}/periods/{p.key}/records"
    return {
        "key": p.key,
        "label": p.label,
        "rows": p.published_rows,
        "published_at": p.published_at,
        "records_url": request.build_absolute_uri(base),
        "csv_url": request.build_absolute_uri(base + ".csv"),
        "page_url": request.build_absolute_uri(f"/sjfb/{ds.slug}/{p.key}/"),
    }


def build_router() -> Router:
    router = Router(tags=["数据发布"])

    @router.get("", response=list[DatasetOut], summary="数据集列表")
    def datasets_list(request):
        return [_dataset(request, ds) for ds in public.published_datasets()]

    @router.get("/{slug}", response={200: DatasetDetail, 404: Error}, summary="数据集及各期")
    def dataset_detail(request, slug: str):
        try:
            ds = public.dataset_by_slug(slug)
        except NotFound as exc:
            return Status(404, {"detail": exc.message})
        periods = [_period(request, ds, p) for p in public.published_periods(ds)]
        return Status(200, {**_dataset(request, ds), "periods": periods})

    @router.get(
        "/{slug}/periods/{key}/records",
        response={200: RecordPage, 404: Error},
        summary="一期数据（可筛选、排序、分页）",
        description="参数：page；q（关键词）；sort（字段名，前加 - 为降序）；from、to（按第一个日期字段）；"
        "以及按字段名筛选，如 compliance=达标。身份证号码脱敏。",
    )
    def records(request, slug: str, key: str, page: int = 1):
        try:
            ds = public.dataset_by_slug(slug)
            p = public.period_by_key(ds, key)
        except NotFound as exc:
            return Status(404, {"detail": exc.message})
        v = public.view(p, request.GET)
        paginator = Paginator(v.records, PER_PAGE)
        if page < 1 or (page > paginator.num_pages and page != 1):
            return Status(404, {"detail": "页码超出范围"})
        current = paginator.get_page(page)
        return Status(
            200,
            {
                "dataset": ds.slug,
                "period": p.key,
                "count": paginator.count,
                "page": current.number,
                "pages": paginator.num_pages,
                "per_page": PER_PAGE,
                "fields": [_field(f) for f in v.fields],
                "versions": [
                    {
                        "revision": ver.revision,
                        "rows": ver.rows,
                        "published_at": ver.published_at,
                        "change_note": ver.change_note,
                    }
                    for ver in public.versions(p)
                ],
                "records": [public.public_dict(v.fields, r.data) for r in current],
            },
        )

    @router.get(
        "/{slug}/periods/{key}/records.csv",
        response={404: Error},
        summary="一期数据（CSV，参数同上）",
    )
    def records_csv(request, slug: str, key: str):
        try:
            ds = public.dataset_by_slug(slug)
            p = public.period_by_key(ds, key)
        except NotFound as exc:
            return Status(404, {"detail": exc.message})
        v = public.view(p, request.GET)
        return download_response(
            exports.csv_bytes(v.fields, public.iter_rows(v)),
            filename=f"{ds.title}_{p.label}.csv",
            content_type="text/csv; charset=utf-8",
        )

    return router
