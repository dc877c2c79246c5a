"""What is indexed for an item: reading the content (`Source`) and turning it into the stored row
(`DocRow`), the same for both databases.

Fields (each stored as words in order plus findable `extra` words, see `segment`):

    title   标题
    head    文号, 索引号, 发布机构, 内容概述 (separated by FILLER so no phrase spans two of them)
    body    正文 (plain text of the sanitised HTML)
    att     附件 text (extracted when uploaded)

PUBLIC rows read the item's current published version (`Item.current_version`: its title, body,
summary, metadata and listed attachments) and exist only for LIVE items; STAFF rows read the
working copy. Filters (column, unit, year, validity, kind, 文号) are plain columns, and on SQLite
also words of the `facets` column, so FTS5 filters with its own index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Scope
from .query import doc_number_facet, doc_number_key
from .segment import EMPTY, FILLER, Field, Segmenter

FIELDS = ("title", "head", "body", "att")


@dataclass
class Source:
    item_id: int
    scope: str
    column_id: int
    unit_id: int
    kind: str
    validity: str
    date: dt.datetime
    year: int | None
    version_id: int | None = None
    title: str = ""
    doc_number: str = ""
    index_number: str = ""
    publisher_name: str = ""
    summary: str = ""
    body_html: str = ""
    attachments: list[str] = field(default_factory=list)


@dataclass
class DocRow:
    item_id: int
    scope: str
    sort_key: int
    version_id: int | None
    column_id: int
    unit_id: int
    kind: str
    year: int | None
    validity: str
    doc_key: str
    date: dt.datetime
    title: Field
    head: Field
    body: Field
    att: Field
    facets: str


# --- facets (SQLite filters as words; the query side uses the same functions) ----------------


def _word(value: str) -> str:
    return "".join(c for c in str(value).casefold() if c.isascii() and c.isalnum())


def facet_column(column_id: int) -> str:
    return f"c{int(column_id)}"


def facet_unit(unit_id: int) -> str:
    return f"u{int(unit_id)}"


def facet_year(year: int) -> str:
    return f"y{int(year)}"


def facet_validity(validity: str) -> str:
    return "v" + (_word(validity) or "none")


def facet_kind(kind: str) -> str:
    return "k" + (_word(kind) or "none")


#: Every row has this facet word (a filter that keeps everything).
FACET_ALL = "all"


def facets_for(row: DocRow) -> str:
    words = [
        FACET_ALL,
        facet_column(row.column_id),
        facet_unit(row.unit_id),
        facet_kind(row.kind),
        facet_validity(row.validity),
    ]
    if row.year:
        words.append(facet_year(row.year))
    if row.doc_key:
        words.append(doc_number_facet(row.doc_key))
    return " ".join(words)


# --- keys ------------------------------------------------------------------------------------


def sort_key(date: dt.datetime | None, item_id: int, scope: str) -> int:
    """Newest first, then the highest id: (seconds << 32) | (id << 1) | scope bit."""
    seconds = max(0, int(date.timestamp())) if date is not None else 0
    return (seconds << 32) | ((int(item_id) & 0x7FFFFFFF) << 1) | (1 if scope == Scope.STAFF else 0)


def effective_validity(validity: str, kind: str) -> str:
    """有效性 as shown: a policy document without a marked validity is in force."""
    if validity:
        return validity
    return "in_force" if kind == "policy" else ""


# --- building --------------------------------------------------------------------------------


def _text_field(seg: Segmenter, texts: Iterable[str], *, chars: bool) -> Field:
    """Several texts as one field, FILLER between them."""
    tokens: list[str] = []
    for text in texts:
        words = seg.tokens(text)
        if words:
            if tokens:
                tokens.append(FILLER)
            tokens.extend(words)
    if not tokens:
        return EMPTY
    return seg.field_from_tokens(tokens, chars=chars)


def build_row(source: Source, seg: Segmenter) -> DocRow:
    from gongkai.core.richtext import html_to_text

    doc_key = doc_number_key(source.doc_number) if source.doc_number.strip() else ""
    row = DocRow(
        item_id=source.item_id,
        scope=source.scope,
        sort_key=sort_key(source.date, source.item_id, source.scope),
        version_id=source.version_id,
        column_id=source.column_id,
        unit_id=source.unit_id,
        kind=source.kind,
        year=source.year,
        validity=source.validity,
        doc_key=doc_key,
        date=source.date,
        title=seg.field(source.title, chars=True),
        head=_text_field(
            seg,
            (source.doc_number, source.index_number, source.publisher_name, source.summary),
            chars=True,
        ),
        body=seg.field(html_to_text(source.body_html)) if source.body_html else EMPTY,
        att=_text_field(seg, source.attachments, chars=False),
        facets="",
    )
    row.facets = facets_for(row)
    return row


# --- reading items ---------------------------------------------------------------------------


def _local_year(value: dt.datetime | None) -> int | None:
    if value is None:
        return None
    return timezone.localtime(value).year if timezone.is_aware(value) else value.year


def _attachment_texts(
    ids_by_item: dict[int, list[int]], *, active_only: bool
) -> dict[int, list[str]]:
    from gongkai.catalog.models import ItemAttachment

    wanted = {int(a) for ids in ids_by_item.values() for a in ids}
    if not wanted:
        return {}
    rows = ItemAttachment.objects.filter(pk__in=wanted)
    if active_only:
        rows = rows.filter(is_active=True)
    texts = dict(rows.exclude(text="").values_list("pk", "text"))
    return {
        item_id: [texts[int(a)] for a in ids if int(a) in texts]
        for item_id, ids in ids_by_item.items()
    }


PUBLIC_COLUMNS = (
    "pk",
    "column_id",
    "unit_id",
    "column__kind",
    "validity",
    "published_at",
    "publish_date",
    "current_version_id",
    "current_version__title",
    "current_version__body",
    "current_version__summary",
    "current_version__metadata",
    "current_version__attachment_ids",
)


def public_sources(item_ids: Iterable[int] | None = None, *, queryset=None) -> list[Source]:
    """Sources of LIVE items (all of `item_ids` that are LIVE, or of `queryset`)."""
    from gongkai.catalog.models import LIVE_Q, Item

    rows = queryset if queryset is not None else Item.objects.all()
    rows = rows.filter(LIVE_Q)
    if item_ids is not None:
        rows = rows.filter(pk__in=list(item_ids))
    values = list(rows.order_by("pk").values_list(*PUBLIC_COLUMNS))
    attachments = _attachment_texts({v[0]: v[12] or [] for v in values}, active_only=False)
    sources = []
    for (
        pk,
        column_id,
        unit_id,
        kind,
        validity,
        published_at,
        publish_date,
        version_id,
        title,
        body,
        summary,
        metadata,
        _attachment_ids,
    ) in values:
        metadata = metadata or {}
        publish = _parse_date(metadata.get("publish_date")) or publish_date
        sources.append(
            Source(
                item_id=pk,
                scope=Scope.PUBLIC,
                version_id=version_id,
                column_id=column_id,
                unit_id=unit_id,
                kind=kind,
                validity=effective_validity(validity, kind),
                date=published_at,
                year=publish.year if publish else _local_year(published_at),
                title=title or "",
                doc_number=metadata.get("doc_number") or "",
                index_number=metadata.get("index_number") or "",
                publisher_name=metadata.get("publisher_name") or "",
                summary=summary or "",
                body_html=body or "",
                attachments=attachments.get(pk, []),
            )
        )
    return sources


STAFF_COLUMNS = (
    "pk",
    "column_id",
    "unit_id",
    "column__kind",
    "validity",
    "updated_at",
    "created_at",
    "publish_date",
    "title",
    "body",
    "summary",
    "doc_number",
    "index_number",
    "publisher_name",
)


def staff_sources(item_ids: Iterable[int] | None = None, *, queryset=None) -> list[Source]:
    """Sources of working copies (every item, whatever its state)."""
    from gongkai.catalog.models import Item, ItemAttachment

    rows = queryset if queryset is not None else Item.objects.all()
    if item_ids is not None:
        rows = rows.filter(pk__in=list(item_ids))
    values = list(rows.order_by("pk").values_list(*STAFF_COLUMNS))
    ids = [v[0] for v in values]
    by_item: dict[int, list[int]] = {}
    for pk, item_id in (
        ItemAttachment.objects.filter(item_id__in=ids, is_active=True)
        .exclude(text="")
        .order_by("created_at", "pk")
        .values_list("pk", "item_id")
    ):
        by_item.setdefault(item_id, []).append(pk)
    attachments = _attachment_texts(by_item, active_only=True)
    sources = []
    for (
        pk,
        column_id,
        unit_id,
        kind,
        validity,
        updated_at,
        created_at,
        publish_date,
        title,
        body,
        summary,
        doc_number,
        index_number,
        publisher_name,
    ) in values:
        sources.append(
            Source(
                item_id=pk,
                scope=Scope.STAFF,
                column_id=column_id,
                unit_id=unit_id,
                kind=kind,
                validity=effective_validity(validity, kind),
                date=updated_at,
                year=publish_date.year if publish_date else _local_year(created_at),
                title=title,
                doc_number=doc_number,
                index_number=index_number,
                publisher_name=publisher_name,
                summary=summary,
                body_html=body,
                attachments=attachments.get(pk, []),
            )
        )
    return sources


def sources(scope: str, item_ids: Iterable[int] | None = None, *, queryset=None) -> list[Source]:
    if scope == Scope.PUBLIC:
        return public_sources(item_ids, queryset=queryset)
    return staff_sources(item_ids, queryset=queryset)


def _parse_date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def id_batches(scope: str, batch_size: int) -> Iterator[list[int]]:
    """Ids of the items a full reindex of `scope` covers, in batches, newest first (`sort_key`
    descending: ascending FTS5 rowids, see backends/sqlite.py; FTS5 writes out its buffer
    whenever a rowid goes down). The keys (8 bytes an item) are sorted in memory."""
    from gongkai.catalog.models import LIVE_Q, Item

    if scope == Scope.PUBLIC:
        rows = Item.objects.filter(LIVE_Q).values_list("pk", "published_at")
    else:
        rows = Item.objects.values_list("pk", "updated_at")
    keys = sorted(
        (sort_key(date, pk, scope) for pk, date in rows.iterator(chunk_size=10_000)),
        reverse=True,
    )
    for start in range(0, len(keys), batch_size):
        yield [(key >> 1) & 0x7FFFFFFF for key in keys[start : start + batch_size]]


def count_items(scope: str) -> int:
    from gongkai.catalog.models import LIVE_Q, Item

    rows = Item.objects.all()
    if scope == Scope.PUBLIC:
        rows = rows.filter(LIVE_Q)
    return rows.count()
