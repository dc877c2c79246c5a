"""Tables flattened to text whose rows cannot be trusted: a stream of cells after a header.

Web pages copied as text lose a table's row structure in several ways: one cell per line
(ending in `` |``, separated by lone ``|`` lines or by blank lines), rows whose row-spanning
cells are missing (a group cell shown only on a group's first row, a unit cell shown only on
the first of the rows it covers), headers broken over two lines. This reader therefore does not
rely on rows. It reads the cells in order and recognises, by content and by the header's column
order, where an item starts:

- a bare number cell (序号) starts a row;
- a numbered cell (一、 （一） 1.) is a group when the next cell is a deeper-numbered or an
  unnumbered task cell, otherwise it is the item's text;
- an unnumbered cell that reads as task text (not a unit list, not a deadline) after an item's
  unit or deadline cells starts the next item; when another task cell follows it directly, it
  is a group (a merged 工作任务 cell) or the item's title.

The cells after an item's text fill the columns after the task column in header order; when
fewer cells than columns are there, deadline-like cells go to the deadline column and the unit
cells fill the *last* unit columns. A unit or deadline column without a cell inherits the value
of the item above (the cell above spans the row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import numbering, timing, trailers
from .model import ParsedItem, Section
from .tables import (
    DEADLINE,
    LEAD_COL,
    NUMBER,
    SECTION,
    SUPPORT_COL,
    TASK_ROLES,
    UNITS_COL,
    TableOutcome,
    deadline_phrase,
    unit_cell,
)
from .titles import first_clause, strip_end
from .trailers import LEAD, RESPONSIBLE, SUPPORT, Units
from .unitnames import UNIT_SUFFIXES, is_unit_like, strip_unit_name

_BARE_NUMBER = re.compile(r"^\d{1,3}\s*[.、．]?$")
_DATE_LIKE = re.compile(
    r"^(?:(?:20\d{2}|今|本|明)年)?(?:\d{1,2}月(?:\d{1,2}日)?|[一二三四1-4]季度|年|上半年|下半年)?"
    r"(?:底|末|中|内|前|之前|以前|止|完成)*$"
)
_DEADLINE_WORDS = re.compile(
    r"长期|持续|常态|全年|每月|每季|每年|每半年|按月|按季|按年|定期|及时|实时|年底|年内|月底|日前"
    r"|工作日|之日起|批复后|随时|动态|阶段|完成"
)
_UNNUMBERED = 10.0  # the rank of a group cell without numbering: below every numbered level
_ROLE_OF_COL = {LEAD_COL: LEAD, UNITS_COL: RESPONSIBLE, SUPPORT_COL: SUPPORT}


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class _Row:
    number: str | None = None
    heads: list[Cell] = field(default_factory=list)  # task-like cells before the trailing cells
    trailing: list[Cell] = field(default_factory=list)
    leading: list[Cell] = field(default_factory=list)  # unit/time cells left of the task


def is_deadline_like(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) > 40 or "。" in compact:
        return False
    if _DATE_LIKE.match(compact) and re.search(r"\d|年|季|月", compact):
        return True
    if len(compact) <= 12 and _DEADLINE_WORDS.search(compact):
        return True
    return bool(timing.detect(compact)) and len(compact) <= 20


def is_unit_cell(text: str, known: frozenset[str]) -> bool:
    """Whether a cell reads as a list of units (with or without role verbs)."""
    text = text.strip()
    if not text or len(text) > 400 or "。" in text:
        return False
    if re.search(r"[，,；;]", text) is None and len(text) > 40:
        return False
    found = trailers.parse_units(text, known=known, allow_bare=True)
    if found is None:
        return False
    names = [n for n, _ in found.entries]
    liked = sum(1 for n in names if is_unit_like(n, known))
    return liked * 2 >= len(names)


_LOOSE_DEADLINE = re.compile(
    r"^(?:\d{4}\s*年|\d{1,2}\s*月|[今本明当]年|每|按|长期|持续|常态|全年|随时|及时|定期|实时|即时"
    r"|年底|年内|年中|年末|[一二三四1-4]季度|上半年|下半年|\d{4}[-./]\d)"
)


def loose_deadline(text: str) -> bool:
    """A cell in the 时限 column's place that reads as a time, even outside the lexicon
    (2020年10月底, 长期推进, 2021年2月公布预算信息…): it must start like one."""
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) > 60 or "。" in compact or numbering.match(compact):
        return False
    return bool(_LOOSE_DEADLINE.match(compact)) or is_deadline_like(compact)


# Multi-character endings that only unit names have; single-character ones (局, 办, 区 …)
# count only on short names without task words.
_UNIT_WORD_ENDINGS = (
    "单位", "部门", "办公室", "政府", "中心", "科室", "股室", "处室", "机构", "委员会", "管委会",
    "办事处", "领导小组", "街道", "乡镇", "社区",
)  # fmt: skip
_TASK_WORDS = re.compile(r"公开|建设|推进|做好|加强|完善|落实|开展|发布|健全|提升|强化|规范|制定")


def _unit_ending(name: str, known: frozenset[str]) -> bool:
    name, _ = trailers.strip_verbs(strip_unit_name(name))
    name = re.sub(r"（[^（）]*）$", "", strip_unit_name(name)) or name
    name = name[:-1] if len(name) > 2 and name.endswith("等") else name
    if not name or len(name) > 30:
        return False
    if is_unit_like(name, known) or name.endswith(_UNIT_WORD_ENDINGS):
        return True
    return len(name) <= 10 and name.endswith(UNIT_SUFFIXES) and not _TASK_WORDS.search(name)


def loose_units(text: str, known: frozenset[str]) -> bool:
    """A cell in a unit column's place that reads as a list of units (any names)."""
    text = text.strip()
    if not text or len(text) > 400 or "。" in text or numbering.match(text):
        return False
    parts = [p for p in trailers.split_depth0(text, "、，,；;/ ") if p.strip()]
    if not parts or any(len(p) > 40 for p in parts):
        return False
    liked = sum(1 for p in parts if _unit_ending(p, known))
    return liked * 2 >= len(parts)


def _task_like(text: str, known: frozenset[str]) -> bool:
    if _BARE_NUMBER.match(text):
        return False
    if numbering.match(text) is not None:
        return True
    return not is_unit_cell(text, known) and not is_deadline_like(text)


class CellTableReader:
    def __init__(self, header_roles: list[str | None], known: frozenset[str]):
        self.roles = header_roles
        self.known = known
        task_cols = [i for i, r in enumerate(header_roles) if r in TASK_ROLES]
        first_task = task_cols[0] if task_cols else 0
        last_task = task_cols[-1] if task_cols else 0
        valued = (LEAD_COL, UNITS_COL, SUPPORT_COL, DEADLINE)
        self.before = [r for r in header_roles[:first_task] if r in valued]
        self.after = [r for r in header_roles[last_task + 1 :] if r in valued]
        self.unit_cols = [r for r in (*self.before, *self.after) if r != DEADLINE]
        self.has_deadline = DEADLINE in self.after or DEADLINE in self.before
        self.has_number = NUMBER in header_roles
        self.task_columns = sum(1 for r in header_roles if r in TASK_ROLES or r == SECTION)
        self.outcome = TableOutcome()
        self.groups: list[tuple[float, str, str]] = []  # (rank, label, title)
        self.counters: dict[tuple[str, ...], int] = {}
        self.previous: dict[str, str] = {}  # column role → last value (merged cells)
        self.group_items: dict[int, list[ParsedItem]] = {}  # unnumbered group → its items
        self.group_serial = 0
        self.group_titles: dict[int, str] = {}
        self.current_group = 0

    # -- splitting the stream into rows ----------------------------------------------------

    def rows(self, cells: list[Cell]) -> list[_Row]:
        rows: list[_Row] = []
        row: _Row | None = None
        for cell in cells:
            text = cell.text
            if _BARE_NUMBER.match(text):
                number = re.sub(r"\D", "", text)
                if row is not None and row.heads and not row.trailing and row.number is None:
                    row.number = number  # 一、 / （一） group cells, then the row's 序号
                else:
                    row = _Row(number=number)
                    rows.append(row)
                continue
            task = _task_like(text, self.known)
            leading = row is None or not row.heads or self._full(row)
            if task and not numbering.match(text):
                expected = self._expected(row) if row is not None else None
                if expected is None and leading and self.before:
                    start = len(row.leading) if row is not None and not row.heads else 0
                    expected = self.before[start] if start < len(self.before) else None
                task = not self._fits(expected, text)
            if task:
                if (
                    row is None
                    or row.trailing
                    or (row.heads and self._ends_item(row.heads[-1], text))
                ):
                    row = _Row()
                    rows.append(row)
                row.heads.append(cell)
            elif row is not None and row.heads and not (self.before and self._full(row)):
                row.trailing.append(cell)
            elif self.before:
                # a unit or time column left of the task column: it opens the next row
                if row is None or row.heads:
                    row = _Row()
                    rows.append(row)
                row.leading.append(cell)
            # else: a unit or deadline cell before any task cell is stray
        return [r for r in rows if r.heads]

    def _full(self, row: _Row) -> bool:
        return len(row.trailing) >= len(self.after)

    def _expected(self, row: _Row) -> str | None:
        """The column the next trailing cell of ``row`` would fill, if no cell is missing."""
        if row.heads and len(row.trailing) < len(self.after):
            return self.after[len(row.trailing)]
        return None

    def _fits(self, expected: str | None, text: str) -> bool:
        """Whether ``text`` reads as a value of the column ``expected`` (loosely)."""
        if expected == DEADLINE:
            return loose_deadline(text)
        if expected in (LEAD_COL, UNITS_COL, SUPPORT_COL):
            return loose_units(text, self.known)
        return False

    def _ends_item(self, previous: Cell, text: str) -> bool:
        """Does the task cell ``previous`` already end an item when ``text`` follows it?"""
        prev = numbering.match(previous.text)
        nxt = numbering.match(text)
        if prev is None:
            # an unnumbered cell followed by a task cell is a group or title cell, when the
            # header has a column for one; else the first is an item whose other cells are
            # merged with the row above
            return self.task_columns < 2
        if nxt is None:
            return False  # 一、Group | text
        return nxt.rank <= prev.rank  # （二）… after （一）…: two items

    # -- reading the rows ---------------------------------------------------------------

    def read(self, cells: list[Cell]) -> TableOutcome:
        for row in self.rows(cells):
            self._row(row)
        # An unnumbered group cell over a single item is that item's task name (title).
        for serial, items in self.group_items.items():
            if len(items) == 1:
                items[0].title = self.group_titles[serial]
        return self.outcome

    def _push_group(self, cell: Cell) -> None:
        marker = numbering.match(cell.text)
        if marker is not None:
            rank, label, title = marker.rank, marker.label, strip_end(marker.rest)
        else:
            # an unnumbered group replaces any unnumbered group before it
            rank, label, title = _UNNUMBERED, "", strip_end(cell.text)
            self.group_serial += 1
            self.group_titles[self.group_serial] = title
            self.group_items[self.group_serial] = []
            self.current_group = self.group_serial
        while self.groups and self.groups[-1][0] >= rank:
            self.groups.pop()
        self.groups.append((rank, label, title))
        path = [g[1] for g in self.groups if g[1]]
        self.outcome.sections.append(Section(path, title, {"line": cell.line}))

    def _row(self, row: _Row) -> None:
        *group_cells, own = row.heads
        for cell in group_cells:
            self._push_group(cell)
        # the item's own numbered text ends any group of the same or a deeper rank
        marker = numbering.match(own.text)
        text = own.text
        label = row.number
        if marker is not None and marker.rest.strip():
            # it ends numbered groups of its rank or deeper, not an unnumbered group cell
            self.groups = [g for g in self.groups if g[0] == _UNNUMBERED or g[0] < marker.rank]
            label = label or marker.label
            text = marker.rest
        prefix = [g[1] for g in self.groups if g[1]]
        if label is None:
            key = tuple(prefix)
            self.counters[key] = self.counters.get(key, 0) + 1
            label = str(self.counters[key])
        values = self._assign(row)
        units = Units()
        for role in (LEAD_COL, UNITS_COL, SUPPORT_COL):
            for value in values.get(role, []):
                units.extend(unit_cell(value, _ROLE_OF_COL[role], self.known))
        clean, own_units = trailers.extract(text, self.known)
        units.extend(own_units)
        deadline = "；".join(values.get(DEADLINE, []))
        due = deadline_phrase(deadline)
        due = "；".join(x for x in (due, *units.deadlines) if x)
        rhythm = timing.with_explicit(due, clean)
        body = clean
        if deadline:
            body = f"{clean}\n完成时限：{deadline}"
        item = ParsedItem(
            path=[*prefix, label],
            title=first_clause(clean),
            text=body,
            lead_units=units.lead,
            units=units.all,
            timing=rhythm,
            source={"line": own.line},
        )
        self.outcome.items.append(item)
        if self.current_group and any(g[0] == _UNNUMBERED for g in self.groups):
            self.group_items[self.current_group].append(item)

    def _assign(self, row: _Row) -> dict[str, list[str]]:
        """Leading and trailing cells → {column role: [values]}, inheriting what a merged
        cell above covers."""
        out: dict[str, list[str]] = {}
        for cells, cols in ((row.leading, self.before), (row.trailing, self.after)):
            for role, values in self._place([c.text for c in cells], cols).items():
                out.setdefault(role, []).extend(values)
        # Columns without a cell are covered by the cell above: inherit it.
        for role in {*self.unit_cols, *([DEADLINE] if self.has_deadline else [])}:
            if role in out:
                self.previous[role] = "\u0000".join(out[role])
            elif role in self.previous:
                out[role] = self.previous[role].split("\u0000")
        return out

    def _place(self, texts: list[str], cols: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if not texts or not cols:
            return out
        if len(texts) >= len(cols):
            for role, value in zip(cols, texts, strict=False):
                out.setdefault(role, []).append(value)
            return out
        deadlines = [t for t in texts if DEADLINE in cols and is_deadline_like(t)]
        unit_texts = [t for t in texts if t not in deadlines]
        if deadlines:
            out[DEADLINE] = deadlines
        unit_cols = [c for c in cols if c != DEADLINE]
        if not unit_cols:
            return out
        # the visible cells are the last ones: the first are covered by merged cells above
        placed = unit_cols[-len(unit_texts) :] if unit_texts else []
        if len(unit_texts) > len(unit_cols):
            placed = [unit_cols[-1]] * len(unit_texts)
        for role, value in zip(placed, unit_texts, strict=False):
            out.setdefault(role, []).append(value)
        return out
