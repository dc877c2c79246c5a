"""`gongkai messages`: message tools from the command line.

    gongkai messages deadline --received 2026-09-28 --kind 咨询
        due date 2026-10-09 and how it was counted
    gongkai messages deadline --received 2026-09-28 --kind 投诉 --extension 5 --json
        {"due": "2026-10-19", "workdays": 15, "steps": [...]}

The working days per kind are local practice (settings INTERACTION_DEADLINE_WORKDAYS). Bad input:
a Chinese message on stderr, exit status 2.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.core import workdays
from gongkai.core.errors import ApplicationError
from gongkai.interaction.deadlines import message_due
from gongkai.interaction.models import MessageKind

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_KINDS = {str(label): value for value, label in MessageKind.choices}


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "网民留言工具：计算答复期限"
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        p = sub.add_parser("deadline", help="计算留言答复期限并逐步说明")
        p.add_argument("--received", required=True, help="受理日期，YYYY-MM-DD（第0日）")
        p.add_argument("--kind", required=True, help="留言类型：咨询、建议、投诉或求助")
        p.add_argument("--extension", default="0", help="经批准延期的工作日数")
        p.add_argument("--json", action="store_true", help="输出 JSON")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args, **options):
        match = _ISO_DATE.match(options["received"] or "")
        received = None
        if match:
            try:
                received = dt.date(*(int(p) for p in match.groups()))
            except ValueError:
                received = None
        if received is None:
            raise _fail(f"受理日期“{options['received']}”不是有效日期，请使用 YYYY-MM-DD 格式")
        kind_text = (options["kind"] or "").strip()
        kind = _KINDS.get(kind_text) or (kind_text if kind_text in MessageKind.values else None)
        if kind is None:
            raise _fail(f"留言类型“{kind_text}”无效，应为：{'、'.join(_KINDS)}")
        try:
            extension = int(str(options["extension"]).strip())
        except ValueError:
            raise _fail("延期工作日数应为整数") from None
        try:
            calendar = workdays.get_calendar()
        except DatabaseError:
            raise CommandError(
                "无法读取数据库中的节假日安排，请先运行 gongkai migrate", returncode=1
            ) from None
        try:
            due = message_due(received, kind, extension=extension, calendar=calendar)
        except ApplicationError as exc:
            raise _fail(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(due.as_dict(), ensure_ascii=False))
        else:
            for step in due.steps:
                self.stdout.write(step)
            self.stdout.write(f"答复期限：{due.due.isoformat()}")
            if due.estimated:
                self.stdout.write("注意：部分年度节假日安排尚未录入，期限按周末推算，可能不准确")
