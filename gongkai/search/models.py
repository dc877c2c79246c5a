"""The search index's rows and the administrators' additions to the user dictionary.

`SearchDocument` holds what is filtered and sorted on (column, unit, year, validity, kind, the
normalised 文号, the date) for one item in one scope. The words themselves live in the
database's full-text structure, written by the backend next to the row: an FTS5 table per
scope on SQLite (rowid = `position`), and the tsvector columns `tsv_title`, `tsv_head`,
`tsv_body`, `tsv_att` with a GIN index on PostgreSQL (migration 0001 creates whichever applies).

Two scopes: PUBLIC is the published version of LIVE items (what the portal searches; a withdrawn
or removed item's row is deleted at once), STAFF is the working copy of every item (what staff
search in the workbench, limited to the units they may view).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PUBLIC = "public", _("公开版本")
    STAFF = "staff", _("工作稿")


class SearchDocument(models.Model):
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("信息"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (item, scope) index serves look-ups by item
    )
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices)
    #: (seconds since 1970 of `date`) << 32 | item id << 1 | (1 for STAFF): unique, and in the
    #: order "newest first, then highest id" on both databases (the FTS5 rowid on SQLite).
    sort_key = models.BigIntegerField(unique=True)
    #: SQLite only: the FTS5 rowid, in the order of `sort_key` (newest first = lowest), with
    #: small gaps so that the index stays compact (see backends/sqlite.py).
    position = models.BigIntegerField(null=True, blank=True)
    version_id = models.BigIntegerField(null=True, blank=True)
    column_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    validity = models.CharField(max_length=12, blank=True)
    doc_key = models.CharField(max_length=120, blank=True)
    date = models.DateTimeField(_("排序日期"))
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        constraints = [
            models.UniqueConstraint(fields=["item", "scope"], name="search_document_item_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.item_id}"


class DictionaryWord(models.Model):
    """A word administrators added to the user dictionary, or removed from the repository's
    file (`is_removed`). The effective dictionary is the file plus these rows."""

    word = models.CharField(_("词语"), max_length=40, unique=True)
    freq = models.PositiveIntegerField(
        _("词频"), null=True, blank=True, help_text=_("留空即可：自动取使该词整体切分的词频")
    )
    is_removed = models.BooleanField(_("从词典中删除"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索词典词语")
        verbose_name_plural = _("检索词典词语")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


def dictionary_version() -> str:
    """Changes whenever the administrators' words change (processes rebuild the segmenter)."""
    stats = DictionaryWord.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    last = stats["last"].isoformat() if stats["last"] else "-"
    return f"{stats['n']}:{last}"
