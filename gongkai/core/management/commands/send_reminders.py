"""Send the reminders due on a day from every source (tasks, FOI applications …), as the daily
job does, and print what was sent.

    gongkai send_reminders                      → today (Asia/Shanghai), all sources
    gongkai send_reminders --date 2026-10-29    → as if run on that day
    gongkai send_reminders --dry-run            → print what would be sent; write and send nothing
    gongkai send_reminders --source plans       → one source only (plans, foi …)
    gongkai send_reminders --json               → the summary as JSON (ids, keys, counts)

Unlike the daily job, the command runs on a day off too (it says so): an operator asking for a
date gets that date. Nothing is ever sent twice for the same event either way.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.core.management.console import print_rich
from gongkai.core.reminders import RESULT, ReminderSummary, all_sources, get_source, run_reminders
from gongkai.core.workdays import CalendarNotCovered, format_date, is_workday


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，例如 2026-10-29：{value}") from None


class Command(BaseCommand):
    help = "发送到期、临期、逾期提醒和逾期督办（--dry-run 仅列出将发送的提醒）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天发送（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将发送的提醒，不发送、不记录"
        )
        parser.add_argument(
            "--source",
            action="append",
            help="只处理这一类提醒（可重复）：" + "、".join(s.name for s in all_sources()),
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出汇总")

    def handle(self, *args, date=None, dry_run=False, source=None, as_json=False, **options):
        day = _parse_date(date) if date else timezone.localdate()
        if source:
            for name in source:
                try:
                    get_source(name)
                except LookupError:
                    names = "、".join(s.name for s in all_sources())
                    raise CommandError(f"没有名为 {name} 的提醒来源，可选：{names}") from None
        notes = []
        try:
            if not is_workday(day):
                notes.append(f"注意：{format_date(day)}不是工作日，定时任务在这一天不会发送提醒。")
        except CalendarNotCovered as exc:
            notes.append(f"注意：{exc.message}。")
        summary = run_reminders(day=day, dry_run=dry_run, sources=source)
        if as_json:
            self._print_json(summary, notes)
        else:
            for note in notes:
                self.stdout.write(note)
            self._print(summary)

    def _print_json(self, summary: ReminderSummary, notes: list[str]) -> None:
        data = {**summary.as_dict(), "notes": notes}
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _print(self, summary: ReminderSummary) -> None:
        from rich.table import Table

        mode = "（试运行：未发送、未记录）" if summary.dry_run else ""
        tables = []
        for name in summary.sources:
            source = get_source(name)
            outcomes = summary.for_source(name)
            if not outcomes:
                continue
            table = Table(title=f"{format_date(summary.day)}的{source.label}{mode}")
            table.add_column("类型")
            for i, heading in enumerate(source.columns):
                table.add_column(heading, justify="right" if i == 0 else "left")
            table.add_column("接收人数", justify="right")
            table.add_column("邮件数", justify="right")
            table.add_column("结果")
            for o in outcomes:
                table.add_row(o.label, *o.fields, str(o.recipients), str(o.emails), o.result_label)
            tables.append(table)
        print_rich(self.stdout, *tables)
        for name, skipped in summary.skipped_kinds.items():
            for label, reason in skipped.items():
                self.stdout.write(f"未处理的{get_source(name).label}（{label}）：{reason}")
        verb = "将发送" if summary.dry_run else "已发送"
        count = summary.count(RESULT.WOULD_SEND) if summary.dry_run else summary.sent
        self.stdout.write(f"{verb}提醒 {count} 条，邮件 {summary.emails} 封。")
