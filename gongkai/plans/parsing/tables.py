"""Plans laid out as tables: DOCX tables, XLSX sheets, and tables flattened to text.

Columns are recognised by their header (工作任务 / 具体要求 / 责任单位 / 牵头单位 / 配合单位 /
完成时限 … in any order). A section held by a merged cell only on its first row is carried down;
a row whose cells all hold the same text (a merged full-width row) opens a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import numbering, timing, trailers
from .blocks import Table
from .model import ParsedItem, Section
from .normalize import compact
from .titles import first_clause, is_heading_like, strip_end
from .trailers import LEAD, RESPONSIBLE, SUPPORT, Units

NUMBER = "number"
SECTION = "section"
TITLE = "title"
TEXT = "text"
LEAD_COL = "lead"
UNITS_COL = "units"
SUPPORT_COL = "support"
DEADLINE = "deadline"
IGNORE = "ignore"
OTHER = "other"

TASK_ROLES = {TITLE, TEXT}
UNIT_ROLES = {LEAD_COL, UNITS_COL, SUPPORT_COL}

_NUMBER_WORDS = {"序号", "编号", "序", "no", "no.", "#", "项次", "序列"}
_TITLE_WORDS = {
    "工作事项",
    "事项",
    "公开事项",
    "工作项目",
    "项目名称",
    "任务名称",
    "工作要点",
    "要点",
    "重点工作",
    "工作名称",
    "主要工作",
}
_SECTION_WORDS = {
    "项目",
    "类别",
    "分类",
    "领域",
    "板块",
    "方面",
    "类型",
    "栏目",
    "专题",
    "一级",
    "二级",
}
_IGNORE_WORDS = ("备注", "说明", "责任人", "责任领导", "分管领导", "联系人", "联系电话", "完成情况")
_DEADLINE_WORDS = ("时限", "完成时间", "时间要求", "时间节点", "进度", "时间安排", "期限", "截止")
_UNIT_HEADER = re.compile(
    r"^(责任|承办|负责|实施|落实|主要责任)(单位|部门|科室|处室|主体|股室|机构)?$"
)


def header_role(cell: str) -> str | None:
    """The role of a column from its header text; None if the text is not a header at all."""
    c = compact(cell)
    c = re.sub(r"（[^（）]*）", "", c).strip("*：:")
    if not c or len(c) > 12:
        return None
    low = c.lower()
    if low in _NUMBER_WORDS:
        return NUMBER
    if any(w in c for w in _IGNORE_WORDS):
        return IGNORE
    if any(w in c for w in ("牵头", "主办", "主责")):
        return LEAD_COL
    if any(w in c for w in ("配合", "协办", "协助", "参与")):
        return SUPPORT_COL
    if any(w in c for w in _DEADLINE_WORDS) or c in {"时间", "完成时限"}:
        return DEADLINE
    if _UNIT_HEADER.match(c) or c in {"单位", "部门", "科室", "责任单位", "承办单位"}:
        return UNITS_COL
    if c.endswith("任务") or c in _TITLE_WORDS:
        return TITLE
    if c.endswith(("内容", "要求", "措施", "目标")) or c in {"内容", "要求"}:
        return TEXT
    if c in _SECTION_WORDS or c.endswith(("类别", "领域", "分类", "板块", "方面", "类型", "指标")):
        return SECTION
    return OTHER


def _row_roles(row: list[str]) -> list[str | None]:
    return [header_role(c) for c in row]


def is_header(row: list[str]) -> bool:
    roles = set(_row_roles(row))
    return bool(roles & TASK_ROLES) and bool(roles & (UNIT_ROLES | {DEADLINE}))


def find_header(rows: list[list[str]], limit: int = 10) -> int | None:
    for i, row in enumerate(rows[:limit]):
        if is_header(row):
            return i
    return None


@dataclass
class TableOutcome:
    items: list[ParsedItem] = field(default_factory=list)  # paths relative to the table
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Columns:
    number: int | None
    sections: list[int]
    title: int
    text: int | None
    lead: list[int]
    units: list[int]
    support: list[int]
    deadline: list[int]


def _merged_like(rows: list[list[str]], col: int, others: list[int]) -> bool:
    """A column that is empty or repeats the previous row while the other task columns vary."""
    prev = None
    for row in rows:
        value = row[col]
        varying = any(row[o] for o in others)
        if varying and (not value or value == prev):
            return True
        if value:
            prev = value
    return False


def _columns(roles: list[str | None], data: list[list[str]]) -> _Columns | None:
    task = [i for i, r in enumerate(roles) if r in TASK_ROLES]
    if not task:
        return None
    sections = [i for i, r in enumerate(roles) if r == SECTION]
    # "重点任务 | 具体任务": a leftmost task column that is merged down is a section.
    while len(task) >= 2 and _merged_like(data, task[0], task[1:]):
        sections.append(task.pop(0))
    # Unnamed columns left of the task are sections too (merged 一、… cells).
    sections += [i for i, r in enumerate(roles) if r == OTHER and i < task[0]]
    title_cols = [i for i in task if roles[i] == TITLE]
    text_cols = [i for i in task if roles[i] == TEXT]
    if title_cols and text_cols:
        title, text = title_cols[0], text_cols[0]
    elif len(task) >= 2:
        title, text = task[0], task[1]
    else:
        title, text = task[0], None
    numbers = [i for i, r in enumerate(roles) if r == NUMBER]
    return _Columns(
        number=numbers[0] if numbers else None,
        sections=sorted(set(sections)),
        title=title,
        text=text,
        lead=[i for i, r in enumerate(roles) if r == LEAD_COL],
        units=[i for i, r in enumerate(roles) if r == UNITS_COL],
        support=[i for i, r in enumerate(roles) if r == SUPPORT_COL],
        deadline=[i for i, r in enumerate(roles) if r == DEADLINE],
    )


_CROSS_REFERENCE = re.compile(r"（(?:见|详见|参见|下同)[^（）]*）|（[^（）]*下同）")


def clean_unit_text(text: str) -> str:
    """A unit list without cross-references (（见附件1，下同）) or spaces before brackets."""
    text = _CROSS_REFERENCE.sub("", text)
    return re.sub(r"\s+(?=（)", "", text).strip()


def unit_cell(cell: str, role: str, known: frozenset[str]) -> Units:
    """Units in a 责任单位 / 牵头单位 / 配合单位 cell (any names are trusted)."""
    cell = clean_unit_text(cell)
    if not cell or cell in {"/", "-", "—", "无", "——"}:
        return Units()
    found = trailers.parse_units(cell, known=known, trusted=True)
    if found is None:
        names = [trailers.strip_unit_name(n) for n in re.split(r"[、，,；;\s/]+", cell)]
        found = Units([(n, RESPONSIBLE) for n in names if n])
    if role != RESPONSIBLE:
        found = Units([(n, role if r == RESPONSIBLE else r) for n, r in found.entries])
    return found


def _section_label(text: str) -> tuple[str, str]:
    marker = numbering.match(text)
    if marker:
        return marker.label, strip_end(marker.rest) or marker.label
    title = strip_end(text) or text.strip()
    return title, title


def _number_label(cell: str) -> str | None:
    cell = cell.strip()
    if not cell:
        return None
    m = re.fullmatch(r"(\d{1,4})\s*[.．、]?", cell)
    if m:
        return str(int(m.group(1)))
    marker = numbering.match(cell + " x")
    if marker and not marker.rest.strip(" x"):
        return marker.label
    return strip_end(cell) or None


_ISO_DATE = re.compile(r"(20\d{2})[-./](\d{1,2})[-./](\d{1,2})")
_BARE_DATE = re.compile(r"(\d{1,2}月(?:\d{1,2}日|底|末))(?![前之以止])")


def deadline_phrase(cell: str) -> str:
    """A 完成时限 cell read as a deadline: "2017-06-30" or "6月30日" means "…日前"."""
    cell = _ISO_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", cell)
    return _BARE_DATE.sub(r"\1前", cell)


def _pad(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def parse_table(table: Table, known: frozenset[str] = frozenset()) -> TableOutcome | None:
    """Items of a plan table, or None when the table has no recognisable header."""
    header_at = find_header(table.rows)
    if header_at is None:
        return None
    width = max(len(r) for r in table.rows)
    rows = [_pad([c.strip() for c in r], width) for r in table.rows]
    roles = _row_roles(rows[header_at])
    start = header_at + 1
    # A second header row ("责任单位" over "牵头单位 | 配合单位").
    if start < len(rows):
        sub = _row_roles(rows[start])
        if any(r in UNIT_ROLES | {DEADLINE} for r in sub) and all(
            r not in (None, OTHER) or not c for r, c in zip(sub, rows[start], strict=True)
        ):
            roles = [s if s not in (None, OTHER) else r for r, s in zip(roles, sub, strict=True)]
            start += 1
    data = rows[start:]
    cols = _columns(roles, data)
    if cols is None:
        return None
    return _Reader(table, rows, start, cols, known).read()


class _Reader:
    def __init__(self, table, rows, start, cols: _Columns, known):
        self.table = table
        self.rows = rows
        self.start = start
        self.cols = cols
        self.known = known
        self.outcome = TableOutcome()
        self.row_sections: list[tuple[float, str]] = []  # (rank, label) from full-width rows
        self.col_sections = [""] * len(cols.sections)
        self.counters: dict[tuple[str, ...], int] = {}
        self.header = rows[start - 1]
        self.seen_sections: set[tuple[str, ...]] = set()

    def read(self) -> TableOutcome:
        last: ParsedItem | None = None
        last_key: tuple | None = None
        for index in range(self.start, len(self.rows)):
            row = self.rows[index]
            source = self.table.sources[index] if index < len(self.table.sources) else {}
            values = [c for c in row if c]
            if not values or row == self.header:
                continue
            if self._section_row(row, values, source):
                last = None
                continue
            self._carry_sections(row, source)
            units = self._units(row)
            title_cell = row[self.cols.title]
            text_cell = row[self.cols.text] if self.cols.text is not None else ""
            if not title_cell and not text_cell:
                if last is not None and units:
                    self._add_units(last, units)
                continue
            prefix = self._prefix()
            key = (tuple(prefix), title_cell, text_cell)
            if last is not None and key == last_key:
                self._add_units(last, units)  # a task cell merged over several unit rows
                continue
            item = self._item(row, prefix, title_cell, text_cell, units, source)
            self.outcome.items.append(item)
            last, last_key = item, key
        return self.outcome

    # -- sections -------------------------------------------------------------------------

    def _section_row(self, row: list[str], values: list[str], source) -> bool:
        """A row that only names a section: merged across, or one cell "一、…" on its own."""
        if len(set(values)) != 1:
            return False
        value = values[0]
        marker = numbering.match(value)
        if len(values) == 1:
            pos = row.index(value)
            cols = self.cols
            if pos in cols.sections or pos in cols.lead + cols.units + cols.support + cols.deadline:
                return False
            if pos in (cols.title, cols.text):
                top = (numbering.PART, numbering.CN, numbering.PAREN_CN)
                if not (marker and marker.kind in top and marker.rest.strip()):
                    return False
            elif not (marker and marker.rest.strip()) and len(value) <= 4:
                return False
        rank = marker.rank if marker else -0.5
        label, title = _section_label(value)
        while self.row_sections and self.row_sections[-1][0] >= rank:
            self.row_sections.pop()
        self.row_sections.append((rank, label))
        self.col_sections = [""] * len(self.cols.sections)
        self.outcome.sections.append(
            Section([lab for _, lab in self.row_sections], title, dict(source))
        )
        return True

    def _carry_sections(self, row: list[str], source) -> None:
        changed = False
        for j, col in enumerate(self.cols.sections):
            value = row[col]
            if value and value != self.col_sections[j]:
                self.col_sections[j] = value
                changed = True
                path = self._prefix()
                if tuple(path) not in self.seen_sections:
                    self.seen_sections.add(tuple(path))
                    _, title = _section_label(value)
                    self.outcome.sections.append(Section(path, title, dict(source)))
            elif not value and changed:
                self.col_sections[j] = ""

    def _prefix(self) -> list[str]:
        labels = [lab for _, lab in self.row_sections]
        labels += [_section_label(v)[0] for v in self.col_sections if v]
        return labels

    # -- items ----------------------------------------------------------------------------

    def _units(self, row: list[str]) -> Units:
        units = Units()
        for cols, role in (
            (self.cols.lead, LEAD),
            (self.cols.units, RESPONSIBLE),
            (self.cols.support, SUPPORT),
        ):
            for col in cols:
                units.extend(unit_cell(row[col], role, self.known))
        return units

    @staticmethod
    def _add_units(item: ParsedItem, units: Units) -> None:
        merged = Units([(n, LEAD) for n in item.lead_units])
        merged.extend(Units([(n, RESPONSIBLE) for n in item.units]))
        merged.extend(units)
        item.lead_units, item.units = merged.lead, merged.all

    def _item(self, row, prefix, title_cell, text_cell, units, source) -> ParsedItem:
        label = _number_label(row[self.cols.number]) if self.cols.number is not None else None
        lead_text = title_cell or text_cell
        marker = numbering.match(lead_text)
        if marker and marker.rest.strip():
            label = label or marker.label
            if title_cell:
                title_cell = marker.rest
            else:
                text_cell = marker.rest
        if label is None:
            key = tuple(prefix)
            self.counters[key] = self.counters.get(key, 0) + 1
            label = str(self.counters[key])
        title_clean, title_units = trailers.extract(title_cell, self.known)
        text_clean, text_units = trailers.extract(text_cell, self.known)
        units.extend(title_units)
        units.extend(text_units)
        if title_clean and text_clean:
            heading_like = is_heading_like(title_clean)
            title = strip_end(title_clean) if heading_like else first_clause(title_clean)
            text = text_clean
        else:
            text = title_clean or text_clean
            title = first_clause(text)
        deadline = "；".join(row[c] for c in self.cols.deadline if row[c])
        due = deadline_phrase(deadline)
        due = "；".join(x for x in (due, *units.deadlines) if x)
        rhythm = timing.with_explicit(due, "\n".join(t for t in (title_clean, text_clean) if t))
        if deadline:
            text = f"{text}\n完成时限：{deadline}"
        return ParsedItem(
            path=[*prefix, label],
            title=title,
            text=text,
            lead_units=units.lead,
            units=units.all,
            timing=rhythm,
            source=dict(source),
        )
