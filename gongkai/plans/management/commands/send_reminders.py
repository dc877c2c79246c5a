"""Send the task reminders due on a day, as the daily job does, and print what was sent.

    gongkai send_reminders                      → today (Asia/Shanghai)
    gongkai send_reminders --date 2026-10-29    → as if run on that day
    gongkai send_reminders --dry-run            → print what would be sent; write and send nothing

Unlike the daily job, the command runs on a day off too (it says so): an operator asking for a
date gets that date. Nothing is ever sent twice for the same event either way.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.core.workdays import CalendarNotCovered, format_date, is_workday
from gongkai.plans.models import Reminder
from gongkai.plans.reminders import RESULT, ReminderSummary, reminders_send


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

    def handle(self, *args, date=None, dry_run=False, **options):
        day = _parse_date(date) if date else timezone.localdate()
        try:
            if not is_workday(day):
                self.stdout.write(
                    f"注意：{format_date(day)}不是工作日，定时任务在这一天不会发送提醒。"
                )
        except CalendarNotCovered as exc:
            self.stdout.write(f"注意：{exc.message}。")
        summary = reminders_send(day=day, dry_run=dry_run)
        self._print(summary)

    def _print(self, summary: ReminderSummary) -> None:
        from rich.console import Console
        from rich.table import Table

        mode = "（试运行：未发送、未记录）" if summary.dry_run else ""
        table = Table(title=f"{format_date(summary.day)}的任务提醒{mode}")
        table.add_column("类型")
        table.add_column("任务编号", justify="right")
        table.add_column("任务")
        table.add_column("责任单位")
        table.add_column("完成时限")
        table.add_column("接收人数", justify="right")
        table.add_column("邮件数", justify="right")
        table.add_column("结果")
        for o in summary.outcomes:
            title = o.task_title if len(o.task_title) <= 40 else o.task_title[:39] + "…"
            table.add_row(
                o.kind_label,
                str(o.task_id),
                title,
                o.unit_name,
                format_date(o.due_date),
                str(o.recipients),
                str(o.emails),
                o.result_label,
            )
        buffer = io.StringIO()
        is_tty = self.stdout.isatty()
        console = Console(
            file=buffer,
            force_terminal=is_tty,
            width=shutil.get_terminal_size((120, 24)).columns if is_tty else 120,
        )
        if summary.outcomes:
            console.print(table)
        self.stdout.write(buffer.getvalue(), ending="")
        for kind, reason in summary.skipped_kinds.items():
            self.stdout.write(f"未处理的{Reminder.Kind(kind).label}：{reason}")
        verb = "将发送" if summary.dry_run else "已发送"
        count = summary.count(RESULT.WOULD_SEND) if summary.dry_run else summary.sent
        self.stdout.write(f"{verb}提醒 {count} 条，邮件 {summary.emails} 封。")
