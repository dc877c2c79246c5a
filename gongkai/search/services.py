"""Writing the search index, and the administrators' dictionary.

    index_item(item_id=)            the published version of a LIVE item (else: unindex)
    unindex_item(item_id=)          remove it from the public index (withdrawn, removed)
    index_working_copy(item_id=)    the working copy, for staff search
    reindex(scope=, ...)            rebuild a scope (`gongkai search reindex`)
    dictionary_word_add / dictionary_word_remove / dictionary_word_restore

Indexing locks the item row first, so that indexing and withdrawing the same item cannot
interleave: a withdrawal that commits while an index job runs waits for the job, and its own
unindex then removes what the job wrote.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from . import documents, segment
from .backends import get_backend
from .models import DictionaryWord, Scope, SearchDocument

logger = logging.getLogger(__name__)


def _lock_item(item_id: int) -> bool:
    from gongkai.catalog.models import Item

    return bool(list(Item.objects.select_for_update().filter(pk=item_id).values_list("pk")))


def _index(scope: str, item_id: int) -> bool:
    backend = get_backend()
    with transaction.atomic():
        if not _lock_item(item_id):
            backend.delete(scope, [item_id])
            return False
        sources = documents.sources(scope, [item_id])
        if not sources:
            backend.delete(scope, [item_id])
            return False
        backend.write([documents.build_row(sources[0], segment.get_segmenter())])
    return True


def index_item(*, item_id: int) -> bool:
    """Index the current published version of the item if it is LIVE, else remove it from the
    public index. True when indexed."""
    return _index(Scope.PUBLIC, int(item_id))


def unindex_item(*, item_id: int) -> int:
    """Remove the item from the public index (at once: called when it is withdrawn)."""
    with transaction.atomic():
        return get_backend().delete(Scope.PUBLIC, [int(item_id)])


def index_working_copy(*, item_id: int) -> bool:
    """Index the item's working copy for staff search (removed when the item is gone)."""
    return _index(Scope.STAFF, int(item_id))


# --- full rebuild ----------------------------------------------------------------------------


@dataclass
class ReindexStats:
    scope: str
    items: int = 0
    removed: int = 0
    seconds: float = 0.0
    #: Where the time went (this process): reading items, waiting for segmentation, writing
    #: the index, and merging or building indexes at the end.
    read_seconds: float = 0.0
    wait_seconds: float = 0.0
    write_seconds: float = 0.0
    finish_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


_worker_segmenter: segment.Segmenter | None = None


def _worker_init(words) -> None:
    global _worker_segmenter
    _worker_segmenter = segment.Segmenter(words)


def _worker_build(sources):
    return [documents.build_row(s, _worker_segmenter) for s in sources]


def _split(items: list, parts: int) -> list[list]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def reindex(
    *,
    scope: str = Scope.PUBLIC,
    batch_size: int = 500,
    workers: int = 0,
    clear: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexStats:
    """Rebuild the index of `scope` from the catalog.

    Without `clear`, rows are replaced batch by batch (search keeps working meanwhile) and rows
    of items that no longer qualify are removed at the end. With `clear`, the scope is emptied
    first and loaded in bulk (faster; search is incomplete until it finishes). `workers` > 1
    segments in that many processes while this one reads and writes the database; 0 segments
    in this process (for jobs: huey's worker threads should not fork).
    """
    scope = Scope(scope)
    backend = get_backend()
    seg = segment.get_segmenter()
    stats = ReindexStats(scope=scope)
    total = documents.count_items(scope)
    started = time.perf_counter()
    seen: set[int] = set()
    pool = None
    if workers >= 1:
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_worker_init, initargs=(seg.words,)
        )

    def build(sources):
        if pool is None:
            return _Done(_worker_build_with(seg, sources))
        return pool.map_async(_worker_build, _split(sources, workers * 2))

    def write(pending) -> None:
        t0 = time.perf_counter()
        rows = pending.get()
        if pool is not None:
            rows = [row for part in rows for row in part]
        t1 = time.perf_counter()
        with transaction.atomic():
            backend.write(rows, fresh=clear)
        stats.wait_seconds += t1 - t0
        stats.write_seconds += time.perf_counter() - t1
        stats.items += len(rows)
        if progress:
            progress(stats.items, total)

    if clear:
        with transaction.atomic():
            backend.clear(scope)
        backend.bulk_start(scope, workers=workers)
    try:
        pending = None
        for ids in documents.id_batches(scope, batch_size):
            seen.update(ids)
            t0 = time.perf_counter()
            sources = documents.sources(scope, ids)
            stats.read_seconds += time.perf_counter() - t0
            job = build(sources)
            if pending is not None:
                write(pending)
            pending = job
        if pending is not None:
            write(pending)
    except BaseException:
        if clear:
            backend.bulk_abort(scope)
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if clear:
        t0 = time.perf_counter()
        backend.bulk_finish(scope)
        stats.finish_seconds = time.perf_counter() - t0
    if not clear:
        stale = [
            i
            for i in SearchDocument.objects.filter(scope=scope).values_list("item_id", flat=True)
            if i not in seen
        ]
        with transaction.atomic():
            stats.removed = backend.delete(scope, stale) if stale else 0
        if stats.items >= 10_000:
            backend.bulk_finish(scope)
    stats.seconds = time.perf_counter() - started
    return stats


class _Done:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


def _worker_build_with(seg, sources):
    return [documents.build_row(s, seg) for s in sources]


def default_workers() -> int:
    """Segmenting processes for a rebuild: one per core (up to 4); on SQLite a rebuild with
    --clear also writes each shard in a process of its own (`backends.sqlite_build`). The
    processes outnumber the cores, but none of them is busy all the time: segmenting and writing
    FTS5 cost about the same per item, and this process mostly waits for both
    (docs/benchmarks.md)."""
    return max(1, min(4, os.cpu_count() or 2))


# --- the user dictionary ---------------------------------------------------------------------


def _check_dictionary_perm(actor) -> None:
    check_perm(actor, Action.MANAGE_UNITS)


def _clean_word(word: str) -> str:
    raw = (word or "").strip()
    cleaned = segment.clean_word(raw)
    if not cleaned:
        raise ValidationFailed("请填写词语")
    if len(cleaned) < 2 or len(cleaned) > 40:
        raise ValidationFailed("词语应为 2 至 40 个字")
    if cleaned != segment.normalize(raw).strip() or " " in raw:
        raise ValidationFailed("词语只能由汉字、字母和数字组成，不能含空格或标点")
    return cleaned


def _present(row: DictionaryWord | None, in_file: bool) -> bool:
    return (not row.is_removed) if row is not None else in_file


@transaction.atomic
def dictionary_word_add(
    *, actor, word: str, freq: int | None = None, note: str = ""
) -> DictionaryWord:
    """Add a word to the user dictionary (or take back its removal)."""
    _check_dictionary_perm(actor)
    word = _clean_word(word)
    if freq is not None and not (1 <= int(freq) <= 10_000_000):
        raise ValidationFailed("词频应在 1 到 10000000 之间")
    in_file = word in dict(segment.read_dictionary_file())
    row = DictionaryWord.objects.select_for_update().filter(word=word).first()
    if _present(row, in_file):
        raise ValidationFailed(f"“{word}”已在词典中")
    by = actor if getattr(actor, "pk", None) else None
    if row is not None and in_file and freq is None:
        row.delete()  # the file's entry applies again
        row = DictionaryWord(word=word)
    elif row is not None:
        row.is_removed, row.freq, row.created_by = False, freq, by
        row.note = (note or "").strip()[:200]
        row.save()
    else:
        row = DictionaryWord.objects.create(
            word=word, freq=freq, note=(note or "").strip()[:200], created_by=by
        )
    audit_record(actor=actor, action="search.dictionary_add", summary=f"检索词典增加：{word}")
    transaction.on_commit(segment.reset)
    return row


@transaction.atomic
def dictionary_word_remove(*, actor, word: str) -> None:
    """Remove a word: an added word is deleted, a word of the repository's file is marked
    removed."""
    _check_dictionary_perm(actor)
    word = segment.clean_word(word)
    in_file = word in dict(segment.read_dictionary_file())
    row = DictionaryWord.objects.select_for_update().filter(word=word).first()
    if not _present(row, in_file):
        raise ValidationFailed(f"词典中没有“{word}”")
    if in_file:
        row = row or DictionaryWord(word=word)
        row.is_removed = True
        row.created_by = actor if getattr(actor, "pk", None) else None
        row.save()
    else:
        row.delete()
    audit_record(actor=actor, action="search.dictionary_remove", summary=f"检索词典删除：{word}")
    transaction.on_commit(segment.reset)


@dataclass
class DictionaryEntry:
    word: str
    in_file: bool
    added: bool
    removed: bool
    freq: int | None
    note: str


def dictionary_entries() -> list[DictionaryEntry]:
    """Every word of the file and of the administrators' rows, for the editor page."""
    file_words = dict(segment.read_dictionary_file())
    rows = {r.word: r for r in DictionaryWord.objects.all()}
    entries = []
    for word in sorted(set(file_words) | set(rows)):
        row = rows.get(word)
        entries.append(
            DictionaryEntry(
                word=word,
                in_file=word in file_words,
                added=row is not None and not row.is_removed,
                removed=row is not None and row.is_removed,
                freq=row.freq if row is not None and row.freq else file_words.get(word),
                note=row.note if row is not None else "",
            )
        )
    return entries


def dictionary_text() -> str:
    """The effective dictionary in jieba's format, for `gongkai search dictionary export`."""
    lines = []
    for word, freq in segment.dictionary_words():
        lines.append(f"{word} {freq}" if freq else word)
    return "\n".join(lines) + "\n"
