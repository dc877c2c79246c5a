"""Public pages of 数据发布, mounted at /sjfb/: the list of published datasets, a dataset's
periods, and a period's table (facets, search, date range, sorting, paging), its chart and the
download of the current view as CSV, XLSX or JSON (`?format=`). Reads go through
`gongkai.datasets.selectors.public` only: published revisions, identity numbers masked."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gongkai.core.downloads import download_response
from gongkai.core.http import service_errors

from .. import exports
from ..selectors import public

PER_PAGE = 50


@require_GET
def index(request):
    return render(request, "datasets/public/index.html", {"datasets": public.published_datasets()})


@service_errors
@require_GET
def dataset(request, slug):
    ds = public.dataset_by_slug(slug)
    periods = list(public.published_periods(ds))
    if len(periods) == 1 and not ds.is_monthly:
        return redirect("datasets_public:period", slug=slug, key=periods[0].key)
    return render(request, "datasets/public/dataset.html", {"dataset": ds, "periods": periods})


def download(v: public.View, fmt: str):
    ds, period = v.period.dataset, v.period
    name = f"{ds.title}_{period.label}"
    if fmt == "csv":
        return download_response(
            exports.csv_bytes(v.fields, public.iter_rows(v)),
            filename=f"{name}.csv",
            content_type="text/csv; charset=utf-8",
        )
    if fmt == "xlsx":
        return download_response(
            exports.xlsx_bytes(v.fields, public.iter_rows(v)), filename=f"{name}.xlsx"
        )
    if fmt == "json":
        meta = {
            "dataset": ds.slug,
            "title": ds.title,
            "period": period.key,
            "fields": [
                {"name": f.name, "label": f.label, "type": f.type, "unit": f.unit} for f in v.fields
            ],
        }
        return download_response(
            exports.json_bytes(meta, public.iter_dicts(v)),
            filename=f"{name}.json",
            content_type="application/json",
        )
    raise Http404("不支持的下载格式")


@service_errors
@require_GET
def period(request, slug, key):
    ds = public.dataset_by_slug(slug)
    p = public.period_by_key(ds, key)
    v = public.view(p, request.GET)
    fmt = request.GET.get("format")
    if fmt:
        return download(v, fmt)
    page = Paginator(v.records, PER_PAGE).get_page(request.GET.get("page"))
    rows = [public.public_row(v.fields, r.data) for r in page]
    headers = []
    for f in v.fields:
        if f.is_public:
            sort = f"-{f.name}" if v.sort == f.name else f.name
            headers.append(
                {
                    "field": f,
                    "query": v.querystring(sort=sort),
                    "sorted": v.sort.lstrip("-") == f.name,
                    "desc": v.sort == f"-{f.name}",
                }
            )
        else:
            headers.append({"field": f, "query": "", "sorted": False, "desc": False})
    return render(
        request,
        "datasets/public/period.html",
        {
            "dataset": ds,
            "period": p,
            "periods": list(public.published_periods(ds)[:36]),
            "view": v,
            "headers": headers,
            "rows": rows,
            "page": page,
            "query": v.querystring(),
            "facets": public.facets(v),
            "chart": public.chart(p),
            "versions": public.versions(p),
            "date_field": public.date_field(v.fields),
            "downloads": [
                (label, v.querystring(format=fmt))
                for label, fmt in (("CSV", "csv"), ("Excel", "xlsx"), ("JSON", "json"))
            ],
        },
    )
