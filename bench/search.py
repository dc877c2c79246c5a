"""Full-text search: SQLite FTS5 and PostgreSQL against tantivy, one synthetic corpus.

    .venv/bin/python bench/search.py --docs 200000 [--database-url postgres://…/postgres]
                                     [--engines sqlite,postgres,tantivy] [--workers 2]
                                     [--rounds 3] [--keep] [--workdir DIR]

1. Generates N items of synthetic Chinese text into a corpus file (seeded, so every engine gets
   the same corpus): words drawn from the segmenter's dictionary (jieba's dict.txt, 349k words,
   plus the project's user dictionary) by frequency; body lengths log-normal like real notices
   (median 800 characters, long tail to 30,000), titles of 5–12 words plus a notice-type ending,
   a 文号 on 40 % of items, a 内容概述 on 30 %, an attachment's text (median 3,000
   characters) on 10 %; 20 columns, 30 units, dates over ten years.
2. Segments the corpus once, as `reindex` does (`build_row` in --workers processes), into
   rows.pickle: the pre-segmented rows every engine's "index only" run writes, so that the
   engines are compared on indexing alone, the way tantivy is fed.
3. For SQLite and PostgreSQL (each in its own process, on a throw-away database: a file in the
   work directory, and a database `gongkai_bench_search` created on the server given by
   --database-url): migrates, loads the items and their published versions (not timed), writes
   rows.pickle into the empty index through the backend ("index only"), then times
   `gongkai.search.services.reindex(clear=True)` — the code `gongkai search reindex
   --clear` runs: read the published versions, segment them in --workers processes, write
   the index — and reports items/s and the size of the search tables.
4. For tantivy (the `tantivy` package): rows.pickle written into an empty index ("index
   only"), then the same corpus, segmented by the same code
   (`gongkai.search.documents.build_row`) in the same number of processes, written into a
   tantivy index (whitespace tokenizer over the pre-segmented words; same fields, extra words
   and facet words); items/s end to end and the index size.
5. Runs a fixed query set — 1-, 2- and 4-word queries and two-word phrases, chosen from the
   corpus with a fixed seed — through the search service's algorithm on every engine (tantivy
   gets the same tiered, newest-first queries through a Backend subclass, so all three return
   the same ids; the script checks that they do): one warm-up pass, then --rounds timed passes;
   prints p50/p95/p99 per engine and per query kind, "with column counts" (the facet query the
   results page adds) for SQLite and PostgreSQL, and tantivy's own BM25 top-20 for reference.
6. Prints the ratios to tantivy, and the verdict for the SQLite targets (p95 < 50 ms,
   ≥ 2,000 items/s, index only and end to end).

The figures of a run are also written to <workdir>/results.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 2000
PG_DATABASE = "gongkai_bench_search"
N_COLUMNS = 20
N_UNITS = 30
ENDINGS = (
    "的通知",
    "的公告",
    "的通告",
    "实施方案",
    "工作方案",
    "的批复",
    "情况公示",
    "工作会议召开",
    "的意见",
    "管理办法",
    "工作要点",
    "的报告",
    "政策解读",
    "信息公开",
    "招聘公告",
)
DOC_PREFIXES = ("珠府办函", "珠府", "珠府办", "粤府办", "高新管", "高新办", "珠民", "珠水")
COLUMN_KINDS = ("notice", "policy", "news", "interpretation", "data", "other")


def log(message: str) -> None:
    print(f"[search-bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The corpus


def _vocabulary():
    """(words, cumulative weights, words by rank) of jieba's dictionary plus the user
    dictionary (given a mid frequency, as these terms are common in government notices)."""
    import jieba

    from gongkai.search.segment import read_dictionary_file

    counts: dict[str, int] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                counts[parts[0]] = int(parts[1])
    for word, _freq in read_dictionary_file():
        counts[word] = max(counts.get(word, 0), 3000)
    words = list(counts)
    cum = list(itertools.accumulate(counts[w] for w in words))
    by_rank = sorted(words, key=lambda w: -counts[w])
    return words, cum, by_rank


_VOCAB = None


def _vocab():
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = _vocabulary()
    return _VOCAB


def _text(rnd: random.Random, chars: int) -> str:
    words, cum, _ = _vocab()
    out, n = [], 0
    while n < chars:
        chunk = rnd.choices(words, cum_weights=cum, k=rnd.randint(4, 14))
        sentence = "".join(chunk)
        out.append(sentence)
        out.append("。" if rnd.random() < 0.35 else "，")
        n += len(sentence) + 1
    return "".join(out)


def _paragraphs(text: str, rnd: random.Random) -> str:
    parts, i = [], 0
    while i < len(text):
        step = rnd.randint(80, 300)
        parts.append(f"<p>{text[i : i + step]}</p>")
        i += step
    return "".join(parts)


def generate_batch(task):
    seed, start, count = task
    words, cum, _ = _vocab()
    rnd = random.Random(seed * 1_000_003 + start)
    rows = []
    first = 1_451_606_400  # 2016-01-01
    span = 10 * 365 * 86400
    for i in range(start, start + count):
        title = "".join(rnd.choices(words, cum_weights=cum, k=rnd.randint(3, 8)))
        title = (title + rnd.choice(ENDINGS))[:120]
        length = int(min(30000, max(80, rnd.lognormvariate(math.log(800), 0.9))))
        body = _paragraphs(_text(rnd, length), rnd)
        summary = _text(rnd, rnd.randint(40, 120)) if rnd.random() < 0.3 else ""
        doc_number = ""
        if rnd.random() < 0.4:
            doc_number = (
                f"{rnd.choice(DOC_PREFIXES)}〔{rnd.randint(2016, 2025)}〕{rnd.randint(1, 300)}号"
            )
        attachment = ""
        if rnd.random() < 0.1:
            attachment = _text(rnd, int(min(60000, rnd.lognormvariate(math.log(3000), 0.8))))
        unit = rnd.randrange(N_UNITS)
        rows.append(
            (
                i + 1,
                title,
                body,
                summary,
                doc_number,
                unit,
                rnd.randrange(N_COLUMNS),
                first + rnd.randrange(span),
                attachment,
            )
        )
    return rows


def write_corpus(path: Path, n: int, seed: int, workers: int) -> None:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, title, body, summary, doc_number, unit, "
        "col, ts, attachment)"
    )
    tasks = [(seed, start, min(BATCH, n - start)) for start in range(0, n, BATCH)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for done, rows in enumerate(pool.imap(generate_batch, tasks), start=1):
            db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
            if done % 50 == 0:
                db.commit()
                log(f"corpus: {done * BATCH:,} / {n:,}")
    db.commit()
    chars = db.execute("SELECT avg(length(body)), avg(length(attachment)) FROM docs").fetchone()
    db.close()
    log(
        f"corpus: {n:,} items in {time.perf_counter() - started:.0f} s; mean body (HTML) "
        f"{chars[0]:.0f} chars, mean attachment text {chars[1]:.0f} chars"
    )


def read_corpus(path: Path, batch: int = BATCH, *, newest_first: bool = False):
    """The corpus in batches, by id or newest first (the order of `sort_key` descending, in
    which `reindex` writes)."""
    db = sqlite3.connect(path)
    if newest_first:
        db.execute("CREATE INDEX IF NOT EXISTS docs_newest ON docs (ts, id)")
        rows = db.execute(
            "SELECT * FROM docs ORDER BY ts DESC, id DESC LIMIT ?", (batch,)
        ).fetchall()
        while rows:
            yield rows
            ts, pk = rows[-1][7], rows[-1][0]
            rows = db.execute(
                "SELECT * FROM docs WHERE ts < ? OR (ts = ? AND id < ?) "
                "ORDER BY ts DESC, id DESC LIMIT ?",
                (ts, ts, pk, batch),
            ).fetchall()
        db.close()
        return
    last = 0
    while True:
        rows = db.execute(
            "SELECT * FROM docs WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            break
        yield rows
        last = rows[-1][0]
    db.close()


def make_queries(corpus: Path, seed: int, per_kind: int) -> dict[str, list[str]]:
    """1-, 2- and 4-word queries and phrases, fixed by the seed: words of all frequency bands
    of the dictionary (and the user dictionary's terms), phrases cut from corpus texts."""
    from gongkai.search.segment import Segmenter, read_dictionary_file

    _, _, by_rank = _vocab()
    seg = Segmenter(read_dictionary_file())
    rnd = random.Random(seed)
    cjk = [w for w in by_rank[:60000] if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    bands = [cjk[50:500], cjk[500:5000], cjk[5000:60000]]
    gov = [w for w, _ in read_dictionary_file()]

    def word():
        pool = rnd.choice([*bands, gov])
        return rnd.choice(pool)

    queries = {
        "1 word": [word() for _ in range(per_kind)],
        "2 words": [f"{word()} {word()}" for _ in range(per_kind)],
        "4 words": [" ".join(word() for _ in range(4)) for _ in range(per_kind)],
    }
    db = sqlite3.connect(corpus)
    total = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    phrases = []
    while len(phrases) < per_kind:
        (body,) = db.execute(
            "SELECT body FROM docs WHERE id = ?", (rnd.randint(1, total),)
        ).fetchone()
        text = body.replace("<p>", " ").replace("</p>", " ")
        tokens = [t for t in seg.tokens(text) if len(t) >= 2 and t.isalpha()]
        if len(tokens) > 2:
            k = rnd.randrange(len(tokens) - 1)
            phrases.append(f'"{tokens[k]} {tokens[k + 1]}"')
    db.close()
    queries["phrase"] = phrases
    return queries


# --------------------------------------------------------------------------------------------
# Measuring


def percentile(values, p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def latency_summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50": percentile(samples, 0.5),
        "p95": percentile(samples, 0.95),
        "p99": percentile(samples, 0.99),
        "mean": statistics.fmean(samples) if samples else float("nan"),
    }


def run_queries(search, queries, rounds: int) -> tuple[dict, dict]:
    """search(text) -> (ids, total). Returns (latencies by kind and overall, results)."""
    results = {}
    for kind, texts in queries.items():
        for text in texts:
            ids, total = search(text)
            results[f"{kind}|{text}"] = {"ids": ids, "total": total}
    by_kind: dict[str, list[float]] = {kind: [] for kind in queries}
    for _ in range(rounds):
        for kind, texts in queries.items():
            for text in texts:
                t0 = time.perf_counter()
                search(text)
                by_kind[kind].append((time.perf_counter() - t0) * 1000)
    summary = {kind: latency_summary(v) for kind, v in by_kind.items()}
    summary["all"] = latency_summary([x for v in by_kind.values() for x in v])
    return summary, results


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the segmenting processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --------------------------------------------------------------------------------------------
# Django engines (SQLite, PostgreSQL): one process each


def setup_django(workdir: Path, database_url: str) -> None:
    os.environ["GONGKAI_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def load_items(corpus: Path, total: int) -> None:
    """Columns, units, and every corpus item as a published item with its version (and its
    attachment), written directly (this is setup, not timed)."""
    from django.db import transaction
    from django.utils import timezone

    from gongkai.catalog.models import Column, Item, ItemAttachment, ItemVersion
    from gongkai.orgs.models import Unit

    columns = Column.objects.bulk_create(
        Column(code=f"bench{n}", name=f"栏目{n}", kind=COLUMN_KINDS[n % len(COLUMN_KINDS)])
        for n in range(N_COLUMNS)
    )
    units = Unit.objects.bulk_create(
        Unit(name=f"高新区第{n}局", short_name=f"第{n}局") for n in range(N_UNITS)
    )
    tz = timezone.get_current_timezone()
    att_id = 0
    started = time.perf_counter()
    for rows in read_corpus(corpus, 5000):
        items, versions, attachments = [], [], []
        for pk, title, body, summary, doc_number, unit, col, ts, attachment in rows:
            when = timezone.datetime.fromtimestamp(ts, tz)
            unit_name = units[unit].name
            index_number = f"BENCH/{pk:08d}"
            att_ids = []
            if attachment:
                att_id += 1
                att_ids = [att_id]
                attachments.append(
                    ItemAttachment(
                        pk=att_id,
                        item_id=pk,
                        file="bench/a.pdf",
                        original_name="附件.pdf",
                        kind="pdf",
                        content_type="application/pdf",
                        size=len(attachment),
                        sha256="0" * 64,
                        text=attachment,
                    )
                )
            items.append(
                Item(
                    pk=pk,
                    column=columns[col],
                    unit=units[unit],
                    title=title,
                    summary=summary,
                    index_number=index_number,
                    publisher_name=unit_name,
                    doc_number=doc_number,
                    publish_date=when.date(),
                    status="published",
                    public_state="live",
                    current_version_id=pk,
                    first_published_at=when,
                    published_at=when,
                )
            )
            versions.append(
                ItemVersion(
                    pk=pk,
                    item_id=pk,
                    number=1,
                    title=title,
                    body=body,
                    summary=summary,
                    metadata={
                        "index_number": index_number,
                        "publisher_name": unit_name,
                        "doc_number": doc_number,
                        "publish_date": when.date().isoformat(),
                    },
                    attachment_ids=att_ids,
                    published_at=when,
                )
            )
        with transaction.atomic():
            Item.objects.bulk_create(items, batch_size=1000)
            ItemVersion.objects.bulk_create(versions, batch_size=1000)
            ItemAttachment.objects.bulk_create(attachments, batch_size=500)
        done = rows[-1][0]
        if done % 50000 < 5000:
            log(f"items: {done:,} / {total:,} ({time.perf_counter() - started:.0f} s)")


def child_django(engine: str, args, workdir: Path) -> dict:
    if engine == "postgres":
        base = args.database_url.rsplit("/", 1)[0]
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
        url = f"{base}/{PG_DATABASE}"
    else:
        for suffix in ("", "-wal", "-shm"):
            (workdir / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    setup_django(workdir, url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    corpus = workdir / "corpus.sqlite3"
    queries = json.loads((workdir / "queries.json").read_text())
    load_items(corpus, args.docs)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from django.db import transaction

    from gongkai.search import services
    from gongkai.search.backends import get_backend

    batches = presegmented(workdir)
    log(f"{engine}: index only (pre-segmented rows)")
    backend = get_backend()
    if engine == "sqlite":
        _time_shard_copies(backend)
    started, cpu0 = time.perf_counter(), _cpu_seconds()
    with transaction.atomic():
        backend.clear("public")
    backend.bulk_start("public", workers=args.workers)
    only = 0
    for batch in batches:
        with transaction.atomic():
            backend.write(batch, fresh=True)
        only += len(batch)
    finishing = time.perf_counter()
    backend.bulk_finish("public")
    log(
        f"{engine}: finishing the index (merge, copy, statistics) {time.perf_counter() - finishing:.1f} s"
    )
    only_seconds = time.perf_counter() - started
    only_cpu = _cpu_seconds() - cpu0
    del batches
    log(
        f"{engine}: index only {only:,} items in {only_seconds:.1f} s ({only / only_seconds:,.0f}/s)"
    )

    if engine not in args.end_to_end.split(","):
        return _django_queries(
            engine, args, workdir, queries, backend, None, only, only_seconds, only_cpu
        )
    log(f"{engine}: reindex (clear, {args.workers} workers)")
    last = [0.0]

    def progress(done, total):
        now = time.perf_counter()
        if now - last[0] > 30:
            last[0] = now
            log(f"{engine}: indexed {done:,} / {total:,}")

    cpu0 = _cpu_seconds()
    stats = services.reindex(
        scope="public", clear=True, workers=args.workers, batch_size=2000, progress=progress
    )
    stats.cpu = _cpu_seconds() - cpu0
    log(f"{engine}: {stats.items:,} items in {stats.seconds:.1f} s ({stats.rate:,.0f}/s)")
    return _django_queries(
        engine, args, workdir, queries, get_backend(), stats, only, only_seconds, only_cpu
    )


def _django_queries(engine, args, workdir, queries, backend, stats, only, only_seconds, only_cpu):
    """The size of the index and the query latencies (after the last rebuild)."""
    from django.db import connection

    from gongkai.search.backends import Request
    from gongkai.search.query import parse

    size = backend.size_bytes()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        file_size = (workdir / "bench.sqlite3").stat().st_size
    else:
        file_size = None

    def search(text, facets=False):
        request = Request(query=parse(text), scope="public", limit=20, facets=facets)
        result = backend.search(request)
        return [h.item_id for h in result.hits], result.total

    latency, results = run_queries(search, queries, args.rounds)
    facet_latency, _ = run_queries(lambda t: search(t, True), queries, 1)
    return {
        "engine": engine,
        "items": only,
        "index_seconds": stats.seconds if stats else None,
        "index_rate": stats.rate if stats else None,
        "index_cpu_seconds": stats.cpu if stats else None,
        "index_breakdown": {
            "read": stats.read_seconds,
            "wait_for_segmentation": stats.wait_seconds,
            "write": stats.write_seconds,
            "finish": stats.finish_seconds,
        }
        if stats
        else None,
        "index_bytes": size,
        "database_file_bytes": file_size,
        "write_only_rate": only / only_seconds,
        "write_only_cpu_seconds": only_cpu,
        "latency": latency,
        "latency_with_facets": facet_latency,
        "results": results,
    }


# --------------------------------------------------------------------------------------------
# tantivy


def _corpus_sources(rows, columns_kind):
    import datetime as dt

    from gongkai.search.documents import Source, effective_validity

    sources = []
    for pk, title, body, summary, doc_number, unit, col, ts, attachment in rows:
        when = dt.datetime.fromtimestamp(ts, dt.UTC)
        kind = columns_kind[col]
        local = when.astimezone(dt.timezone(dt.timedelta(hours=8)))
        sources.append(
            Source(
                item_id=pk,
                scope="public",
                version_id=pk,
                column_id=col + 1,
                unit_id=unit + 1,
                kind=kind,
                validity=effective_validity("", kind),
                date=when,
                year=local.year,
                title=title,
                doc_number=doc_number,
                index_number=f"BENCH/{pk:08d}",
                publisher_name=f"高新区第{unit}局",
                summary=summary,
                body_html=body,
                attachments=[attachment] if attachment else [],
            )
        )
    return sources


def child_tantivy(args, workdir: Path) -> dict:
    setup_django(workdir, f"sqlite:///{workdir / 'tantivy-django.sqlite3'}")
    import tantivy

    from gongkai.search.documents import FIELDS

    builder = tantivy.SchemaBuilder()
    for name in FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        builder.add_text_field(f"{name}_x", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("facets", tokenizer_name="whitespace", index_option="basic")
    builder.add_integer_field("sort_key", fast=True, indexed=False, stored=False)
    schema = builder.build()

    def document(r):
        return tantivy.Document(
            title=r.title.main,
            title_x=r.title.extra,
            head=r.head.main,
            head_x=r.head.extra,
            body=r.body.main,
            body_x=r.body.extra,
            att=r.att.main,
            att_x=r.att.extra,
            facets=r.facets,
            sort_key=r.sort_key,
        )

    batches = presegmented(workdir)
    only_path = workdir / "tantivy-only"
    shutil.rmtree(only_path, ignore_errors=True)
    only_path.mkdir()
    log("tantivy: index only (pre-segmented rows)")
    started, cpu0, only = time.perf_counter(), _cpu_seconds(), 0
    only_index = tantivy.Index(schema, path=str(only_path))
    only_writer = only_index.writer(heap_size=1_000_000_000, num_threads=args.workers + 1)
    for batch in batches:
        for r in batch:
            only_writer.add_document(document(r))
        only += len(batch)
    only_writer.commit()
    only_writer.wait_merging_threads()
    only_seconds = time.perf_counter() - started
    only_cpu = _cpu_seconds() - cpu0
    del batches, only_writer
    log(
        f"tantivy: index only {only:,} items in {only_seconds:.1f} s ({only / only_seconds:,.0f}/s)"
    )

    if "tantivy" in args.end_to_end.split(","):
        del only_index
        shutil.rmtree(only_path, ignore_errors=True)
        index, seconds, cpu, count = _tantivy_end_to_end(args, workdir, schema, document)
    else:
        index, seconds, cpu, count = only_index, None, None, only
    index.reload()
    searcher = index.searcher()
    return _tantivy_queries(
        args, workdir, schema, searcher, seconds, cpu, count, only, only_seconds, only_cpu
    )


def _tantivy_end_to_end(args, workdir, schema, document):
    import tantivy

    from gongkai.search import segment, services

    corpus = workdir / "corpus.sqlite3"
    kinds = [COLUMN_KINDS[n % len(COLUMN_KINDS)] for n in range(N_COLUMNS)]
    path = workdir / "tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=1_000_000_000, num_threads=args.workers)
    words = segment.Segmenter(segment.read_dictionary_file()).words
    pool = multiprocessing.get_context("fork").Pool(
        args.workers, initializer=services._worker_init, initargs=(words,)
    )
    log(f"tantivy: indexing ({args.workers} segmenting processes)")
    started = time.perf_counter()
    count = 0

    def add(rows):
        nonlocal count
        for part in rows:
            for r in part:
                writer.add_document(document(r))
                count += 1

    cpu0 = _cpu_seconds()
    pending = None
    for rows in read_corpus(corpus, 1000):
        sources = _corpus_sources(rows, kinds)
        job = pool.map_async(services._worker_build, services._split(sources, args.workers * 2))
        if pending is not None:
            add(pending.get())
        pending = job
    if pending is not None:
        add(pending.get())
    pool.terminate()
    pool.join()
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu0
    log(f"tantivy: {count:,} items in {seconds:.1f} s ({count / seconds:,.0f}/s)")
    return index, seconds, cpu, count


def _tantivy_queries(
    args, workdir, schema, searcher, seconds, cpu, count, only, only_seconds, only_cpu
):
    import tantivy

    from gongkai.search.backends import Backend, Request
    from gongkai.search.backends.base import TIERS
    from gongkai.search.documents import FIELDS
    from gongkai.search.query import Phrase, parse

    queries = json.loads((workdir / "queries.json").read_text())
    Occur, Q = tantivy.Occur, tantivy.Query

    def part_query(part, fields):
        if isinstance(part, Phrase):
            subs = [Q.phrase_query(schema, f, list(part.tokens)) for f in fields]
        else:
            subs = [Q.term_query(schema, n, part.token) for f in fields for n in (f, f"{f}_x")]
        return Q.boolean_query([(Occur.Should, q) for q in subs])

    def all_of(parts, fields):
        return Q.boolean_query([(Occur.Must, part_query(p, fields)) for p in parts])

    class TantivyBackend(Backend):
        def _query(self, request, tier, exclusive):
            clauses = []
            query = request.query
            if query.doc_numbers:
                clauses.append(
                    (
                        Occur.Must,
                        Q.boolean_query(
                            [
                                (Occur.Should, Q.term_query(schema, "facets", d.facet))
                                for d in query.doc_numbers
                            ]
                        ),
                    )
                )
            if query.required:
                clauses.append((Occur.Must, all_of(query.required, TIERS[tier])))
            else:
                clauses.append((Occur.Must, Q.term_query(schema, "facets", "all")))
            for part in query.excluded:
                clauses.append((Occur.MustNot, part_query(part, FIELDS)))
            if exclusive and tier > 0 and query.required:
                clauses.append((Occur.MustNot, all_of(query.required, TIERS[tier - 1])))
            return Q.boolean_query(clauses)

        def count(self, request, tier, *, exclusive):
            return searcher.search(self._query(request, tier, exclusive), 1, count=True).count

        def tiers(self, request, keys):
            scores, wanted = {}, set(keys)
            for tier in range(len(TIERS) - 1):
                hits = searcher.search(
                    self._query(request, tier, False),
                    len(keys) + 1,
                    count=False,
                    order_by_field="sort_key",
                ).hits
                for key, _addr in hits:
                    if key in wanted and key not in scores:
                        scores[key] = len(TIERS) - 1 - tier
            return {k: scores.get(k, 0) for k in keys}

        def ids(self, request, tier, *, exclusive, offset, limit):
            hits = searcher.search(
                self._query(request, tier, exclusive),
                limit,
                count=False,
                order_by_field="sort_key",
                offset=offset,
            ).hits
            return [((key >> 1) & 0x7FFFFFFF, key) for key, _addr in hits]

    backend = TantivyBackend()

    def search(text):
        result = backend.search(Request(query=parse(text), scope="public", limit=20))
        return [h.item_id for h in result.hits], result.total

    def search_bm25(text):
        query = parse(text)
        q = all_of(query.required, FIELDS) if query.required else Q.all_query()
        result = searcher.search(q, 20, count=True)
        return [], result.count

    latency, results = run_queries(search, queries, args.rounds)
    bm25_latency, _ = run_queries(search_bm25, queries, args.rounds)
    return {
        "engine": "tantivy",
        "items": count,
        "index_seconds": seconds,
        "index_rate": count / seconds if seconds else None,
        "index_cpu_seconds": cpu,
        "index_bytes": dir_size(workdir / ("tantivy" if seconds else "tantivy-only")),
        "write_only_rate": only / only_seconds,
        "write_only_cpu_seconds": only_cpu,
        "latency": latency,
        "latency_bm25": bm25_latency,
        "results": results,
    }


def child_segment(args, workdir: Path) -> dict:
    """Segments the whole corpus once, as `reindex` does (`build_row` in --workers processes),
    into rows.pickle: the pre-segmented input of the "index only" runs of every engine."""
    setup_django(workdir, f"sqlite:///{workdir / 'tantivy-django.sqlite3'}")
    import pickle

    from gongkai.search import segment, services

    kinds = [COLUMN_KINDS[n % len(COLUMN_KINDS)] for n in range(N_COLUMNS)]
    words = segment.Segmenter(segment.read_dictionary_file()).words
    pool = multiprocessing.get_context("fork").Pool(
        args.workers, initializer=services._worker_init, initargs=(words,)
    )
    started, cpu0, count = time.perf_counter(), _cpu_seconds(), 0
    with open(workdir / "rows.pickle", "wb") as out:
        pending = None
        for rows in read_corpus(workdir / "corpus.sqlite3", BATCH, newest_first=True):
            job = pool.map_async(
                services._worker_build,
                services._split(_corpus_sources(rows, kinds), args.workers * 2),
            )
            if pending is not None:
                batch = [r for part in pending.get() for r in part]
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                count += len(batch)
            pending = job
        if pending is not None:
            batch = [r for part in pending.get() for r in part]
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            count += len(batch)
    pool.close()
    pool.join()
    seconds = time.perf_counter() - started
    log(f"segment: {count:,} items in {seconds:.1f} s ({count / seconds:,.0f}/s)")
    return {
        "items": count,
        "seconds": seconds,
        "rate": count / seconds,
        "cpu_seconds": _cpu_seconds() - cpu0,
    }


def _time_shard_copies(backend) -> None:
    """Log how long each shard's copy transaction takes (the write lock other writers wait
    for; the WAL checkpoint after the commit does not hold it)."""
    finish_shard = backend._finish_shard

    def timed(cursor, scope, build, n, *args):
        t0 = time.perf_counter()
        finish_shard(cursor, scope, build, n, *args)
        log(f"sqlite: shard {n} copied in {time.perf_counter() - t0:.1f} s (write lock held)")

    backend._finish_shard = timed


def presegmented(workdir: Path):
    """The batches of rows.pickle, newest first (the order `reindex` writes in), one at a
    time (a million rows do not fit in memory at once)."""
    import pickle

    with open(workdir / "rows.pickle", "rb") as f:
        while True:
            try:
                yield pickle.load(f)  # the file this script wrote
            except EOFError:
                return


def segmentation_rate(workdir: Path, n: int = 3000) -> dict:
    """Items/s of `build_row` in one process (jieba vs rjieba is in docs/benchmarks.md)."""
    setup_django(workdir, f"sqlite:///{workdir / 'tantivy-django.sqlite3'}")
    from gongkai.search import segment
    from gongkai.search.documents import build_row

    kinds = [COLUMN_KINDS[k % len(COLUMN_KINDS)] for k in range(N_COLUMNS)]
    rows = next(read_corpus(workdir / "corpus.sqlite3", n))
    sources = _corpus_sources(rows, kinds)
    seg = segment.Segmenter(segment.read_dictionary_file())
    for s in sources[:200]:
        build_row(s, seg)
    t0, c0 = time.perf_counter(), time.process_time()
    rows = [build_row(s, seg) for s in sources]
    out = {
        "items": len(sources),
        "rate_wall": len(sources) / (time.perf_counter() - t0),
        "rate_cpu": len(sources) / (time.process_time() - c0),
    }
    # The same with jieba (pure Python) in place of rjieba: same dictionary, HMM off.
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)

    class JiebaCompat:
        def __init__(self):
            self.tokenizer = jieba.Tokenizer()
            self.tokenizer.initialize()

        def add_word(self, word, freq, tag):
            self.tokenizer.add_word(word, freq, tag)

        def has_word(self, word):
            return bool(self.tokenizer.FREQ.get(word))

        def cut(self, text, hmm):
            return self.tokenizer.lcut(text, HMM=hmm)

    slow = segment.Segmenter.__new__(segment.Segmenter)
    slow._jieba = JiebaCompat()
    slow.words, slow._extras, slow._chars = [], {}, {}
    for word, freq in segment.read_dictionary_file():
        word = segment.clean_word(word)
        slow._jieba.add_word(word, freq, None)
    sample = sources[:500]
    for s in sample[:50]:
        build_row(s, slow)
    c0 = time.process_time()
    slow_rows = [build_row(s, slow) for s in sample]
    out["jieba_rate_cpu"] = len(sample) / (time.process_time() - c0)
    out["jieba_same_words"] = sum(
        a.body.main == b.body.main and a.title.main == b.title.main
        for a, b in zip(rows, slow_rows, strict=False)
    )
    out["jieba_compared"] = len(sample)
    return out


# --------------------------------------------------------------------------------------------
# The parent


def fmt_bytes(n) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def report(args, out: dict) -> None:
    engines = [e for e in ("sqlite", "postgres", "tantivy") if e in out]
    names = {"sqlite": "SQLite FTS5", "postgres": "PostgreSQL", "tantivy": "tantivy"}
    print()
    print(
        f"Search benchmark — {args.docs:,} items, {args.workers} segmenting processes, "
        f"{args.rounds} timed rounds, {os.cpu_count()} cores"
    )
    seg = out.get("segmentation")
    if seg:
        print(
            f"segmentation alone (build_row, one process): rjieba {seg['rate_cpu']:,.0f} items/s "
            f"(CPU time), jieba {seg['jieba_rate_cpu']:,.0f} items/s; same words for "
            f"{seg['jieba_same_words']} of {seg['jieba_compared']} items"
        )
    segmented = out.get("segment")
    if segmented:
        print(
            f"segmentation of the corpus ({args.workers} processes): "
            f"{segmented['rate']:,.0f} items/s ({segmented['items'] / segmented['cpu_seconds']:,.0f} "
            "items per CPU-second)"
        )
    print()
    print(
        f"{'engine':14s} {'index only/s':>12s} {'end to end/s':>12s} {'e2e/CPU-s':>10s} "
        f"{'index size':>11s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s}  {'+counts p50/p95':>15s}"
    )
    for e in engines:
        r = out[e]
        lat = r["latency"]["all"]
        facets = r.get("latency_with_facets", {}).get("all")
        extra = f"{facets['p50']:7.1f}/{facets['p95']:<7.1f}" if facets else "—"
        e2e = f"{r['index_rate']:12,.0f}" if r.get("index_rate") else f"{'not run':>12s}"
        per_cpu = (
            f"{r['items'] / r['index_cpu_seconds']:10,.0f}"
            if r.get("index_cpu_seconds")
            else f"{'—':>10s}"
        )
        print(
            f"{names[e]:14s} {r.get('write_only_rate', 0):12,.0f} {e2e} "
            f"{per_cpu} {fmt_bytes(r['index_bytes']):>11s} "
            f"{lat['p50']:7.2f} {lat['p95']:7.2f} {lat['p99']:7.2f}  {extra:>15s}"
        )
    if "tantivy" in out:
        b = out["tantivy"]["latency_bm25"]["all"]
        print(
            f"{'tantivy BM25':14s} {'':14s} {'':12s} {'':12s} {b['p50']:8.2f} {b['p95']:8.2f} "
            f"{b['p99']:8.2f}  (native top-20 by score, for reference)"
        )
    print(
        "(index only: writing the pre-segmented rows (rows.pickle) into an empty index, the way "
        "tantivy is fed; end to end: `reindex --clear` — read the items, segment them in "
        f"{args.workers} processes, write; e2e/CPU-s: items per CPU-second of the indexing "
        "processes, PostgreSQL's server processes not included)"
    )
    for e in ("sqlite", "postgres"):
        if e in out and out[e].get("index_breakdown"):
            parts = out[e]["index_breakdown"]
            print(
                f"{names[e]} indexing time: "
                + ", ".join(f"{k.replace('_', ' ')} {v:,.1f} s" for k, v in parts.items())
            )
    print()
    print("p95 by query kind (ms):")
    kinds = [k for k in out[engines[0]]["latency"] if k != "all"]
    print(f"{'engine':14s} " + " ".join(f"{k:>10s}" for k in kinds))
    for e in engines:
        print(f"{names[e]:14s} " + " ".join(f"{out[e]['latency'][k]['p95']:10.2f}" for k in kinds))
    if "tantivy" in out:
        t = out["tantivy"]
        print()
        print(
            "ratios to tantivy (index items/s: tantivy ÷ engine; size and latency: engine ÷ tantivy):"
        )
        for e in engines:
            if e == "tantivy":
                continue
            r = out[e]
            print(
                f"  {names[e]:12s} index only "
                f"{t['write_only_rate'] / r['write_only_rate']:5.2f}×  "
                + (
                    f"end to end {t['index_rate'] / r['index_rate']:5.2f}×  "
                    if t.get("index_rate") and r.get("index_rate")
                    else ""
                )
                + f"size {r['index_bytes'] / t['index_bytes']:5.2f}×  "
                f"p50 {r['latency']['all']['p50'] / t['latency']['all']['p50']:6.1f}×  "
                f"p95 {r['latency']['all']['p95'] / t['latency']['all']['p95']:6.1f}×  "
                f"p99 {r['latency']['all']['p99'] / t['latency']['all']['p99']:6.1f}×"
            )
    if len(engines) > 1:
        base = out[engines[0]]["results"]
        for e in engines[1:]:
            other = out[e]["results"]
            diff = [k for k in base if base[k] != other.get(k)]
            print(
                f"results {names[engines[0]]} vs {names[e]}: "
                + (
                    "identical (ids and totals, every query)"
                    if not diff
                    else f"{len(diff)} of {len(base)} queries differ, e.g. {diff[:3]}"
                )
            )
    if "sqlite" in out:
        r = out["sqlite"]
        ok_p95 = r["latency"]["all"]["p95"] < 50
        ok_only = r["write_only_rate"] >= 2000
        if r.get("index_rate"):
            e2e = f"{r['index_rate']:,.0f} {'OK' if r['index_rate'] >= 2000 else 'UNDER'}"
        else:
            e2e = "not run"
        print(
            f"SQLite targets: p95 {r['latency']['all']['p95']:.1f} ms "
            f"{'OK' if ok_p95 else 'OVER'} (< 50 ms); indexing (≥ 2,000 items/s): index only "
            f"{r['write_only_rate']:,.0f} {'OK' if ok_only else 'UNDER'}, end to end {e2e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--engines", default="sqlite,postgres,tantivy")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (a throw-away database is created on it)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, min(4, os.cpu_count() or 2)),
        help="segmenting processes (default: as `gongkai search reindex`, one per core up to 4)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--end-to-end",
        default="sqlite,postgres,tantivy",
        help="engines that are also rebuilt end to end (segmenting included); the others are "
        "queried on their index-only build",
    )
    parser.add_argument("--queries", type=int, default=25, help="queries per kind")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--workdir", default="")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        workdir = Path(args.workdir)
        if args.child == "tantivy":
            result = child_tantivy(args, workdir)
        elif args.child == "segmentation":
            result = segmentation_rate(workdir)
        elif args.child == "segment":
            result = child_segment(args, workdir)
        else:
            result = child_django(args.child, args, workdir)
        (workdir / f"result-{args.child}.json").write_text(json.dumps(result, ensure_ascii=False))
        return

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gongkai-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    corpus = workdir / "corpus.sqlite3"
    try:
        if not corpus.exists():
            write_corpus(corpus, args.docs, args.seed, args.workers)
        queries_file = workdir / "queries.json"
        if not queries_file.exists():
            queries = make_queries(corpus, args.seed, args.queries)
            queries_file.write_text(json.dumps(queries, ensure_ascii=False, indent=1))
        out = {}
        for child in ["segmentation", "segment", *engines]:
            log(f"running {child}")
            command = [
                sys.executable,
                __file__,
                "--child",
                child,
                "--workdir",
                str(workdir),
                "--docs",
                str(args.docs),
                "--workers",
                str(args.workers),
                "--rounds",
                str(args.rounds),
                "--end-to-end",
                args.end_to_end,
                "--database-url",
                args.database_url,
            ]
            subprocess.run(command, check=True, cwd=ROOT)
            out[child] = json.loads((workdir / f"result-{child}.json").read_text())
        summary = {k: {kk: vv for kk, vv in v.items() if kk != "results"} for k, v in out.items()}
        (workdir / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
        report(args, out)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        if "postgres" in engines and not args.keep:
            try:
                import psycopg

                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            except Exception as exc:
                log(f"could not drop {PG_DATABASE}: {exc}")


if __name__ == "__main__":
    main()
