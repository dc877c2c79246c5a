"""`gongkai foi`: FOI application tools from the command line.

    gongkai foi deadline --received 2026-09-28
        {"due": "2026-10-30", "steps": ["2026年9月28日收到申请，为第0日", "自收到之日起20个工作日：2026年10月30日"]}
    gongkai foi deadline --received 2026-09-28 --correction-requested 2026-09-30 \\
        --correction-received 2026-10-15 --consultation 2026-10-19 2026-10-23 --extension 10

    gongkai foi sample-letters DIR
        every letter type (答复书、告知书、意见书、函、缴费通知书), a 送达回证 and an application
        回执 for a made-up case, as DOCX and PDF into DIR (nothing is kept in the database)

`deadline` prints JSON (UTF-8, not escaped). When part of the computation falls in a year the working-day
calendar does not cover, the JSON also has "estimated": true and "warning": "2027年节假日安排尚未
录入，期限按周末推算，可能不准确". A paused clock (a correction requested, not received) gives
"due": null and "paused": true. Bad input: a Chinese message on stderr, exit status 2.
`--consultation` may be repeated; `--delay` sets an Art. 35 date.
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
from gongkai.foi.clock import MAX_EXTENSION_WORKDAYS, ClockEvent, K, compute_due

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_date(text: str, what: str) -> dt.date:
    match = _ISO_DATE.match(text or "")
    if match:
        try:
            return dt.date(*(int(p) for p in match.groups()))
        except ValueError:
            pass
    raise _fail(f"{what}“{text}”不是有效日期，请使用 YYYY-MM-DD 格式，例如 2026-09-28")


class Command(BaseCommand):
    help = "依申请公开工具：按《条例》计算答复期限"
    requires_system_checks: list = []  # a calculation: no need to load URLs or check models

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        p = sub.add_parser("deadline", help="计算答复期限并逐步说明")
        p.add_argument("--received", required=True, help="收到申请之日，YYYY-MM-DD（第0日）")
        p.add_argument("--correction-requested", dest="correction_requested", help="告知补正之日")
        p.add_argument("--correction-received", dest="correction_received", help="收到补正材料之日")
        p.add_argument(
            "--consultation",
            nargs=2,
            action="append",
            metavar=("FROM", "TO"),
            default=[],
            help="征求意见的起止日期（可重复）",
        )
        p.add_argument("--agency", action="store_true", help="征求的是其他行政机关（默认第三方）")
        p.add_argument(
            "--extension", help=f"经负责人同意延长的工作日数（1–{MAX_EXTENSION_WORKDAYS}）"
        )
        p.add_argument("--delay", help="第三十五条确定的延迟答复期限，YYYY-MM-DD")
        samples = sub.add_parser("sample-letters", help="为虚构案例生成全部文书样本（DOCX、PDF）")
        samples.add_argument("dir", help="输出目录")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args, **options):
        if options["subcommand"] == "sample-letters":
            from gongkai.foi.samples import sample_letters_write

            try:
                written = sample_letters_write(options["dir"])
            except DatabaseError:
                raise CommandError(
                    "无法读写数据库，请先运行 gongkai migrate", returncode=1
                ) from None
            except OSError as exc:
                raise _fail(f"无法写入目录“{options['dir']}”：{exc.strerror}") from None
            for path in written:
                self.stdout.write(str(path))
            return
        events = self._events(options)  # bad input fails first, whatever the database
        try:
            calendar = workdays.get_calendar(provisional=True)
        except DatabaseError:
            raise CommandError(
                "无法读取数据库中的节假日安排，请先运行 gongkai migrate", returncode=1
            ) from None
        try:
            self._deadline(calendar, events)
        except ApplicationError as exc:
            raise _fail(exc.message) from None

    def _events(self, options) -> list[ClockEvent]:
        received = parse_date(options["received"], "收到申请之日")
        events = [ClockEvent(K.RECEIVED, received)]
        requested = options.get("correction_requested")
        got = options.get("correction_received")
        if got and not requested:
            raise _fail("填写了收到补正之日，但没有填写告知补正之日（--correction-requested）")
        if requested:
            req = parse_date(requested, "告知补正之日")
            if req < received:
                raise _fail("告知补正之日不能早于收到申请之日")
            events.append(ClockEvent(K.CORRECTION_REQUESTED, req))
            if got:
                rec = parse_date(got, "收到补正之日")
                if rec < req:
                    raise _fail("收到补正之日不能早于告知补正之日")
                events.append(ClockEvent(K.CORRECTION_RECEIVED, rec))
        party = "agency" if options.get("agency") else "third_party"
        for i, (start_text, end_text) in enumerate(options.get("consultation") or []):
            start = parse_date(start_text, "征求意见开始之日")
            end = parse_date(end_text, "征求意见结束之日")
            if end < start:
                raise _fail(f"征求意见的结束之日（{end_text}）早于开始之日（{start_text}）")
            if start < received:
                raise _fail("征求意见开始之日不能早于收到申请之日")
            events.append(ClockEvent(K.CONSULTATION_STARTED, start, {"id": str(i), "party": party}))
            events.append(ClockEvent(K.CONSULTATION_ENDED, end, {"id": str(i)}))
        if options.get("extension") is not None:
            text = str(options["extension"]).strip()
            if not re.fullmatch(r"\d+", text) or not 1 <= int(text) <= MAX_EXTENSION_WORKDAYS:
                raise _fail(
                    f"延长的工作日数“{text}”无效：应为1至{MAX_EXTENSION_WORKDAYS}之间的整数（《条例》第三十三条）"
                )
            last = max(e.date for e in events)
            events.append(ClockEvent(K.EXTENDED, last, {"workdays": int(text)}))
        if options.get("delay"):
            until = parse_date(options["delay"], "延迟答复期限")
            last = max(e.date for e in events)
            events.append(ClockEvent(K.DELAYED, last, {"until": until.isoformat()}))
        return events

    def _deadline(self, calendar, events: list[ClockEvent]) -> None:
        clock = compute_due(events, calendar)
        out: dict = {"due": clock.due.isoformat() if clock.due else None, "steps": clock.steps}
        if clock.paused:
            out["paused"] = True
        if clock.estimated:
            out["estimated"] = True
            out["warning"] = "；".join(clock.warnings)
        self.stdout.write(json.dumps(out, ensure_ascii=False))
