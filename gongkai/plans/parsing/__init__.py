"""The work-plan parser: a division-of-labour plan (分工方案) → leaf task items.

Pure Python (no Django). Entry points::

    parse_text(text, known_units=())       # plain text
    parse_docx(path_or_file, known_units=())
    parse_xlsx(path_or_file, known_units=())
    parse_file(path_or_file, known_units=())  # sniffs the content: DOCX, XLSX or text

Each returns a :class:`ParseResult` whose ``to_dict()`` is
``{"items": [{"path", "title", "text", "lead_units", "units", "timing", "rules", "source"}],
"warnings"}``: ``timing`` lists every phrase found, ``rules`` the effective rule set.
Anything that cannot be read raises :class:`PlanParseError` with a Chinese message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import files
from .blocks import Block
from .model import ParsedItem, ParseResult, PlanParseError, Section, all_unit_names
from .outline import OutlineBuilder, known_set, merge_wrapped
from .text import read_text
from .timing import describe

__all__ = [
    "ParseResult",
    "ParsedItem",
    "PlanParseError",
    "Section",
    "all_unit_names",
    "describe",
    "parse_docx",
    "parse_file",
    "parse_text",
    "parse_xlsx",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _guarded(what: str, fn: Callable[[], T]) -> T:
    """Run ``fn``; any failure other than PlanParseError becomes one (with the cause chained)."""
    try:
        return fn()
    except PlanParseError:
        raise
    except RecursionError as exc:
        raise PlanParseError(f"{what}结构过于复杂，无法解析") from exc
    except Exception as exc:
        log.warning("plan parser failed on %s", what, exc_info=True)
        raise PlanParseError(f"{what}无法解析：文件可能已损坏或格式不受支持") from exc


def _build(blocks: list[Block], known_units: Iterable[str]) -> ParseResult:
    return _checked(OutlineBuilder(known_set(known_units)).build(blocks))


def _parse_text(text: str, known_units: Iterable[str] = ()) -> ParseResult:
    if not text.strip():
        raise PlanParseError("内容为空：没有可以解析的文字")
    known = known_set(known_units)
    return _checked(OutlineBuilder(known).build(merge_wrapped(read_text(text, known))))


def _checked(result: ParseResult) -> ParseResult:
    """Refuse a document that is no plan: not one item names a unit or a time."""
    if not result.items or any(item.units or item.timing for item in result.items):
        return result
    count = len(result.items)
    sample = "、".join(f"“{item.title[:12]}”" for item in result.items[:3])
    raise PlanParseError(
        f"这不像一份工作方案：找到{count}段文字（如{sample}），但没有一项写明责任单位或完成时限。"
        "请确认文件是分工方案，任务后应注明责任单位（如“（责任单位：区财政局）”）或完成时限"
    )


def parse_text(text: str, *, known_units: Iterable[str] = ()) -> ParseResult:
    """Parse a plan given as plain text (tables flattened with pipes, tabs or one cell a line)."""
    if not isinstance(text, str):
        raise PlanParseError("内容无法识别：应为文字")
    return _guarded("文本", lambda: _parse_text(text, known_units))


def _binary(source: Any, kind: str) -> bytes:
    data = files.read_bytes(source)
    found = files.sniff(data)
    if found != kind:
        name = "DOCX" if kind == files.DOCX else "XLSX"
        raise PlanParseError(f"文件无法识别：不是有效的 {name} 文件")
    return data


def parse_docx(path_or_file: Any, *, known_units: Iterable[str] = ()) -> ParseResult:
    """Parse a Word (DOCX) plan: numbered paragraphs and/or plan tables."""
    from .docx_reader import read_docx

    data = _binary(path_or_file, files.DOCX)
    return _guarded("DOCX 文件", lambda: _build(read_docx(data), known_units))


def parse_xlsx(path_or_file: Any, *, known_units: Iterable[str] = ()) -> ParseResult:
    """Parse an Excel (XLSX) plan: every sheet with a recognisable header row."""
    from .xlsx_reader import read_xlsx

    data = _binary(path_or_file, files.XLSX)
    return _guarded("XLSX 文件", lambda: _build(read_xlsx(data), known_units))


def parse_file(path_or_file: Any, *, known_units: Iterable[str] = ()) -> ParseResult:
    """Parse a plan file of any supported kind; the kind comes from the bytes, not the name."""
    data = files.read_bytes(path_or_file)
    kind = files.sniff(data)
    if kind == files.DOCX:
        return parse_docx(data, known_units=known_units)
    if kind == files.XLSX:
        return parse_xlsx(data, known_units=known_units)
    text = files.decode_text(data)
    return parse_text(text, known_units=known_units)
