"""Result types of the plan parser: plain dataclasses, JSON-ready through ``to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class PlanParseError(ValueError):
    """The input cannot be read as a plan; the message is meant for the user (in Chinese)."""


@dataclass
class ParsedItem:
    """One leaf task of a plan."""

    path: list[str]
    title: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    timing: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)

    def rules(self) -> list[dict[str, Any]]:
        """The item's effective rule set (see :func:`timing.effective`), each with its label."""
        from .timing import describe, effective

        return [{**rule, "label": describe(rule)} for rule in effective(self.timing)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "units": list(self.units),
            "timing": [{"phrase": t["phrase"], "rule": dict(t["rule"])} for t in self.timing],
            "rules": self.rules(),
            "source": dict(self.source),
        }


@dataclass
class Section:
    """A heading that groups items (一、… or （一）… with sub-items, or a table section).

    Not part of ``ParseResult.to_dict()``; kept for callers that want to show the plan's areas.
    """

    path: list[str]
    title: str
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParseResult:
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() for item in self.items],
            "warnings": list(self.warnings),
        }


def all_unit_names(result: ParseResult) -> list[str]:
    """Every unit name mentioned by the items, in order of first appearance."""
    seen: dict[str, None] = {}
    for item in result.items:
        for name in (*item.lead_units, *item.units):
            seen.setdefault(name, None)
    return list(seen)


def describe_source(source: dict[str, Any]) -> str:
    """A short Chinese location for warnings: 第12行, 表1第3行, 工作表“任务”第4行."""
    if "sheet" in source:
        return f"工作表“{source['sheet']}”第{source.get('row', '?')}行"
    if "table" in source:
        return f"表{source['table']}第{source.get('row', '?')}行"
    if "paragraph" in source:
        return f"第{source['paragraph']}段"
    if "line" in source:
        return f"第{source['line']}行"
    return "未知位置"
