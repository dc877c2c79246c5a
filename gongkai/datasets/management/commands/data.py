"""`gongkai data`: structured data from the command line.

    gongkai data import SLUG FILE [--period YYYY-MM] [--dry-run] [--json] [--user NAME]
    gongkai data seed          # create the built-in datasets that are missing (idempotent)

`import` checks every row; a file with any error imports nothing and exits 1 (2 for a file or
an argument that cannot be used). `--json` prints {"rows": n, "imported": n, "errors":
[{"row": r, "column": "…", "message": "…"}]}. The import is made in the name of `--user`, or of
the only 公开办 account when there is exactly one.
"""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Membership, Role, User
from gongkai.orgs.permissions import Action, has_perm

from ...builtin import builtin_datasets_ensure
from ...models import Dataset
from ...services.imports import import_rows


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "数据发布：导入数据文件（gongkai data import SLUG FILE），创建内置数据集（gongkai data seed）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入 XLSX/CSV 文件为一期数据的草稿")
        imp.add_argument("slug")
        imp.add_argument("file")
        imp.add_argument("--period", default="", help="数据所属月份 YYYY-MM（不填时按月份列）")
        imp.add_argument("--dry-run", action="store_true", help="只校验，不导入")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        imp.add_argument("--user", default="", help="以哪个账号的名义导入")
        sub.add_parser("seed", help="创建缺少的内置数据集")

    def handle(self, *args, **options):
        if options["action"] == "seed":
            result = builtin_datasets_ensure()
            self.stdout.write(
                f"新建 {len(result.created)} 个，已存在 {len(result.existing)} 个"
                + "".join(f"；跳过 {slug}：{why}" for slug, why in result.skipped.items())
            )
            return
        self._import(options)

    def _actor(self, username: str, dataset: Dataset) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise _fail(f"账号“{username}”不存在或已停用")
            if not has_perm(user, Action.EDIT, dataset.unit):
                raise _fail(f"账号“{username}”无权为{dataset.unit.name}导入数据")
            return user
        ids = set(
            Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        if len(ids) != 1:
            raise _fail("请用 --user 指定以哪个账号的名义导入")
        return User.objects.get(pk=ids.pop())

    def _import(self, options) -> None:
        dataset = Dataset.objects.filter(slug=options["slug"]).select_related("unit").first()
        if dataset is None:
            raise _fail(f"数据集“{options['slug']}”不存在")
        path = options["file"]
        if not os.path.isfile(path):
            raise _fail(f"文件“{path}”不存在")
        actor = self._actor(options["user"], dataset)
        try:
            with open(path, "rb") as stream:
                result = import_rows(
                    actor=actor,
                    dataset=dataset,
                    stream=stream,
                    name=os.path.basename(path),
                    period_key=options["period"] or None,
                    dry_run=options["dry_run"],
                )
        except ApplicationError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "rows": 0,
                            "imported": 0,
                            "errors": [{"row": 0, "column": "", "message": exc.message}],
                        },
                        ensure_ascii=False,
                    )
                )
            raise _fail(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for e in result.errors:
                self.stdout.write(f"第{e['row']}行 {e['column'] or '—'}：{e['message']}")
            if result.ok:
                verb = "校验通过（未导入）" if options["dry_run"] else "已导入"
                self.stdout.write(f"{verb}：{result.rows} 行，期间 {result.period_key}")
        if not result.ok:
            raise CommandError(f"{result.error_count} 处错误，未导入任何数据", returncode=1)
