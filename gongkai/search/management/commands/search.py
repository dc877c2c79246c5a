"""Full-text search from the command line.

gongkai search reindex [--scope public|staff|all] [--clear] [--workers N]
    rebuild the index with a progress bar (after a dictionary change, a restore, …)
gongkai search "低保 扶贫" [--json] [--limit 10] [--sort relevance|date]
    the top results of the public search: id, title, url, score
gongkai search query "reindex"
    the same, for a query that is itself one of these command words
gongkai search -- "-扶贫 低保"
    "--" first when the query starts with "-" (an exclusion)
gongkai search dictionary export [PATH]
    the effective user dictionary (file + administrators' changes) in jieba's format,
    to stdout or into PATH (e.g. gongkai/search/data/userdict.txt, then commit it)
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

COMMAND_WORDS = ("reindex", "query", "dictionary")


class Command(BaseCommand):
    help = "全文检索：重建索引（reindex）、按查询词检索、导出词典"

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="*", help="reindex | dictionary export | 查询词")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出检索结果")
        parser.add_argument("--limit", type=int, default=10, help="输出的结果数（默认 10）")
        parser.add_argument("--sort", choices=("relevance", "date"), default="relevance")
        parser.add_argument(
            "--scope", choices=("public", "staff", "all"), default="all", help="重建哪个索引"
        )
        parser.add_argument("--clear", action="store_true", help="先清空再整体重建（更快）")
        parser.add_argument("--workers", type=int, default=None, help="分词进程数")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        words = options["words"]
        if not words:
            raise CommandError("请给出查询词，或 reindex、dictionary export", returncode=2)
        if words[0] == "reindex":
            return self.reindex(options)
        if words[0] == "dictionary":
            return self.dictionary(words[1:])
        if words[0] == "query":
            words = words[1:]
        return self.query(" ".join(words), options)

    # ----------------------------------------------------------------------------------------

    def reindex(self, options):
        import time

        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from gongkai.search import services
        from gongkai.search.backends.sqlite_build import ShardBuildFailed

        console = Console(file=self.stdout, stderr=False)
        scopes = ["public", "staff"] if options["scope"] == "all" else [options["scope"]]
        workers = options["workers"]
        if workers is None:
            workers = services.default_workers()
        labels = {"public": "公开版本", "staff": "工作稿"}
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            for scope in scopes:
                task = progress.add_task(f"重建索引（{labels[scope]}）", total=None, rate="")
                started = time.perf_counter()

                def update(done, total, task=task, started=started):
                    rate = done / max(time.perf_counter() - started, 1e-6)
                    progress.update(task, completed=done, total=total, rate=f"{rate:,.0f} 条/秒")

                try:
                    stats = services.reindex(
                        scope=scope,
                        workers=workers,
                        clear=options["clear"],
                        batch_size=options["batch_size"],
                        progress=update,
                    )
                except ShardBuildFailed as exc:
                    raise CommandError(
                        f"{exc}。{labels[scope]}的索引已清空，请查明原因后重新运行 "
                        "gongkai search reindex --clear"
                    ) from exc
                progress.update(
                    task,
                    completed=stats.items,
                    total=max(stats.items, 1),
                    rate=f"{stats.rate:,.0f} 条/秒",
                )
                console.print(
                    f"{labels[scope]}：{stats.items} 条，用时 {stats.seconds:.1f} 秒"
                    f"（{stats.rate:,.0f} 条/秒）"
                    + (f"，删除 {stats.removed} 条过期索引" if stats.removed else "")
                )

    def dictionary(self, words):
        from gongkai.search import services

        if not words or words[0] != "export":
            raise CommandError("用法：gongkai search dictionary export [文件]", returncode=2)
        text = services.dictionary_text()
        if len(words) > 1:
            with open(words[1], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"已写入 {words[1]}（{text.count(chr(10))} 个词）")
        else:
            self.stdout.write(text, ending="")

    def query(self, text: str, options):
        from gongkai.search.selectors import PER_PAGE, search_params, search_public

        limit = max(1, min(options["limit"], 200))
        results, total, error = [], 0, ""
        page_no = 1
        while len(results) < limit:
            params = search_params({"q": text, "sort": options["sort"], "page": page_no})
            page = search_public(params)
            error, total = page.error, page.total
            if error or not page.items:
                break
            results.extend(page.items)
            if len(page.items) < PER_PAGE:
                break
            page_no += 1
        results = results[:limit]
        base = settings.GONGKAI_BASE_URL.rstrip("/")
        rows = [
            {"id": r.id, "title": r.title, "url": base + r.url, "score": r.score} for r in results
        ]
        if options["json"]:
            payload = {"query": text, "total": total, "results": rows}
            if error:
                payload["error"] = error
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        elif not error:
            self.stdout.write(f"共 {total} 条结果")
            for row in rows:
                self.stdout.write(f"{row['id']:>8}  [{row['score']}]  {row['title']}  {row['url']}")
        if error:
            raise CommandError(error, returncode=2)
