"""Public reads (the portal and the open API): published periods only, identity numbers masked,
searches never over identity numbers.

A *view* is a period's published rows narrowed by the request's parameters, Datasette-style:
`?<enum field>=<value>` facets, `?q=` text search, `?from=&to=` on the first date field,
`?sort=<field>` / `?sort=-<field>`. The same view is what the page shows, pages through and
downloads (CSV, XLSX, JSON).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from gongkai.core.errors import NotFound

from ..models import Dataset, Field, FieldType, Period, PeriodVersion, Record
from ..values import display

RESERVED = frozenset({"q", "sort", "page", "format", "from", "to"})


def published_datasets() -> list[Dataset]:
    return list(
        Dataset.objects.filter(is_active=True, periods__published_revision__gt=0)
        .select_related("unit", "column")
        .distinct()
        .order_by("title")
    )


def dataset_by_slug(slug: str) -> Dataset:
    dataset = (
        Dataset.objects.filter(slug=slug, is_active=True, periods__published_revision__gt=0)
        .select_related("unit", "column")
        .first()
    )
    if dataset is None:
        raise NotFound("数据集不存在或尚未发布")
    return dataset


def published_periods(dataset: Dataset) -> QuerySet[Period]:
    return dataset.periods.filter(published_revision__gt=0).order_by("-key")


def period_by_key(dataset: Dataset, key: str) -> Period:
    period = published_periods(dataset).filter(key=key).first()
    if period is None:
        raise NotFound("该期数据不存在或尚未发布")
    period.dataset = dataset
    return period


def fields_of(dataset: Dataset) -> list[Field]:
    return list(dataset.fields.all())


def latest_versions(limit: int) -> list[PeriodVersion]:
    """The latest publications (a version whose period is still published at that revision or
    later), newest first, for the feed."""
    return list(
        PeriodVersion.objects.filter(
            period__dataset__is_active=True, period__published_revision__gte=F("revision")
        )
        .select_related("period__dataset__unit")
        .order_by("-published_at", "-pk")[:limit]
    )


def versions(period: Period) -> list[PeriodVersion]:
    return list(period.versions.all())


@dataclass
class View:
    period: Period
    fields: list[Field]
    filters: dict[str, str] = field(default_factory=dict)
    q: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = ""
    records: QuerySet | None = None

    def querystring(self, **overrides) -> str:
        from urllib.parse import urlencode

        params = {**self.filters}
        if self.q:
            params["q"] = self.q
        if self.date_from:
            params["from"] = self.date_from
        if self.date_to:
            params["to"] = self.date_to
        if self.sort:
            params["sort"] = self.sort
        params.update({k: v for k, v in overrides.items() if v is not None})
        return urlencode({k: v for k, v in params.items() if v != ""})


def _key(f: Field):
    if f.is_numeric:
        return Cast(KT(f"data__{f.name}"), FloatField())
    return KT(f"data__{f.name}")


def view(period: Period, params: Mapping[str, str]) -> View:
    """The period's published rows narrowed by `params` (unknown parameters are ignored)."""
    fields = fields_of(period.dataset)
    by_name = {f.name: f for f in fields}
    v = View(period=period, fields=fields)
    qs = Record.objects.filter(period=period, revision=period.published_revision)
    for name, f in by_name.items():
        value = (params.get(name) or "").strip()
        if not value or name in RESERVED or not f.is_public:
            continue
        if f.type in (FieldType.ENUM, FieldType.MONTH, FieldType.TEXT, FieldType.USCC):
            qs = qs.filter(**{f"data__{name}": value})
            v.filters[name] = value
    q = (params.get("q") or "").strip()[:100]
    if q:
        text_fields = [
            f for f in fields if f.type in (FieldType.TEXT, FieldType.ENUM, FieldType.USCC)
        ]
        cond = Q()
        for f in text_fields:
            cond |= Q(**{f"data__{f.name}__icontains": q})
        qs = qs.filter(cond) if text_fields else qs.none()
        v.q = q
    date_field = next((f for f in fields if f.type == FieldType.DATE), None)
    if date_field is not None:
        lo, hi = (params.get("from") or "").strip()[:10], (params.get("to") or "").strip()[:10]
        key = Cast(KT(f"data__{date_field.name}"), CharField())
        if _iso(lo):
            qs = qs.alias(_d=key).filter(_d__gte=lo)
            v.date_from = lo
        if _iso(hi):
            qs = qs.alias(_d2=key).filter(_d2__lte=hi)
            v.date_to = hi
    sort = (params.get("sort") or "").strip()
    name = sort.lstrip("-")
    if name in by_name and by_name[name].is_public:
        expr = _key(by_name[name])
        qs = qs.order_by(
            expr.desc(nulls_last=True) if sort.startswith("-") else expr.asc(nulls_last=True), "row"
        )
        v.sort = sort
    else:
        qs = qs.order_by("row")
    v.records = qs
    return v


def _iso(text: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


def date_field(fields: list[Field]) -> Field | None:
    return next((f for f in fields if f.type == FieldType.DATE), None)


def public_row(fields: list[Field], data: dict) -> list[str]:
    """A record as the public sees it (identity numbers masked)."""
    return [display(f.type, data.get(f.name)) for f in fields]


def public_dict(fields: list[Field], data: dict) -> dict:
    return {
        f.name: (display(f.type, data.get(f.name)) if not f.is_public else data.get(f.name))
        for f in fields
    }


def iter_rows(v: View) -> Iterator[list[str]]:
    for data in v.records.values_list("data", flat=True).iterator(chunk_size=2000):
        yield public_row(v.fields, data)


def iter_dicts(v: View) -> Iterator[dict]:
    for data in v.records.values_list("data", flat=True).iterator(chunk_size=2000):
        yield public_dict(v.fields, data)


def facets(v: View, limit: int = 30) -> list[dict]:
    """Counts of each enum field's values within the view (the selected value marked)."""
    out = []
    for f in v.fields:
        if f.type != FieldType.ENUM:
            continue
        counts = (
            v.records.order_by()
            .annotate(_v=KT(f"data__{f.name}"))
            .values("_v")
            .annotate(n=Count("pk"))
        )
        by_value = {row["_v"]: row["n"] for row in counts if row["_v"]}
        values = [
            {"value": c, "count": by_value[c], "selected": v.filters.get(f.name) == c}
            for c in f.choices
            if c in by_value
        ][:limit]
        out.append({"field": f, "values": values, "selected": v.filters.get(f.name, "")})
    return out


def chart(period: Period) -> dict | None:
    """The ECharts data of the dataset's chart for this period (see `Dataset.chart`)."""
    dataset = period.dataset
    spec = dataset.chart or {}
    by_name = {f.name: f for f in fields_of(dataset)}
    kind = spec.get("type")
    records = Record.objects.filter(period=period, revision=period.published_revision)
    if kind == "levels" and spec.get("category") in by_name and spec.get("value") in by_name:
        # an ordered class (水质类别) per category (水源) over the months up to this period
        cat, val = by_name[spec["category"]], by_name[spec["value"]]
        periods = list(published_periods(dataset).filter(key__lte=period.key).order_by("-key")[:12])
        periods.reverse()
        values: dict[tuple[int, str], str] = {}
        categories: list[str] = []
        rows = Record.objects.filter(
            period__in=periods, revision=F("period__published_revision")
        ).order_by("period__key", "row")
        for period_id, data in rows.values_list("period_id", "data"):
            c = data.get(cat.name) or ""
            if c not in categories:
                categories.append(c)
            values.setdefault((period_id, c), data.get(val.name))
        return {
            "type": "line",
            "title": f"{val.label}（按{cat.label}、月份）",
            "categories": [p.label for p in periods],
            "levels": list(val.choices),
            "series": [
                {"name": c, "data": [values.get((p.pk, c)) for p in periods]}
                for c in categories[:20]
            ],
        }
    if kind == "count" and spec.get("category") in by_name and spec.get("series") in by_name:
        cat, ser = by_name[spec["category"]], by_name[spec["series"]]
        counter: Counter = Counter()
        categories: list[str] = []
        for data in records.order_by("row").values_list("data", flat=True):
            c, s = data.get(cat.name) or "", data.get(ser.name) or ""
            if c not in categories:
                categories.append(c)
            counter[(c, s)] += 1
        names = [
            s
            for s in (ser.choices or sorted({s for _, s in counter}))
            if any(counter[(c, s)] for c in categories)
        ]
        return {
            "type": "bar",
            "stack": True,
            "title": f"{cat.label}·{ser.label}",
            "categories": categories,
            "series": [{"name": s, "data": [counter[(c, s)] for c in categories]} for s in names],
        }
    if kind == "bar" and spec.get("category") in by_name and spec.get("value") in by_name:
        cat, val = by_name[spec["category"]], by_name[spec["value"]]
        rows = records.order_by("row").values_list("data", flat=True)
        categories, values = [], []
        for data in rows[:50]:
            categories.append(data.get(cat.name) or "")
            value = data.get(val.name)
            values.append(float(value) if value not in (None, "") else None)
        return {
            "type": "bar",
            "title": val.heading,
            "categories": categories,
            "series": [{"name": val.heading, "data": values}],
        }
    if kind == "line":
        names = [n for n in spec.get("fields", []) if n in by_name and by_name[n].is_numeric]
        if not names:
            return None
        periods = list(published_periods(dataset).filter(key__lte=period.key)[:36])
        periods.reverse()
        sums = {}
        for n in names:
            sums[n] = {
                row["period"]: row["total"]
                for row in Record.objects.filter(
                    period__in=periods, revision=F("period__published_revision")
                )
                .values("period")
                .annotate(total=Sum(_key(by_name[n])))
            }
        return {
            "type": "line",
            "title": "、".join(by_name[n].label for n in names),
            "categories": [p.label for p in periods],
            "series": [
                {
                    "name": by_name[n].heading,
                    "data": [round(sums[n].get(p.pk) or 0, 2) for p in periods],
                }
                for n in names
            ],
        }
    return None
