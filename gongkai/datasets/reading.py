"""Read an uploaded table row by row: XLSX (the streaming reader in `xlsx.py`) or CSV (UTF-8, UTF-8 with BOM,
UTF-16 with BOM, GBK/GB18030), never the whole sheet in memory.

`open_table(path_or_file, name)` returns a `Table`: an iterator over rows (lists of raw cell
values: str, int, float, datetime, None), with 1-based row numbers as a spreadsheet shows them.
`find_header(rows, specs)` finds the header row among the first rows by matching names.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import IO

from gongkai.core.errors import ValidationFailed

from .values import FieldSpec, text_of
from .xlsx import XlsxError, iter_xlsx_rows

HEADER_SCAN_ROWS = 10
_CHUNK = 1 << 16


@dataclass
class Table:
    kind: str  # "xlsx" | "csv"
    encoding: str
    rows: Iterator[tuple[int, list]]  # (row number, cells)
    close: callable = field(default=lambda: None)


def _detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the whole stream decodes as UTF-8, UTF-16 with its BOM,
    else GB18030 (a superset of GBK and GB2312). Reads in chunks; rewinds."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "gb18030"
    stream.seek(0)
    if encoding == "gb18030":
        checker = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := stream.read(_CHUNK):
                checker.decode(chunk)
            checker.decode(b"", final=True)
        except UnicodeDecodeError:
            stream.seek(0)
            raise ValidationFailed(
                "无法识别CSV文件的编码（支持 UTF-8、带BOM的UTF-8、GBK/GB18030），请另存为UTF-8后重试"
            ) from None
        stream.seek(0)
    return encoding


def _csv_rows(stream: IO[bytes], encoding: str) -> Iterator[tuple[int, list]]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first = text.readline()
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    text.seek(0)
    try:
        yield from enumerate(csv.reader(text, delimiter=delimiter), start=1)
    except csv.Error as exc:
        raise ValidationFailed(f"CSV文件格式错误：{exc}") from None
    finally:
        text.detach()


def open_table(stream: IO[bytes], name: str) -> Table:
    """A row iterator over an XLSX or CSV stream (type from the content, not the name)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        rows = iter_xlsx_rows(stream)
        try:
            first = next(rows, None)
        except XlsxError:
            raise ValidationFailed(f"无法读取Excel文件“{name}”，请确认是 .xlsx 格式") from None
        return Table("xlsx", "", _guarded(chain([first] if first else [], rows), name))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationFailed("不支持 Excel 97-2003（.xls）格式，请另存为 .xlsx 或 CSV 后导入")
    if head.startswith(b"%PDF") or (
        b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise ValidationFailed(f"文件“{name}”不是 XLSX 或 CSV 表格")
    encoding = _detect_encoding(stream)
    return Table("csv", encoding, _csv_rows(stream, encoding))


def _guarded(rows, name: str) -> Iterator[tuple[int, list]]:
    try:
        yield from rows
    except XlsxError:
        raise ValidationFailed(f"Excel文件“{name}”内容损坏，无法读取") from None


_BRACKETS = str.maketrans("（）【】［］", "()[][]")


def normalise_heading(text) -> str:
    """A heading as matched: no spaces or line breaks, no required mark, half-width brackets."""
    value = text_of(text).translate(_BRACKETS)
    value = re.sub(r"\s+", "", value).lstrip("*＊").rstrip("*＊")
    return value


def _heading_keys(spec: FieldSpec) -> set[str]:
    names = {spec.label, spec.name, *spec.rules.get("header_aliases", ())}
    if spec.unit:
        names.add(f"{spec.label}({spec.unit})")
    return {normalise_heading(n) for n in names}


def _strip_unit(heading: str) -> str:
    return re.sub(r"\([^()]*\)$", "", heading)


@dataclass
class HeaderMap:
    row: int
    columns: dict[str, int]  # field name → column index
    unknown: list[str]  # headings that match no field (ignored)
    missing: list[FieldSpec]  # fields without a column


def find_header(
    rows: Iterator[tuple[int, list]], specs: list[FieldSpec]
) -> tuple[HeaderMap, list[tuple[int, list]]]:
    """Find the header row among the first rows (a merged title row above it is skipped) and map
    each column to a field by name. Returns the map and the rows read past the header (to be
    processed as data)."""
    keys = {spec.name: _heading_keys(spec) for spec in specs}
    best: tuple[int, int, list] | None = None  # (matches, row number, cells)
    seen: list[tuple[int, list]] = []
    for number, cells in rows:
        seen.append((number, cells))
        headings = [normalise_heading(c) for c in cells]
        matches = sum(
            1 for h in headings if h and any(h in k or _strip_unit(h) in k for k in keys.values())
        )
        if matches and (best is None or matches > best[0]):
            best = (matches, number, cells)
        if (best and matches == len(specs)) or len(seen) >= HEADER_SCAN_ROWS:
            break
    if best is None:
        labels = "、".join(s.label for s in specs[:6])
        raise ValidationFailed(f"没有找到表头行：前{HEADER_SCAN_ROWS}行中没有“{labels}”等列名")
    _, header_row, cells = best
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        heading = normalise_heading(cell)
        if not heading:
            continue
        for spec in specs:
            if spec.name in columns:
                continue
            k = keys[spec.name]
            if heading in k or _strip_unit(heading) in k:
                columns[spec.name] = index
                break
        else:
            unknown.append(text_of(cell))
    missing = [s for s in specs if s.name not in columns]
    rest = [(n, c) for n, c in seen if n > header_row]
    return HeaderMap(header_row, columns, unknown, missing), rest
