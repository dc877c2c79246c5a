"""DOCX → blocks: paragraphs (with Word's automatic numbering written out) and tables."""

from __future__ import annotations

import io
import re
from typing import Any

from .blocks import Block, Line, Table
from .normalize import clean_line, normalize_text
from .numbering import int_to_cn

_CN_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "ideographTraditional",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "chineseLegalSimplified",
    "ideographLegalTraditional",
}


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _format(fmt: str, n: int) -> str:
    if fmt in _CN_FORMATS:
        return int_to_cn(n)
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in {"lowerLetter", "upperLetter"} and 1 <= n <= 26:
        base = "a" if fmt == "lowerLetter" else "A"
        return chr(ord(base) + n - 1)
    return str(n)


class AutoNumbering:
    """Writes out the labels Word draws for numbered paragraphs (一、 （一） 1. …)."""

    def __init__(self, document: Any):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part, or one python-docx cannot read
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(_qn("w:abstractNum")):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in node.findall(_qn("w:lvl")):
                ilvl = int(lvl.get(_qn("w:ilvl"), "0"))
                fmt = _val(lvl, "w:numFmt") or "decimal"
                text = _val(lvl, "w:lvlText") or ""
                start = int(_val(lvl, "w:start") or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[node.get(_qn("w:abstractNumId"), "")] = levels
        for num in root.findall(_qn("w:num")):
            ref = _val(num, "w:abstractNumId")
            self.levels[num.get(_qn("w:numId"), "")] = dict(abstract.get(ref or "", {}))

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = _num_pr(paragraph)
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        fmt, text, start = levels[ilvl]
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        if fmt in {"bullet", "none"} or not text:
            return ""

        def level_value(m: re.Match[str]) -> str:
            level = int(m.group(1)) - 1
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            value = counters[level] if 0 <= level < len(counters) else None
            return _format(lfmt, value if value is not None else lstart)

        return re.sub(r"%(\d)", level_value, text)


def _val(node: Any, tag: str) -> str | None:
    child = node.find(_qn(tag))
    return None if child is None else child.get(_qn("w:val"))


def _num_pr(paragraph: Any) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph, or else from its style chain."""
    candidates = [paragraph._p.pPr]
    style = None
    try:
        style = paragraph.style
    except Exception:  # a style id that does not resolve
        style = None
    depth = 0
    while style is not None and depth < 10:
        candidates.append(style.element.pPr)
        style = style.base_style
        depth += 1
    for ppr in candidates:
        if ppr is None or ppr.numPr is None:
            continue
        num_pr = ppr.numPr
        num_id = num_pr.numId.val if num_pr.numId is not None else None
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        if num_id is not None:
            return str(num_id), int(ilvl)
    return None, 0


_SKIP_UNDER = ("w:txbxContent", "w:del", "w:moveFrom")


def paragraph_text(p: Any) -> str:
    """The visible text of a ``w:p``: runs, hyperlinks, fields and tracked insertions; tabs and
    breaks as whitespace; nothing from deleted text, text boxes or fallback copies."""
    text_tag, tab_tag = _qn("w:t"), _qn("w:tab")
    breaks = {_qn("w:br"), _qn("w:cr")}
    skip = {_qn(t) for t in _SKIP_UNDER} | {
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    }
    parts: list[str] = []
    for el in p.iter(text_tag, tab_tag, *breaks):
        parent = el.getparent()
        hidden = False
        while parent is not None and parent is not p:
            if parent.tag in skip:
                hidden = True
                break
            parent = parent.getparent()
        if hidden:
            continue
        if el.tag == text_tag:
            parts.append(el.text or "")
        elif el.tag == tab_tag:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(_qn("w:p")) if _owned_by(p, tc))


def _owned_by(p: Any, tc: Any) -> bool:
    """A paragraph of this cell, not of a table nested in it."""
    parent = p.getparent()
    while parent is not None and parent is not tc:
        if parent.tag == _qn("w:tc"):
            return False
        parent = parent.getparent()
    return True


def table_grid(table: Any) -> list[list[str]]:
    """Cell texts on the layout grid; merged cells repeat their text in every grid position."""
    rows: list[list[str]] = []
    for tr in table._tbl.tr_lst:
        row: list[str] = []
        col = getattr(tr, "grid_before", 0) or 0
        row.extend([""] * col)
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span or 1)
            if tc.vMerge == "continue":
                above = rows[-1] if rows else []
                text = above[col] if col < len(above) else ""
            else:
                text = _clean_cell(_cell_text(tc))
            row.extend([text] * span)
            col += span
        rows.append(row)
    return rows


def _clean_cell(text: str) -> str:
    lines = [clean_line(x) for x in normalize_text(text).split("\n")]
    return "\n".join(x for x in lines if x)


def body_elements(container: Any):
    """``w:p`` and ``w:tbl`` in reading order, looking inside content controls."""
    wrappers = {_qn("w:sdt"), _qn("w:sdtContent"), _qn("w:customXml")}
    for child in container.iterchildren():
        if child.tag in (_qn("w:p"), _qn("w:tbl")):
            yield child
        elif child.tag in wrappers:
            yield from body_elements(child)


def read_docx(data: bytes) -> list[Block]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    numbering = AutoNumbering(document)
    blocks: list[Block] = []
    paragraphs = tables = 0
    for element in body_elements(document.element.body):
        if element.tag == _qn("w:tbl"):
            tables += 1
            rows = table_grid(DocxTable(element, document))
            sources = [{"table": tables, "row": r} for r in range(1, len(rows) + 1)]
            blocks.append(Table(rows, sources, name=f"表{tables}", merged_filled=True))
            continue
        paragraphs += 1
        text = numbering.label(Paragraph(element, document)) + paragraph_text(element)
        for part in normalize_text(text).split("\n"):
            blocks.append(Line(clean_line(part), {"paragraph": paragraphs}))
    return blocks
