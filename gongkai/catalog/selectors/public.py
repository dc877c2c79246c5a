"""Public reads of the catalog: the ONLY way the portal, its feeds, the sitemap and the open API
read catalog data (architecture rule 5).

Everything returned here is published data: an item's title, body, summary, metadata and
attachments come from its current published version (`Item.current_version`), never from the
working copy, so a draft, a submission, an approved-but-unpublished item or a revision in progress
cannot leak. Lists hold LIVE items only (`LIVE_Q`); a WITHDRAWN item keeps its page (with a
notice) but leaves every list; a REMOVED item answers 410 with its explanation and nothing else.

Rows are returned as small read-only objects (`PublicEntry`, `PublicDocument`, `PublicGone`) that
carry published fields only, so a template cannot reach a working-copy field by mistake. The
querysets (`public_items`, `public_abolished`) exist for paging; turn their rows into entries with
`public_entries()` before rendering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import QuerySet
from django.urls import reverse

from ..models import (
    LIVE_Q,
    PUBLIC_STATES,
    Column,
    Item,
    ItemAttachment,
    ItemVersion,
    PublicState,
    Validity,
)

#: Column kinds shown on the portal home, in this order.
HOME_KINDS = (Column.Kind.NOTICE, Column.Kind.NEWS, Column.Kind.POLICY, Column.Kind.INTERPRETATION)
#: Validity values listed on the page of abolished and expired documents.
ENDED_VALIDITY = (Validity.ABOLISHED, Validity.EXPIRED)
VALIDITY_VERBS = {Validity.ABOLISHED: "废止", Validity.EXPIRED: "失效", Validity.AMENDED: "修改"}


class State(StrEnum):
    LIVE = "live"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class PublicEntry:
    """One published item in a list: what a column page, a feed or the API list shows."""

    id: int
    title: str
    summary: str
    published_at: dt.datetime
    first_published_at: dt.datetime
    publish_date: dt.date | None
    doc_number: str
    column_id: int
    column_code: str
    column_name: str
    validity: str
    validity_label: str
    validity_date: dt.date | None

    @property
    def url(self) -> str:
        return reverse("portal:item", kwargs={"item_id": self.id})

    @property
    def validity_verb(self) -> str:
        """废止 / 失效 / 修改: for "本文件已于…废止"."""
        return VALIDITY_VERBS.get(self.validity, "")

    @property
    def has_ended(self) -> bool:
        """Abolished or expired: shown with a tag in lists."""
        return self.validity in ENDED_VALIDITY


@dataclass(frozen=True)
class PublicAttachment:
    id: int
    item_id: int
    name: str
    kind: str
    size: int

    @property
    def url(self) -> str:
        return reverse(
            "portal:attachment", kwargs={"item_id": self.item_id, "attachment_id": self.id}
        )


@dataclass(frozen=True)
class PublicChange:
    """A public change note of a revision: 本文于…修订：…"""

    number: int
    published_at: dt.datetime
    note: str


@dataclass(frozen=True)
class PublicDocument(PublicEntry):
    """A published item's page: the current version's fields and metadata, its validity, its
    attachments, its change notes and its interpretation links (both ways)."""

    state: State = State.LIVE
    body: str = ""
    version_number: int = 1
    index_number: str = ""
    publisher_name: str = ""
    written_date: dt.date | None = None
    subject: str = ""
    disclosure_mode: str = ""
    column_kind: str = ""
    validity_note: str = ""
    replaced_by: PublicEntry | None = None
    interprets: PublicEntry | None = None
    interpretations: list[PublicEntry] = field(default_factory=list)
    attachments: list[PublicAttachment] = field(default_factory=list)
    changes: list[PublicChange] = field(default_factory=list)
    withdrawn_at: dt.datetime | None = None
    withdrawal_explanation: str = ""

    @property
    def is_policy(self) -> bool:
        return self.column_kind == Column.Kind.POLICY

    @property
    def validity_shown(self) -> str:
        """有效性 for the metadata table: the marked validity, or 有效 for an unmarked policy."""
        if self.validity_label:
            return self.validity_label
        return str(Validity.IN_FORCE.label) if self.is_policy else ""


@dataclass(frozen=True)
class PublicGone:
    """A removed item: only when and why it was removed (its content is not public any more)."""

    id: int
    withdrawn_at: dt.datetime | None
    explanation: str
    state: State = State.REMOVED


# --- columns -------------------------------------------------------------------------------


def public_columns() -> list[Column]:
    """Active columns whose ancestors are all active, in display order."""
    columns = list(Column.objects.filter(is_active=True).order_by("sort_order", "pk"))
    by_id = {c.pk: c for c in columns}

    def reachable(column: Column) -> bool:
        seen = set()
        while column.parent_id is not None:
            if column.parent_id in seen or column.parent_id not in by_id:
                return False
            seen.add(column.parent_id)
            column = by_id[column.parent_id]
        return True

    return [c for c in columns if reachable(c)]


def public_column(code: str) -> Column | None:
    """The public column with this code, or None (unknown or switched off)."""
    for column in public_columns():
        if column.code == code:
            return column
    return None


@dataclass
class ColumnNode:
    column: Column
    children: list[ColumnNode] = field(default_factory=list)


def public_column_tree(columns: Iterable[Column] | None = None) -> list[ColumnNode]:
    """The public columns as a tree (roots first, children in display order)."""
    columns = list(public_columns() if columns is None else columns)
    nodes = {c.pk: ColumnNode(c) for c in columns}
    roots: list[ColumnNode] = []
    for column in columns:
        parent = nodes.get(column.parent_id) if column.parent_id else None
        (parent.children if parent else roots).append(nodes[column.pk])
    return roots


def public_children(column: Column) -> list[Column]:
    return [c for c in public_columns() if c.parent_id == column.pk]


def public_column_path(column: Column) -> list[Column]:
    """The column's public ancestors, root first, ending with the column (for breadcrumbs)."""
    by_id = {c.pk: c for c in public_columns()}
    path = [column]
    seen = {column.pk}
    while path[0].parent_id in by_id and path[0].parent_id not in seen:
        seen.add(path[0].parent_id)
        path.insert(0, by_id[path[0].parent_id])
    return path


# --- lists ---------------------------------------------------------------------------------


def _listed(public_ids: list[int] | None = None) -> QuerySet[Item]:
    if public_ids is None:
        public_ids = [c.pk for c in public_columns()]
    return (
        Item.objects.filter(LIVE_Q, column_id__in=public_ids)
        .select_related("current_version", "column")
        .order_by("-published_at", "-pk")
    )


def public_items(column: Column | None = None) -> QuerySet[Item]:
    """LIVE items (of one column, or of every public column), newest first. For paging: render
    rows through `public_entries()`."""
    if column is not None:
        return _listed([column.pk])
    return _listed()


def public_item_index() -> QuerySet:
    """(id, published_at) of every listed LIVE item, newest first: for the sitemap."""
    return _listed().select_related(None).values_list("pk", "published_at")


def public_abolished() -> QuerySet[Item]:
    """LIVE documents marked abolished or expired, most recently ended first."""
    return (
        _listed()
        .filter(validity__in=ENDED_VALIDITY)
        .order_by("-validity_date", "-published_at", "-pk")
    )


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _entry_fields(item: Item, version: ItemVersion) -> dict:
    meta = version.metadata or {}
    return {
        "id": item.pk,
        "title": version.title,
        "summary": version.summary,
        "published_at": version.published_at,
        "first_published_at": item.first_published_at or version.published_at,
        "publish_date": _date(meta.get("publish_date")),
        "doc_number": meta.get("doc_number") or "",
        "column_id": item.column_id,
        "column_code": item.column.code,
        "column_name": item.column.name,
        "validity": item.validity,
        "validity_label": str(item.get_validity_display()) if item.validity else "",
        "validity_date": item.validity_date,
    }


def public_entry(item: Item) -> PublicEntry:
    """The list row of a published item (its current version)."""
    if item.current_version_id is None or item.public_state not in PUBLIC_STATES:
        raise ValueError("not a published item")
    return PublicEntry(**_entry_fields(item, item.current_version))


def public_entries(items: Iterable[Item]) -> list[PublicEntry]:
    return [public_entry(item) for item in items]


def public_latest_per_column(
    n: int = 5, *, kinds: Iterable[str] | None = HOME_KINDS
) -> list[tuple[Column, list[PublicEntry]]]:
    """The n latest LIVE items of each public column (of `kinds`, in that order; all columns
    when kinds is None)."""
    columns = public_columns()
    if kinds is not None:
        order = {kind: i for i, kind in enumerate(kinds)}
        columns = sorted((c for c in columns if c.kind in order), key=lambda c: order[c.kind])
    return [(column, public_entries(public_items(column)[:n])) for column in columns]


def public_latest(n: int = 20) -> list[PublicEntry]:
    return public_entries(public_items()[:n])


def public_latest_in_kind(kind: str) -> PublicDocument | None:
    """The most recent LIVE item of a public column of this kind (e.g. the published 指南)."""
    ids = [c.pk for c in public_columns() if c.kind == kind]
    item = public_items().filter(column_id__in=ids).first()
    if item is None:
        return None
    document, _state = public_item(item.pk)
    return document if isinstance(document, PublicDocument) else None


# --- one item ------------------------------------------------------------------------------


def _linkable(item: Item | None) -> PublicEntry | None:
    """A link target: an item whose page is reachable (live, or withdrawn with its notice)."""
    if item is None or item.current_version_id is None or item.public_state not in PUBLIC_STATES:
        return None
    return public_entry(item)


def public_interpretations(policy: Item | int) -> list[PublicEntry]:
    """LIVE interpretations (政策解读) of a policy, newest first."""
    policy_id = policy.pk if isinstance(policy, Item) else int(policy)
    items = (
        Item.objects.filter(LIVE_Q, interprets_id=policy_id)
        .select_related("current_version", "column")
        .order_by("-published_at", "-pk")
    )
    return public_entries(items)


def _attachments(item: Item, version: ItemVersion) -> list[PublicAttachment]:
    ids = [int(i) for i in (version.attachment_ids or [])]
    rows = {a.pk: a for a in ItemAttachment.objects.filter(item=item, pk__in=ids)}
    return [
        PublicAttachment(id=a.pk, item_id=item.pk, name=a.original_name, kind=a.kind, size=a.size)
        for a in (rows[i] for i in ids if i in rows)
    ]


def _changes(item: Item, version: ItemVersion) -> list[PublicChange]:
    versions = item.versions.filter(number__gt=1, number__lte=version.number).order_by("number")
    return [
        PublicChange(v.number, v.published_at, v.change_note) for v in versions if v.change_note
    ]


def _load(item_id) -> Item | None:
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        return None
    return (
        Item.objects.select_related(
            "current_version",
            "column",
            "replaced_by__current_version",
            "replaced_by__column",
            "interprets__current_version",
            "interprets__column",
        )
        .filter(pk=item_id)
        .first()
    )


def public_item(item_id) -> tuple[PublicDocument | PublicGone | None, State]:
    """(document, state) of an item by id.

    LIVE and WITHDRAWN give the published document (WITHDRAWN with its notice); REMOVED gives
    only when and why (`PublicGone`); drafts, submissions, approved-but-unpublished and
    never-published items, and unknown ids, give (None, NOT_FOUND).
    """
    item = _load(item_id)
    if item is None or item.current_version_id is None:
        return None, State.NOT_FOUND
    if item.public_state == PublicState.REMOVED:
        return PublicGone(item.pk, item.withdrawn_at, item.withdrawal_explanation), State.REMOVED
    if item.public_state not in PUBLIC_STATES:
        return None, State.NOT_FOUND
    state = State.LIVE if item.public_state == PublicState.LIVE else State.WITHDRAWN
    version = item.current_version
    meta = version.metadata or {}
    document = PublicDocument(
        **_entry_fields(item, version),
        state=state,
        # Sanitised by nh3 (gongkai.core.richtext.sanitize_html) when the working copy was saved,
        # then copied into the version unchanged.
        body=version.body,
        version_number=version.number,
        index_number=meta.get("index_number") or "",
        publisher_name=meta.get("publisher_name") or "",
        written_date=_date(meta.get("written_date")),
        subject=meta.get("subject") or "",
        disclosure_mode=meta.get("disclosure_mode") or "",
        column_kind=item.column.kind,
        validity_note=item.validity_note,
        replaced_by=_linkable(item.replaced_by),
        interprets=_linkable(item.interprets),
        interpretations=public_interpretations(item),
        attachments=_attachments(item, version),
        changes=_changes(item, version),
        withdrawn_at=item.withdrawn_at if state == State.WITHDRAWN else None,
        withdrawal_explanation=item.withdrawal_explanation if state == State.WITHDRAWN else "",
    )
    return document, state


def public_attachment(item_id, attachment_id) -> tuple[ItemAttachment | None, State]:
    """An attachment listed in the current published version of a reachable item; REMOVED items
    give (None, REMOVED); anything else (None, NOT_FOUND)."""
    item = _load(item_id)
    if item is None or item.current_version_id is None:
        return None, State.NOT_FOUND
    if item.public_state == PublicState.REMOVED:
        return None, State.REMOVED
    if item.public_state not in PUBLIC_STATES:
        return None, State.NOT_FOUND
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        return None, State.NOT_FOUND
    listed = {int(i) for i in (item.current_version.attachment_ids or [])}
    if attachment_id not in listed:
        return None, State.NOT_FOUND
    attachment = ItemAttachment.objects.filter(item=item, pk=attachment_id).first()
    if attachment is None:
        return None, State.NOT_FOUND
    state = State.LIVE if item.public_state == PublicState.LIVE else State.WITHDRAWN
    return attachment, state
