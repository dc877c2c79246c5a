"""From lines and tables to an outline tree, and from its leaves to task items."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import numbering, timing, trailers
from .blocks import Block, Line, Table
from .model import ParsedItem, ParseResult, Section, describe_source
from .normalize import compact, normalize_text
from .numbering import Marker
from .tables import TableOutcome, parse_table
from .titles import first_clause, is_heading_like, strip_end
from .trailers import Units

# A paragraph that introduces the plan rather than being a task.
_PREAMBLE = re.compile(
    r"特制定|制定本方案|本方案|方案如下|如下[：:]|现将|为做好|为进一步|为深入|为贯彻|为全面|为切实"
    r"|精神|结合.{0,8}实际|印发|通知"
)
_TITLE_WORDS = re.compile(r"方案|要点|计划|安排|分工|任务|通知|清单|台账")
# Lines that close a document: 附件, 抄送, a date, a signature.
_CLOSING = re.compile(
    r"^(附件|抄送|印发|主送|联系人|联系电话|（此件|此件)|^\d{4}年\d{1,2}月\d{1,2}日$|^20\d{2}[-./]\d{1,2}[-./]\d{1,2}$"
)
_TERMINAL = "。；：！？）”」…"
# Headings of a plan's framing parts, which hold no task of their own.
_FRAMING = re.compile(
    r"^(?:总体要求|指导思想|基本原则|工作原则|总体目标|工作目标|主要目标|目标任务|保障措施|工作要求"
    r"|组织保障|组织领导|工作保障|有关要求|相关要求|其他要求|工作步骤|实施步骤|背景|依据)$"
)
_WRAP_MIN = 28
MAX_WARNINGS = 200


@dataclass
class _Para:
    text: str  # trailers removed
    units: Units
    source: dict[str, Any]


@dataclass
class _Node:
    label: str
    rank: float
    marker: Marker | None
    source: dict[str, Any]
    parent: _Node | None = None
    heading: _Para | None = None
    paras: list[_Para] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    extra: Units = field(default_factory=Units)  # from separate trailer lines
    table: TableOutcome | None = None  # set on a node that stands for a table
    closed: bool = False  # its heading, a body paragraph or a trailer line gave the units

    def own_units(self) -> Units:
        units = Units()
        for para in ([self.heading] if self.heading else []) + self.paras:
            units.extend(para.units)
        units.extend(self.extra)
        return units

    def path(self) -> list[str]:
        labels: list[str] = []
        node: _Node | None = self
        while node is not None and node.parent is not None:
            labels.append(node.label)
            node = node.parent
        return labels[::-1]


def known_set(known_units: Iterable[str]) -> frozenset[str]:
    return frozenset(compact(normalize_text(str(u))) for u in known_units if str(u).strip())


def merge_wrapped(blocks: list[Block]) -> list[Block]:
    """Join lines that a PDF copy or an e-mail wrapped in the middle of a paragraph."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if not isinstance(block, Line | Table):
            out.append(block)
            continue
        if (
            isinstance(block, Line)
            and isinstance(prev, Line)
            and prev.text
            and block.text
            and not block.indented
            and len(prev.text) >= _WRAP_MIN
            and prev.text[-1] not in _TERMINAL
            and numbering.match(block.text) is None
            and not _is_heading_line(prev.text)
            and trailers.trailer_line(block.text) is None
            and trailers.trailer_line(prev.text) is None
        ):
            out[-1] = Line(prev.text + block.text, prev.source, prev.indented)
        else:
            out.append(block)
    return out


def _is_heading_line(text: str) -> bool:
    """A numbered line without a clause break is a heading, even a long one: never wrapped."""
    return numbering.match(text) is not None and not re.search("[，；]", text)


class OutlineBuilder:
    def __init__(self, known: frozenset[str]):
        self.known = known
        self.result = ParseResult()
        self.root = _Node(label="", rank=float("-inf"), marker=None, source={})
        self.suppressed = 0

    def warn(self, message: str) -> None:
        if message in self.result.warnings:
            return
        if len(self.result.warnings) >= MAX_WARNINGS:
            self.suppressed += 1
            return
        self.result.warnings.append(message)

    # -- pass 1: markers ----------------------------------------------------------------

    def _markers(self, blocks: list[Block]) -> list[Marker | None]:
        markers: list[Marker | None] = []
        for block in blocks:
            marker = None
            if isinstance(block, Line) and block.text:
                marker = numbering.match(block.text)
                if marker is None and numbering.looks_like_unknown_numbering(block.text):
                    self.warn(
                        f"{describe_source(block.source)}：未识别的编号“{block.text[:6]}…”，按正文处理"
                    )
            markers.append(marker)
        self._fix_top_level(blocks, markers)
        return markers

    def _fix_top_level(self, blocks: list[Block], markers: list[Marker | None]) -> None:
        """Read ``2、`` written among ``一、`` and ``三、`` as the top-level heading 二."""
        seq = [(i, m) for i, m in enumerate(markers) if m is not None]
        last_cn: int | None = None
        since_cn: list[Marker] = []
        for pos, (i, m) in enumerate(seq):
            if m.kind == numbering.CN:
                last_cn, since_cn = m.value, []
                continue
            if m.kind == numbering.PART:
                last_cn, since_cn = None, []
                continue
            if last_cn is not None and m.value == last_cn + 1:
                nxt = seq[pos + 1][1] if pos + 1 < len(seq) else None
                restart = nxt is not None and nxt.rank <= m.rank and nxt.value == 1
                next_cn = next((x for _, x in seq[pos + 1 :] if x.kind == numbering.CN), None)
                natural = any(x.kind == m.kind and x.value == m.value - 1 for x in since_cn)
                skips = next_cn is not None and next_cn.value == m.value + 1
                if restart or (skips and not natural):
                    fixed = numbering.as_top_level(m)
                    markers[i] = fixed
                    block = blocks[i]
                    self.warn(
                        f"{describe_source(block.source)}：编号“{m.written}”与上下文不符，"
                        f"按一级标题“{fixed.label}、”处理"
                    )
                    last_cn, since_cn = m.value, []
                    continue
            since_cn.append(m)

    # -- pass 2: the tree ---------------------------------------------------------------

    def _para(self, text: str, source: dict[str, Any]) -> _Para:
        clean, units = trailers.extract(text, self.known)
        return _Para(clean, units, source)

    def _tables(self, blocks: list[Block]) -> list[Block | TableOutcome]:
        """Parse tables; a table without a plan header is read as its cells' lines."""
        out: list[Block | TableOutcome] = []
        for block in blocks:
            if isinstance(block, Line | TableOutcome):
                out.append(block)
                continue
            outcome = parse_table(block, self.known)
            if outcome is not None:
                out.append(outcome)
                continue
            out.extend(table_lines(block))
        return out

    def build(self, blocks: list[Block]) -> ParseResult:
        flat = self._tables(blocks)
        lines_only = [b for b in flat if isinstance(b, Line)]
        markers = iter(self._markers(lines_only))
        has_markers = False
        entries: list[tuple[Line | TableOutcome, Marker | None]] = []
        for b in flat:
            marker = next(markers) if isinstance(b, Line) else None
            has_markers = has_markers or marker is not None
            entries.append((b, marker))
        has_tables = any(isinstance(b, TableOutcome) and b.items for b in flat)
        if not has_markers and not has_tables:
            self._paragraph_items(lines_only)
        else:
            self._tree(entries)
            self._leaves()
        if not self.result.items:
            self.warn("未识别出任何工作任务")
        if self.suppressed:
            self.result.warnings.append(f"另有{self.suppressed}条提示未列出")
        return self.result

    def _tree(self, entries: list[tuple[Line | TableOutcome, Marker | None]]) -> None:
        stack: list[_Node] = [self.root]
        current: _Node | None = None
        pending: list[_Para] = []
        for block, marker in entries:
            if isinstance(block, TableOutcome):
                if current is not None and pending:
                    current.paras.extend(pending)
                parent = stack[-1]
                node = _Node("", parent.rank, None, {}, parent=parent, table=block)
                parent.children.append(node)
                for w in block.warnings:
                    self.warn(w)
                current = parent
                pending = []
                continue
            if not block.text:
                continue
            if marker is not None:
                if current is not None and pending:
                    current.paras.extend(pending)
                pending = []
                while stack[-1].rank >= marker.rank:
                    stack.pop()
                parent = stack[-1]
                node = _Node(marker.label, marker.rank, marker, block.source, parent=parent)
                node.heading = self._para(marker.rest, block.source)
                node.closed = bool(node.heading.units)
                parent.children.append(node)
                stack.append(node)
                current = node
                continue
            if current is None:
                continue  # title and preamble before the first heading
            units = trailers.trailer_line(block.text, self.known)
            if units:
                self._attach_trailer(current, units, block.text)
                continue
            for piece in trailers.split_at_trailers(block.text, self.known):
                para = self._para(piece, block.source)
                if current.closed:
                    pending.append(para)
                else:
                    current.paras.append(para)
                    current.closed = bool(para.units)
        if pending and current is not None:
            self._tail(current, pending)

    def _tail(self, current: _Node, pending: list[_Para]) -> None:
        """Paragraphs after the last item's trailer: its text when it has none yet (the
        trailer was on its heading), else closing matter (signature, date, 附件)."""
        kept = [p for p in pending if not _is_closing(p.text)]
        if kept and not current.paras:
            current.paras.extend(kept)
            return
        if kept:
            where = describe_source(kept[0].source)
            self.warn(f"{where}起的{len(kept)}段文字位于最后一项任务之后，未归入任何任务")

    def _attach_trailer(self, current: _Node, units: Units, text: str) -> None:
        """A separate trailer line belongs to the item above, or with 以上/上述 to its group."""
        target = current
        if trailers.is_group_trailer(text) and current.parent is not None:
            target = current.parent
        target.extra.extend(units)
        current.closed = True

    # -- pass 3: the leaves -------------------------------------------------------------

    def _inherited(self, node: _Node) -> Units:
        ancestor = node.parent
        while ancestor is not None:
            units = ancestor.own_units()
            if units:
                return units
            ancestor = ancestor.parent
        return Units()

    def _leaves(self) -> None:
        top = self.root.children
        top_rank = min((n.rank for n in top if n.table is None), default=None)
        areas = (
            top_rank is not None
            and top_rank <= numbering.RANKS[numbering.CN]
            and any(n.children for n in top if n.rank == top_rank and n.table is None)
        )
        for node in _walk(self.root):
            if node.table is not None:
                self._table_items(node)
                continue
            if node.children:
                self._section(node, node.heading.text if node.heading else "")
                continue
            self._leaf(node, area=areas and node.rank == top_rank)
        self._check_sequences(self.root)

    def _section(self, node: _Node, heading: str) -> None:
        title = strip_end(heading)
        if title:
            self.result.sections.append(Section(node.path(), title, dict(node.source)))

    def _clauses(self, node: _Node) -> bool:
        """A heading over several paragraphs that each end in their own responsibility
        clause: one item per clause (paths …, 1, 2 …), the heading a section."""
        if sum(1 for p in node.paras if p.units) < 2:
            return False
        chunks: list[list[_Para]] = [[]]
        for para in node.paras:
            if chunks[-1] and chunks[-1][-1].units:
                chunks.append([])
            chunks[-1].append(para)
        heading = node.heading.text if node.heading else ""
        self._section(node, heading)
        inherited = (node.heading.units if node.heading else Units()) or self._inherited(node)
        for number, chunk in enumerate(chunks, start=1):
            text = "\n".join(p.text for p in chunk if p.text)
            units = Units()
            for para in chunk:
                units.extend(para.units)
            units = units or inherited
            deadline = "；".join(units.deadlines)
            rhythm = timing.with_explicit(deadline, text)
            item = ParsedItem(
                [*node.path(), str(number)],
                first_clause(text),
                text,
                units.lead,
                units.all,
                rhythm,
                dict(chunk[0].source),
            )
            self._add(item)
        return True

    def _leaf(self, node: _Node, *, area: bool) -> None:
        if self._clauses(node):
            return
        heading = node.heading.text if node.heading else ""
        body = "\n".join(p.text for p in node.paras if p.text)
        if area and body:
            self._section(node, heading)
            title, text = first_clause(body), body
        elif body and node.heading is not None and node.heading.units:
            # "1.做好A工作。（责任单位：X）" then more text: the heading is part of the task.
            title, text = first_clause(heading), f"{heading}\n{body}"
        elif body:
            if not heading or is_heading_like(heading):
                title, text = strip_end(heading) or first_clause(body), body
            else:
                title, text = first_clause(heading), f"{heading}\n{body}"
        else:
            title, text = first_clause(heading), heading
        path = node.path()
        where = describe_source(node.source)
        if not title and not text:
            self.warn(f"{where}：“{' '.join(path)}”没有内容，已跳过")
            return
        own = node.own_units()
        units = own or self._inherited(node)
        deadline = "；".join(own.deadlines)
        rhythm = timing.with_explicit(deadline, "\n".join(t for t in (heading, body) if t))
        if deadline:
            text = f"{text}\n完成时限：{deadline}"
        if not units and not rhythm and _FRAMING.match(strip_end(heading)):
            # 一、总体要求 / 四、保障措施: a framing part of the plan, not a task
            self._section(node, heading)
            return
        item = ParsedItem(path, title, text, units.lead, units.all, rhythm, dict(node.source))
        self._add(item)

    def _table_items(self, node: _Node) -> None:
        assert node.table is not None
        prefix = node.parent.path() if node.parent else []
        inherited = None
        for section in node.table.sections:
            self.result.sections.append(
                Section([*prefix, *section.path], section.title, section.source)
            )
        for item in node.table.items:
            item.path = [*prefix, *item.path]
            if not item.units:
                inherited = inherited if inherited is not None else self._inherited(node)
                item.lead_units, item.units = inherited.lead, inherited.all
            self._add(item)

    def _add(self, item: ParsedItem) -> None:
        if not item.units:
            where = describe_source(item.source)
            self.warn(f"{where}：任务“{' '.join(item.path)} {item.title[:20]}”未找到责任单位")
        self.result.items.append(item)

    def _check_sequences(self, node: _Node) -> None:
        expected: dict[str, int] = {}
        for child in node.children:
            m = child.marker
            if m is None:
                continue
            want = expected.get(m.kind, 1)
            if m.value != want and m.kind != numbering.DECIMAL:
                self.warn(
                    f"{describe_source(child.source)}：编号“{m.label}”不连续（应为第{want}项）"
                )
            expected[m.kind] = m.value + 1
            self._check_sequences(child)

    # -- documents without numbering -----------------------------------------------------

    def _paragraph_items(self, lines: list[Line]) -> None:
        items: list[tuple[Line, _Para]] = []
        for line in lines:
            if not line.text:
                continue
            units = trailers.trailer_line(line.text, self.known)
            if units and items:
                if trailers.is_group_trailer(line.text):
                    for _, p in items:
                        if not p.units:
                            p.units.extend(units)
                else:
                    items[-1][1].units.extend(units)
                continue
            for piece in trailers.split_at_trailers(line.text, self.known):
                items.append((line, self._para(piece, line.source)))
        # Drop the title and the introduction, and the closing lines.
        with_units = any(p.units for _, p in items)
        while items and not items[0][1].units and _is_preamble(items[0][1].text, with_units):
            items.pop(0)
        while items and not items[-1][1].units and _is_closing(items[-1][1].text):
            items.pop()
        number = 0
        for line, para in items:
            if not para.text:
                continue
            number += 1
            item = ParsedItem(
                path=[str(number)],
                title=first_clause(para.text),
                text=para.text,
                lead_units=para.units.lead,
                units=para.units.all,
                timing=timing.with_explicit("；".join(para.units.deadlines), para.text),
                source=dict(line.source),
            )
            self._add(item)


def _is_preamble(text: str, others_have_units: bool) -> bool:
    if _PREAMBLE.search(text):
        return True
    if text[-1:] not in "。；！？）" and len(text) <= 40 and _TITLE_WORDS.search(text):
        return True
    return others_have_units and len(text) <= 40 and text[-1:] not in "。；！？）"


def _is_closing(text: str) -> bool:
    """附件, 抄送, a date, or a signature (a short line without sentence punctuation)."""
    if _CLOSING.search(text):
        return True
    return len(text) <= 30 and not any(ch in text for ch in "。；！？，")


def _walk(node: _Node) -> Iterable[_Node]:
    for child in node.children:
        yield child
        if child.children:
            yield from _walk(child)


def table_lines(table: Table) -> list[Line]:
    """The text of a table that is not a plan table, one line per cell line."""
    lines: list[Line] = []
    for row, source in zip(table.rows, table.sources, strict=False):
        previous = None
        for cell in row:
            if cell == previous:
                continue  # a merged cell repeated across the row
            previous = cell
            for part in cell.split("\n"):
                part = part.strip()
                if part:
                    lines.append(Line(part, dict(source)))
    return lines
