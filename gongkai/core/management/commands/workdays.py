"""Working-day arithmetic on the official calendar, from the command line.

    gongkai workdays add 2026-09-28 20       → 2026-10-30 (the start day is day 0)
    gongkai workdays between 2026-09-28 2026-10-30   → 20
    gongkai workdays is 2026-10-10           → 2026-10-10 工作日（星期六，国庆节调休上班）
    gongkai workdays next 2026-09-30         → 2026-10-08
    gongkai workdays previous 2026-10-08     → 2026-09-30
    gongkai workdays years                   → the covered years and their source
    gongkai workdays show 2026               → the holidays and 调休上班 days of a year

A date in a year the calendar does not cover exits with status 2 and says so on stderr.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.core import workdays
from gongkai.core.errors import ApplicationError
from gongkai.core.management.console import print_rich

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_ZH_DATE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
#: A statutory deadline is at most a few dozen working days; ten years is plenty.
MAX_N = 2500

_ENTER_HINT = (
    "请管理员在工作台“节假日安排”中根据国务院办公厅通知录入该年份"
    "（/workbench/calendar/{year}/edit/）。"
)


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_date(text: str) -> dt.date:
    match = _ISO_DATE.match(text) or _ZH_DATE.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise _fail(f"“{text}”不是有效日期，请使用 YYYY-MM-DD 格式，例如 2026-09-28")


def parse_count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise _fail(f"“{text}”不是整数，请填写工作日数，例如 20") from None
    if abs(value) > MAX_N:
        raise _fail(f"工作日数 {value} 超出范围：应在 -{MAX_N} 到 {MAX_N} 之间")
    return value


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text):
        raise _fail(f"“{text}”不是有效年份，例如 2026")
    return int(text)


class Command(BaseCommand):
    help = "按官方工作日日历计算期限（含调休上班日）；查看已覆盖的年份"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        add = sub.add_parser("add", help="起始日（第0天）之后的第 N 个工作日；N 为负数时向前")
        add.add_argument("date", help="起始日期，YYYY-MM-DD")
        add.add_argument("n", help="工作日数")
        between = sub.add_parser("between", help="两个日期之间的工作日数（不含起始日，含结束日）")
        between.add_argument("start", help="起始日期，YYYY-MM-DD")
        between.add_argument("end", help="结束日期，YYYY-MM-DD")
        is_ = sub.add_parser("is", help="某天是工作日还是休息日，以及原因")
        is_.add_argument("date", help="日期，YYYY-MM-DD")
        for name, label in (("next", "之后"), ("previous", "之前")):
            p = sub.add_parser(name, help=f"某天{label}的第一个工作日")
            p.add_argument("date", help="日期，YYYY-MM-DD")
            p.add_argument("--inclusive", action="store_true", help="该日本身是工作日时返回该日")
        sub.add_parser("years", help="已覆盖的年份及数据来源")
        show = sub.add_parser("show", help="某年的放假安排和调休上班日")
        show.add_argument("year", help="年份，例如 2026")

    def execute(self, *args, **options):
        # From the command line: the Chinese message alone and the exit status, without the
        # "CommandError:" prefix or a traceback. call_command still raises CommandError.
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args, **options):
        try:
            calendar = workdays.get_calendar()
        except DatabaseError:
            raise CommandError(
                "无法读取数据库中的节假日安排，请先运行 gongkai migrate", returncode=1
            ) from None
        handler = getattr(self, "_" + options["subcommand"])
        try:
            handler(calendar, options)
        except workdays.CalendarNotCovered as exc:
            raise _fail(f"{exc.message}。\n{_ENTER_HINT.format(year=exc.year)}") from None
        except ApplicationError as exc:
            raise _fail(exc.message) from None

    # -- subcommands ----------------------------------------------------------------------------

    def _add(self, calendar, options):
        start, n = parse_date(options["date"]), parse_count(options["n"])
        self.stdout.write(calendar.add_workdays(start, n).isoformat())

    def _between(self, calendar, options):
        start, end = parse_date(options["start"]), parse_date(options["end"])
        self.stdout.write(str(calendar.workdays_between(start, end)))

    def _is(self, calendar, options):
        day = parse_date(options["date"])
        year = calendar.year(day.year)
        name = year.names.get(day, "")
        weekday = workdays.WEEKDAYS_ZH[day.weekday()]
        if day in year.workdays:
            verdict, reason = "工作日", f"{weekday}，{name or '调休'}上班"
        elif day in year.holidays:
            verdict, reason = "休息日", f"{weekday}，{name or '节假日'}放假"
        elif day.weekday() >= 5:
            verdict, reason = "休息日", weekday
        else:
            verdict, reason = "工作日", weekday
        self.stdout.write(f"{day.isoformat()} {verdict}（{reason}）")

    def _next(self, calendar, options):
        day = parse_date(options["date"])
        self.stdout.write(calendar.next_workday(day, inclusive=options["inclusive"]).isoformat())

    def _previous(self, calendar, options):
        day = parse_date(options["date"])
        result = calendar.previous_workday(day, inclusive=options["inclusive"])
        self.stdout.write(result.isoformat())

    def _years(self, calendar, options):
        from rich.table import Table

        from gongkai.core.calendar_banner import _today, expected_years
        from gongkai.core.models import CalendarYear

        notices = dict(CalendarYear.objects.values_list("year", "notice"))
        table = Table(title="工作日日历已覆盖的年份")
        table.add_column("年份", justify="right")
        table.add_column("来源")
        table.add_column("放假天数", justify="right")
        table.add_column("调休上班天数", justify="right")
        table.add_column("依据")
        for year in calendar.covered_years():
            entered = year.source == workdays.SOURCE.ENTERED
            table.add_row(
                str(year.year),
                workdays.SOURCE_LABELS[year.source],
                str(len(year.holidays)),
                str(len(year.workdays)),
                (notices.get(year.year) or "—") if entered else "—",
            )
        print_rich(self.stdout, table, width=100)
        for missing in expected_years(_today()):
            if not calendar.covers(missing):
                self.stdout.write(
                    f"注意：{missing}年节假日安排尚未录入。{_ENTER_HINT.format(year=missing)}"
                )

    def _show(self, calendar, options):
        year = calendar.year(parse_year(options["year"]))
        fmt = workdays.format_date
        self.stdout.write(f"{year.year}年节假日安排（来源：{workdays.SOURCE_LABELS[year.source]}）")
        self.stdout.write("放假：")
        for start, end, name in year.holiday_ranges():
            days = (end - start).days + 1
            span = fmt(start) if start == end else f"{fmt(start)}至{fmt(end)}"
            self.stdout.write(f"  {name or '节假日'}  {span}（{days}天）")
        self.stdout.write("调休上班：")
        listed = year.workday_list()
        for day, name in listed:
            weekday = workdays.WEEKDAYS_ZH[day.weekday()]
            self.stdout.write(f"  {fmt(day)}（{weekday}）{('  ' + name) if name else ''}")
        if not listed:
            self.stdout.write("  无")
