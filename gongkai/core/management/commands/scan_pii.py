"""Scan a file for personal data (ID numbers, mobile numbers, bank card numbers).

    gongkai scan-pii FILE            a table of the findings (numbers shown masked)
    gongkai scan-pii FILE --json     {"findings": [{"kind": "id_number"|"mobile"|"bank_card",
                                      "text": "...", "start": N, "end": N}]}
    gongkai scan-pii FILE --mask OUT write a masked copy of a plain-text FILE to OUT

FILE may be plain text (UTF-8 or GB18030), DOCX, XLSX or PDF; the type is read from the
content. Offsets index the extracted text. `gongkai scan_pii` is the same command.

Exit status: 0 nothing found, 1 personal data found, 2 the file could not be read (a Chinese
message on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.core import pii
from gongkai.core.management.console import print_rich
from gongkai.core.text_extract import MAX_TEXT_CHARS, UnreadableFile, extract

#: Refuse larger inputs outright; uploads are capped far below this.
MAX_FILE_BYTES = 512 * 1024 * 1024

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_UNREADABLE = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_UNREADABLE)


class Command(BaseCommand):
    help = (
        "扫描文件（纯文本、DOCX、XLSX、PDF）中的个人信息：身份证号码、手机号码、银行卡号。"
        "退出码：0 未发现，1 发现个人信息，2 文件无法读取"
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    exit_code = EXIT_CLEAN

    def add_arguments(self, parser):
        parser.add_argument("file", help="要扫描的文件")
        parser.add_argument(
            "--json",
            action="store_true",
            help='输出 JSON：{"findings": [{"kind", "text", "start", "end"}]}',
        )
        parser.add_argument(
            "--mask", metavar="OUT", help="把打码后的副本写入 OUT（仅限纯文本文件）"
        )

    def run_from_argv(self, argv):
        super().run_from_argv(argv)
        if self.exit_code:
            sys.exit(self.exit_code)

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = self._read(path)
        try:
            extracted = extract(data)
        except UnreadableFile as exc:
            raise _fail(f"无法读取“{path.name}”：{exc.message}") from None
        except Exception:  # a last resort: a message, never a traceback
            raise _fail(f"无法读取“{path.name}”：文件已损坏或格式不受支持") from None
        if extracted.truncated:
            self.stderr.write(
                f"注意：“{path.name}”的文字超过 {MAX_TEXT_CHARS} 字，只扫描了前 {MAX_TEXT_CHARS} 字"
            )
        findings = pii.scan(extracted.text)
        if options["mask"]:
            self._write_masked(path, Path(options["mask"]), extracted, findings)
        if options["json"]:
            payload = {"findings": [finding.as_dict() for finding in findings]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._print_table(path, extracted.text, findings)
        self.exit_code = EXIT_FOUND if findings else EXIT_CLEAN

    def _read(self, path: Path) -> bytes:
        try:
            if not path.is_file():
                if path.exists():
                    raise _fail(f"“{path}”不是文件")
                raise _fail(f"找不到文件“{path}”")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _fail(f"文件“{path.name}”过大，上限为 {MAX_FILE_BYTES // 1048576} MB")
            return path.read_bytes()
        except PermissionError:
            raise _fail(f"没有权限读取“{path}”") from None
        except OSError as exc:
            raise _fail(f"无法读取“{path}”：{exc.strerror or exc}") from None

    def _write_masked(self, source: Path, out: Path, extracted, findings) -> None:
        if extracted.kind != "txt":
            raise _fail("只能为纯文本文件生成打码副本（--mask）；DOCX、XLSX、PDF 请在系统中处理")
        try:
            if out.exists() and out.resolve() == source.resolve():
                raise _fail("打码副本不能覆盖原文件，请指定另一个输出文件")
            masked = pii.mask(extracted.text, findings)
            encoding = extracted.encoding or "utf-8"
            out.write_bytes(masked.encode(encoding, errors="replace"))
        except OSError as exc:
            raise _fail(f"无法写入“{out}”：{exc.strerror or exc}") from None
        self.stderr.write(f"已写入打码副本：{out}（遮盖 {len(findings)} 处）")

    def _print_table(self, path: Path, text: str, findings: list[pii.Finding]) -> None:
        from rich.table import Table

        if not findings:
            self.stdout.write(f"“{path.name}”中未发现个人信息")
            return
        masked = pii.mask(text, findings)
        table = Table(title=f"“{path.name}”中的个人信息（共 {len(findings)} 处）")
        table.add_column("#", justify="right")
        table.add_column("类型")
        table.add_column("内容（已打码）")
        table.add_column("姓名（已打码）")
        table.add_column("位置")
        for number, finding in enumerate(findings, start=1):
            line = text.count("\n", 0, finding.start) + 1
            column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
            name = (
                masked[finding.name_start : finding.name_end]
                if finding.name_start is not None
                else ""
            )
            table.add_row(
                str(number),
                finding.label,
                masked[finding.start : finding.end],
                name,
                f"第 {line} 行第 {column} 字（{finding.start}–{finding.end}）",
            )
        print_rich(self.stdout, table)
