"""gongkai report annual --year Y [--unit CODE] [--docx FILE] [--json]
gongkai report bulletin --month YYYY-MM [--docx FILE]
gongkai report evaluation --period YYYY[-MM|-Qn] [--xlsx FILE]

The annual report (政府信息公开工作年度报告) of the government (no --unit) or of one unit, from
live data: tables 二, 三 and 四 with every label as printed, and the checks. With --json, every
table as {"columns": [...], "rows": [{"label", "values"}]} keyed by section, plus "checks";
with --docx, the report in the official layout. The checks are reported, not enforced: a
report that fails one cannot be published from the workbench."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit

from ... import exports
from ...annual import document, tables
from ...bulletin import monthly_bulletin
from ...evaluation import evaluate
from ...models import AnnualReport
from ...periods import parse_month, parse_period


def _unit(value: str) -> Unit:
    value = value.strip()
    for lookup in ("code", "name", "short_name"):
        unit = Unit.objects.filter(**{lookup: value}).first()
        if unit is not None:
            return unit
    raise CommandError(f"找不到单位“{value}”（按机构代码、全称、简称查找）")


class Command(BaseCommand):
    help = "年度报告：gongkai report annual --year 2026 [--unit 机构代码] [--docx 文件] [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        annual = sub.add_parser("annual", help="政府信息公开工作年度报告")
        annual.add_argument("--year", type=int, required=True)
        annual.add_argument("--unit", default="", help="单位的机构代码、全称或简称；不填为本级政府")
        annual.add_argument("--docx", default="", help="把报告写入此 DOCX 文件")
        annual.add_argument("--json", action="store_true", help="以 JSON 输出各表和校验结果")
        bulletin = sub.add_parser("bulletin", help="月度通报")
        bulletin.add_argument("--month", required=True, help="YYYY-MM")
        bulletin.add_argument("--docx", default="", help="把通报写入此 DOCX 文件")
        evaluation = sub.add_parser("evaluation", help="单位考评")
        evaluation.add_argument("--period", required=True, help="YYYY、YYYY-Qn 或 YYYY-MM")
        evaluation.add_argument("--xlsx", default="", help="把考评结果写入此 XLSX 文件")

    def handle(self, *args, **options):
        try:
            if options["what"] == "bulletin":
                return self._bulletin(options)
            if options["what"] == "evaluation":
                return self._evaluation(options)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        return self._annual(options)

    def _write(self, path: str, data: bytes) -> None:
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
        self.stdout.write(f"已写入 {path}")

    def _bulletin(self, options) -> None:
        result = monthly_bulletin(parse_month(options["month"]))
        self.stdout.write(result.title)
        for row in exports.bulletin_rows(result):
            self.stdout.write("  " + " | ".join(row))
        if options["docx"]:
            self._write(options["docx"], exports.bulletin_docx(result))

    def _evaluation(self, options) -> None:
        result = evaluate(parse_period(options["period"]))
        self.stdout.write(f"{result.period.label}政务公开工作考评结果")
        self.stdout.write("  " + " | ".join(exports.evaluation_header(result)))
        for row in exports.evaluation_rows(result):
            self.stdout.write("  " + " | ".join(row))
        if options["xlsx"]:
            self._write(options["xlsx"], exports.evaluation_xlsx(result))

    def _annual(self, options) -> None:
        unit = _unit(options["unit"]) if options["unit"] else None
        report = AnnualReport.objects.filter(year=options["year"], unit=unit).first()
        if report is None:  # not started in the workbench: figures from live data, texts drafted
            report = AnnualReport(year=options["year"], unit=unit)
            report.section_one = tables.section_one_draft(report)
        data = tables.build(report)
        if options["json"]:
            payload = {"year": report.year, "body": report.body_name, **data.as_json()}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(f"{report}")
            for check in data.checks:
                mark = "通过" if check.ok else f"未通过：{check.detail}"
                self.stdout.write(f"  {check.name} …… {mark}")
        if options["docx"]:
            docx = document.annual_docx(report, data)
            try:
                with open(options["docx"], "wb") as handle:
                    handle.write(docx)
            except OSError as exc:
                raise CommandError(f"无法写入 {options['docx']}：{exc.strerror}") from None
