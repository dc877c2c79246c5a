"""Import a work plan (分工方案) from the command line; also `gongkai import-plan`.

    gongkai import-plan 方案.docx --dry-run            → what the parser finds, nothing written
    gongkai import-plan 方案.docx --dry-run --json     → the same as JSON (UTF-8)
    gongkai import-plan 方案.docx --dry-run --json --year 2026 --effective-from 2026-06-15
        → per item also its effective rules and the due dates of the ledger it would make
    gongkai import-plan 方案.docx --year 2026 --title "2026年政务公开工作要点分工方案" \\
        --map "区财政局=区发改财政局" --ignore-unit "各相关单位" --user gongkaiban

Unit names the database cannot resolve (full name, short name or alias) must be mapped with
--map or ignored with --ignore-unit: they are never created silently. Bad files, unmapped names
and a year without a working-day calendar exit with status 2 and a Chinese message; nothing is
imported then.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from gongkai.core.errors import ApplicationError, ValidationFailed
from gongkai.core.workdays import (
    CalendarNotCovered,
    WorkdayCalendar,
    get_calendar,
    package_years,
)
from gongkai.orgs.models import Membership, Role, Unit, UnitGroup, User
from gongkai.orgs.permissions import Action, has_perm
from gongkai.orgs.selectors import unit_target_match

from ... import services
from ...parsing import describe
from ...schedule import check_effective_from, clean_rule, planned_periods
from ...services.imports import (
    DEFAULT,
    check_is_plan,
    effective_timing,
    max_upload_bytes,
    parse_upload,
)

ITEM_KEYS = ("path", "title", "text", "lead_units", "units", "timing")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def read_plan_file(path: str) -> bytes:
    """The file's bytes, refusing what cannot be a plan before reading it all."""
    if not os.path.exists(path):
        raise _fail(f"文件不存在：{path}")
    if not os.path.isfile(path):
        raise _fail(f"不是文件：{path}")
    size = os.path.getsize(path)
    limit = max_upload_bytes()
    if size > limit:
        raise _fail(f"文件过大（{size / 1048576:.1f} MB），上限为 {limit // 1048576} MB")
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise _fail(f"无法读取文件：{exc.strerror or exc}") from None


NO_DATABASE = (
    "数据库尚未初始化（请运行 gongkai migrate）：单位名称未与已登记单位对照，"
    "完成时限按内置的节假日安排计算"
)


def known_unit_names() -> list[str]:
    names: list[str] = []
    for unit in Unit.objects.filter(is_active=True):
        names.extend(unit.all_names())
    return names


def unit_names(parsed: dict[str, Any]) -> list[str]:
    """Every unit name the items mention, in order of first appearance."""
    seen: dict[str, None] = {}
    for item in parsed["items"]:
        for name in (*item.get("lead_units", []), *item.get("units", [])):
            seen.setdefault(name, None)
    return list(seen)


def effective_rules(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules the import would store for the item, as the ledger reads them (validated and
    normalised by `schedule.clean_rule`), each {"kind", "label", "phrase", "params"} with the
    plain-Chinese meaning as label; a rule the ledger would refuse also carries "error"."""
    rules = []
    for timing in effective_timing(item):
        raw = dict(timing.get("rule") or {})
        phrase = timing.get("phrase", "")
        try:
            kind, params = clean_rule(raw)
        except ValidationFailed as exc:
            try:
                label = describe(raw)
            except Exception:  # a label for a broken rule is best effort
                label = str(raw.get("kind") or "")
            rules.append(
                {"kind": raw.get("kind"), "label": label, "phrase": phrase, "error": exc.message}
            )
            continue
        rules.append(
            {
                "kind": kind,
                "label": describe({"kind": kind, **params}),
                "phrase": phrase,
                "params": params,
            }
        )
    return rules


def due_dates(
    rules: list[dict[str, Any]], year: int, calendar: WorkdayCalendar, starts_on: dt.date | None
) -> list[str]:
    """ISO dates of every period the ledger would make for the item in `year` (an item without
    usable rules gets the year-end default, as the import does), none before `starts_on`."""
    usable = [(n, r["kind"], r["params"]) for n, r in enumerate(rules) if "error" not in r]
    periods = planned_periods(usable, year, calendar, starts_on)
    return sorted({period.due.isoformat() for _key, period in periods})


def calendar_note(year: int, calendar: WorkdayCalendar) -> str:
    """ "" when the working-day calendar covers `year`, else why no due dates are given."""
    if calendar.covers(year):
        return ""
    return (
        f"{year}年的节假日安排尚未录入，无法按工作日计算完成时限（due_dates 为 null）；"
        "请系统管理员先录入该年的放假和调休安排（gongkai workdays years 查看已覆盖的年份）"
    )


def dry_run_dict(
    parsed: dict[str, Any],
    *,
    year: int | None = None,
    effective_from: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    registry: bool = True,
) -> dict[str, Any]:
    """The documented JSON shape: items (without source positions), unresolved unit names
    (against the database), warnings; per item also `rules` (the effective rules with their
    plain meaning) and `due_dates` (ISO dates of the ledger periods due in `year` on the
    working-day calendar, from `effective_from` on; null when the calendar does not cover the
    year, explained in `calendar_note`). Without a database (`registry=False`: not migrated
    yet) every unit name is unresolved and the calendar is the packaged one, as a warning says."""
    year = year or timezone.localdate().year
    calendar = calendar or (get_calendar() if registry else WorkdayCalendar(package_years()))
    note = calendar_note(year, calendar)
    items = []
    for item in parsed["items"]:
        rules = effective_rules(item)
        items.append(
            {
                "path": list(item["path"]),
                "title": item["title"],
                "text": item.get("text", ""),
                "lead_units": list(item.get("lead_units", [])),
                "units": list(item.get("units", [])),
                "timing": [
                    {"phrase": t.get("phrase", ""), "rule": dict(t.get("rule") or {})}
                    for t in item.get("timing", [])
                ],
                "rules": [{k: v for k, v in r.items() if k != "params"} for r in rules],
                "due_dates": None if note else due_dates(rules, year, calendar, effective_from),
            }
        )
    unresolved = [
        name for name in unit_names(parsed) if not registry or unit_target_match(name=name) is None
    ]
    warnings = list(parsed.get("warnings", []))
    if not registry:
        warnings.append(NO_DATABASE)
    try:
        check_is_plan(parsed)
    except ValidationFailed as exc:
        warnings.append(f"不能导入：{exc.message}")
    return {
        "year": year,
        "effective_from": effective_from.isoformat() if effective_from else None,
        "calendar_note": note or None,
        "items": items,
        "unresolved_units": unresolved,
        "items_without_units": sum(1 for i in items if not (i["lead_units"] or i["units"])),
        "warnings": warnings,
    }


class Command(BaseCommand):
    help = "导入工作方案（分工方案）：--dry-run 只显示识别结果；正式导入时生成方案和全年台账"

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件：DOCX、XLSX 或 TXT")
        parser.add_argument("--dry-run", action="store_true", help="只解析并显示结果，不写入数据库")
        parser.add_argument("--json", action="store_true", help="与 --dry-run 一起使用：输出 JSON")
        parser.add_argument("--year", type=int, help="方案年度（默认今年）")
        parser.add_argument(
            "--effective-from",
            default="",
            metavar="YYYY-MM-DD",
            help="生效日期：此前到期的周期不生成任务（默认导入当天；须在方案年度内）",
        )
        parser.add_argument("--title", default="", help="方案名称（默认取文件名）")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="原文名称=单位",
            help="把原文中的单位名称对应到已登记单位（简称、全称或别名），可重复",
        )
        parser.add_argument(
            "--ignore-unit",
            action="append",
            default=[],
            metavar="名称",
            help="忽略原文中的某个单位名称（不分配任务），可重复",
        )
        parser.add_argument(
            "--user",
            default="",
            help="以哪个公开办账号的名义导入（记入操作日志）；只有一个公开办账号时可省略",
        )

    def execute(self, *args, **options):
        # From the command line: the Chinese message alone and exit status 2, no traceback.
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    # -- output -----------------------------------------------------------------------------

    def _console(self):
        from rich.console import Console

        return Console(
            file=getattr(self.stdout, "_out", self.stdout), highlight=False, soft_wrap=True
        )

    def _write_json(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        out = getattr(self.stdout, "_out", self.stdout)
        buffer = getattr(out, "buffer", None)
        if out is sys.stdout and buffer is not None:
            out.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            out.write(text)

    # -- steps ------------------------------------------------------------------------------

    def handle(self, *args, **options):
        path = options["file"]
        data = read_plan_file(path)
        registry = True
        try:
            known = known_unit_names()
        except DatabaseError:
            if not options["dry_run"]:
                raise CommandError(
                    "无法读取数据库，请先运行 gongkai migrate", returncode=1
                ) from None
            known, registry = [], False  # a dry run only parses: it needs no database
        try:
            parsed = parse_upload(data, filename=path, known_units=known)
        except ValidationFailed as exc:
            raise _fail(f"无法导入“{os.path.basename(path)}”：{exc.message}") from None
        except DatabaseError:
            raise CommandError("无法读取数据库，请先运行 gongkai migrate", returncode=1) from None
        year = options["year"] or timezone.localdate().year
        effective_from = self._effective_from(options["effective_from"], year)
        if options["dry_run"]:
            try:
                report = dry_run_dict(
                    parsed,
                    year=year,
                    effective_from=None if effective_from is DEFAULT else effective_from,
                    registry=registry,
                )
            except DatabaseError:
                raise CommandError(
                    "无法读取数据库，请先运行 gongkai migrate", returncode=1
                ) from None
            if options["json"]:
                self._write_json(report)
            else:
                self._print_report(report, path)
            return
        if options["json"]:
            raise _fail("--json 只能与 --dry-run 一起使用")
        self._import(parsed, data, path, options, effective_from)

    def _effective_from(self, value: str, year: int):
        """The --effective-from date, checked against the plan year; DEFAULT when not given."""
        value = (value or "").strip()
        if not value:
            return DEFAULT
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise _fail(f"--effective-from 应为 YYYY-MM-DD 格式的日期：{value}") from None
        try:
            check_effective_from(day, year)
        except ValidationFailed as exc:
            raise _fail(f"--effective-from：{exc.message}") from None
        return day

    def _unit_map(self, parsed, options) -> tuple[dict[str, int | None], dict[str, int]]:
        """({name as written: unit id or None to ignore}, {name as written: unit group id})."""
        names = unit_names(parsed)
        unit_map: dict[str, int | None] = {}
        group_map: dict[str, int] = {}
        for spec in options["map"]:
            written, sep, target = spec.partition("=")
            written, target = written.strip(), target.strip()
            if not sep or not written or not target:
                raise _fail(f"--map 的格式应为“原文名称=单位简称或全称（或单位组名称）”：{spec}")
            match = unit_target_match(name=target)
            if match is None:
                raise _fail(
                    f"--map 中的单位“{target}”不存在（按全称、简称、别名和单位组名称都找不到）"
                )
            if isinstance(match, UnitGroup):
                group_map[written] = match.pk
            else:
                unit_map[written] = match.pk
        for name in options["ignore_unit"]:
            unit_map[name.strip()] = None
        unused = [n for n in [*unit_map, *group_map] if n not in names]
        if unused:
            self.stderr.write("提示：以下名称没有出现在方案中：" + "、".join(unused))
        missing = [
            n
            for n in names
            if n not in unit_map and n not in group_map and unit_target_match(name=n) is None
        ]
        if missing:
            lines = "\n".join(f"  · {n}" for n in missing)
            raise _fail(
                "以下单位名称没有对应到已登记的单位，未导入任何内容：\n"
                f"{lines}\n"
                '请用 --map "原文名称=单位简称或全称" 指定对应单位（“各镇（街道）”等可对应到单位组），'
                "或用 --ignore-unit 名称 忽略；也可先在工作台“单位”中新建单位、添加别名或单位组。"
            )
        return unit_map, group_map

    def _actor(self, username: str) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise _fail(f"账号“{username}”不存在或已停用")
            if not has_perm(user, Action.COORDINATE):
                raise _fail(f"账号“{username}”不是公开办账号，不能导入方案")
            return user
        ids = set(
            Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        if len(ids) != 1:
            raise _fail(
                "请用 --user 指定以哪个公开办账号的名义导入"
                + ("（系统中还没有公开办账号）" if not ids else "")
            )
        return User.objects.get(pk=ids.pop())

    def _import(self, parsed, data: bytes, path: str, options, effective_from) -> None:
        year = options["year"] or timezone.localdate().year
        unit_map, group_map = self._unit_map(parsed, options)
        actor = self._actor(options["user"])
        console = self._console()
        try:
            with console.status("正在导入并生成台账…"):
                result = services.plan_import_file(
                    actor=actor,
                    data=data,
                    filename=os.path.basename(path),
                    title=options["title"],
                    year=year,
                    unit_map=unit_map,
                    group_map=group_map,
                    effective_from=effective_from,
                )
        except CalendarNotCovered as exc:
            raise _fail(
                f"{exc.message}。请系统管理员先录入{exc.year}年的节假日安排"
                f"（gongkai workdays years 查看已覆盖的年份）；未导入任何内容。"
            ) from None
        except ApplicationError as exc:
            raise _fail(f"未导入：{exc.message}") from None
        plan = result.plan
        console.print(f"[green]已导入方案“{plan.title}”（{plan.year}年度，编号 {plan.pk}）[/green]")
        console.print(
            f"任务条目 {result.items} 条，责任单位 {len(result.tasks_by_unit)} 个，"
            f"生成台账任务 {result.tasks_created} 条"
        )
        for warning in parsed.get("warnings", []):
            console.print(f"[yellow]提示：{warning}[/yellow]")

    def _print_report(self, report: dict[str, Any], path: str) -> None:
        from rich.table import Table

        console = self._console()
        table = Table(title=f"{os.path.basename(path)}：识别出任务条目 {len(report['items'])} 条")
        for column in ("编号", "标题", "单位", "时限"):
            table.add_column(column)
        for item in report["items"]:
            units = [f"{n}（牵头）" for n in item["lead_units"]]
            units += [n for n in item["units"] if n not in item["lead_units"]]
            timing = [
                f"“{t['phrase']}” {t['rule'].get('label', t['rule'].get('kind'))}"
                for t in item["timing"]
            ]
            table.add_row(
                " ".join(item["path"]), item["title"][:40], "、".join(units), "\n".join(timing)
            )
        console.print(table)
        if report["unresolved_units"]:
            console.print(
                "[yellow]未对应到已登记单位的名称："
                + "、".join(report["unresolved_units"])
                + "[/yellow]"
            )
        elif report["items_without_units"]:
            console.print(
                f"[yellow]已识别的单位名称都已对应；另有 {report['items_without_units']} 个条目"
                "没有识别出单位[/yellow]"
            )
        else:
            console.print("[green]所有单位名称都已对应到已登记的单位[/green]")
        if report["calendar_note"]:
            console.print(f"[yellow]{report['calendar_note']}[/yellow]")
        else:
            total = sum(len(item["due_dates"]) for item in report["items"])
            start = report["effective_from"] or f"{report['year']}-01-01"
            console.print(f"{report['year']}年自 {start} 起每个单位的完成时限共 {total} 个")
        for warning in report["warnings"]:
            console.print(f"[yellow]提示：{warning}[/yellow]")
        console.print("（未写入数据库：去掉 --dry-run 即正式导入）")
