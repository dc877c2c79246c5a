"""Plain text → blocks: lines, and tables flattened to text (pipes, tabs, one cell per line)."""

from __future__ import annotations

import re

from . import numbering, tables
from .blocks import Block, Line, Table
from .cellstream import Cell, CellTableReader, loose_units
from .normalize import clean_line, normalize_text

_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADER_CELL_MAX = 10
# The closing matter of a document after its last table: 附件, 抄送, 印发, a date.
_CLOSING = re.compile(
    r"^(?:附件|附：|抄送|印发|主送|（此件|此件)|^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"
)


def _is_pipe_row(raw: str) -> bool:
    s = raw.strip()
    return s.count("|") >= 2 or (
        s.count("|") == 1 and not s.startswith("|") and not s.endswith("|")
    )


def _pipe_cells(raw: str) -> list[str]:
    s = raw.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [clean_line(c) for c in s.split("|")]


def _is_tab_row(raw: str) -> bool:
    return "\t" in raw.strip()


def _tab_cells(raw: str) -> list[str]:
    return [clean_line(c) for c in raw.rstrip().split("\t")]


def _table_or_none(rows: list[list[str]], numbers: list[int], name: str) -> Table | None:
    if len(rows) < 2 or tables.find_header(rows) is None:
        return None
    return Table(rows, [{"line": n} for n in numbers], name=name)


def _line(raw: str, number: int) -> Line:
    return Line(clean_line(raw), {"line": number}, indented=raw[:1] in {" ", "\t"})


def _run(raws: list[str], start: int, test) -> int:
    end = start
    while end < len(raws) and (
        test(raws[end]) or (test is _is_pipe_row and _MD_RULE.match(raws[end].strip()))
    ):
        end += 1
    return end


def _one_cell_header(raws: list[str], start: int) -> int:
    """Number of consecutive header cells (序号 / 工作任务 / 责任单位 …) from ``start``."""
    end = start
    while end < len(raws):
        cell = raws[end].strip()
        role = tables.header_role(cell) if len(cell) <= _HEADER_CELL_MAX else None
        if role in (None, tables.OTHER):
            break
        end += 1
    return end - start


def _one_cell_rows(
    raws: list[str], start: int, width: int, task: int
) -> tuple[list[list[str]], list[int]]:
    """Group the cells after a one-cell-per-line header into rows of ``width``.

    ``task`` is the index of the task column, which must be filled in every row.
    """
    body = [(clean_line(r), n) for n, r in enumerate(raws[start:], start=start + 1)]
    while body and not body[-1][0]:
        body.pop()
    while body and not body[0][0]:
        body.pop(0)

    def chunk(cells: list[tuple[str, int]]) -> tuple[list[list[str]], list[int]]:
        rows = [[c for c, _ in cells[i : i + width]] for i in range(0, len(cells), width)]
        return rows, [cells[i][1] for i in range(0, len(cells), width)]

    # Blank lines as empty cells (a merged section left empty).
    if body and len(body) % width == 0:
        rows, numbers = chunk(body)
        if all(r[task] for r in rows):
            return rows, numbers
    # Blank lines as row separators.
    records: list[list[tuple[str, int]]] = [[]]
    for cell in body:
        if cell[0]:
            records[-1].append(cell)
        elif records[-1]:
            records.append([])
    records = [r for r in records if r]
    if records and all(len(r) <= width for r in records) and len(records) > 1:
        rows = [[""] * (width - len(r)) + [c for c, _ in r] for r in records]
        if all(r[task] for r in rows):
            return rows, [r[0][1] for r in records]
    filled = [c for c in body if c[0]]
    if filled and len(filled) % width == 0:
        rows, numbers = chunk(filled)
        if all(r[task] for r in rows):
            return rows, numbers
    return [], []


def _delimited(raws: list[str], i: int, blocks: list[Block]) -> int:
    """A run of pipe or tab rows from line ``i``; returns the index after it, or 0."""
    for test, cells in ((_is_pipe_row, _pipe_cells), (_is_tab_row, _tab_cells)):
        if not test(raws[i]):
            continue
        end = _run(raws, i, test)
        rows: list[list[str]] = []
        numbers: list[int] = []
        for n in range(i, end):
            if test is _is_pipe_row and _MD_RULE.match(raws[n].strip()):
                continue
            rows.append(cells(raws[n]))
            numbers.append(n + 1)
        table = _table_or_none(rows, numbers, "表格")
        if table is not None:
            blocks.append(table)
        else:
            blocks.extend(_line(raws[n], n + 1) for n in range(i, end))
        return end
    return 0


def _one_cell(raws: list[str], i: int, blocks: list[Block]) -> int:
    """A table written one cell per line (header cells first); it runs to the end."""
    width = _one_cell_header(raws, i)
    if width < 3:
        return 0
    header = [clean_line(r) for r in raws[i : i + width]]
    if not tables.is_header(header):
        return 0
    task = next(j for j, c in enumerate(header) if tables.header_role(c) in tables.TASK_ROLES)
    rows, numbers = _one_cell_rows(raws, i + width, width, task)
    if not rows:
        return 0
    sources = [{"line": i + 1}, *({"line": n} for n in numbers)]
    blocks.append(Table([header, *rows], sources, name="表格"))
    return len(raws)


def _split_cells(raw: str) -> list[str]:
    if "|" in raw:
        return [clean_line(c) for c in raw.split("|")]
    if "\t" in raw.strip():
        return [clean_line(c) for c in raw.strip().split("\t")]
    return [clean_line(raw)]


def _header_cells(raws: list[str], i: int) -> tuple[list[str], int] | None:
    """Header cells starting at line ``i`` (over one or several lines), and the line after."""
    cells: list[tuple[str, int]] = []
    n = i
    while n < len(raws):
        parts = [c for c in _split_cells(raws[n]) if c]
        if not parts:  # a blank line or a lone "|"
            n += 1
            if not cells and n - i > 1:
                return None
            continue
        roles = [tables.header_role(c) if len(tables.compact(c)) <= 12 else None for c in parts]
        if any(r is None for r in roles) or not _header_like(cells, parts, roles):
            break
        cells.extend((c, n) for c in parts)
        n += 1
    while cells and tables.header_role(cells[-1][0]) == tables.OTHER:
        cells.pop()
    header = [c for c, _ in cells]
    if len(header) < 2 or not tables.is_header(header):
        return None
    last = cells[-1][1]
    if any(line == last for _, line in cells) and len(
        [c for c in _split_cells(raws[last]) if c]
    ) != sum(1 for _, line in cells if line == last):
        return None  # the header's last line also holds data cells
    return header, last + 1


def _header_like(cells: list[tuple[str, int]], parts: list[str], roles: list) -> bool:
    """More header cells: no repeated or numbered cell, no two unknown columns in a row."""
    seen = {c for c, _ in cells}
    run = 0
    if cells and tables.header_role(cells[-1][0]) == tables.OTHER:
        run = 1
    for part, role in zip(parts, roles, strict=True):
        if part in seen or numbering.match(part) is not None:
            return False
        run = run + 1 if role == tables.OTHER else 0
        if run >= 2:
            return False
        seen.add(part)
    return True


def _regular_rows(raws: list[str], i: int, end: int, width: int) -> bool:
    """A header on one line and every later line a full pipe or tab row: rows can be trusted."""
    if "|" not in raws[i] and "\t" not in raws[i].strip():
        return False
    if end - i != 1:
        return False
    data = [r for r in raws[end:] if r.strip() and not _MD_RULE.match(r.strip())]
    if not data:
        return False
    tabbed = "|" not in raws[i]
    roles = [tables.header_role(c) for c in _split_cells(raws[i].strip().strip("|"))]
    for r in data:
        if tabbed:
            if not _is_tab_row(r):
                return False
            cells = _tab_cells(r)
        elif _is_pipe_row(r):
            cells = _pipe_cells(r)
        else:
            return False
        if len(cells) != width or not _cells_fit(cells, roles):
            return False
    return True


def _cells_fit(cells: list[str], roles: list[str | None]) -> bool:
    """A row's cells read as the header says: no unit list in a task column and no task text
    in a unit column (else cells covered by a row-spanning cell are missing)."""
    for cell, role in zip(cells, roles, strict=False):
        if not cell:
            continue
        if role in tables.TASK_ROLES and loose_units(cell, frozenset()):
            return False
        if role in tables.UNIT_ROLES and not loose_units(cell, frozenset()):
            return False
    return True


def _cell_table(raws: list[str], i: int, blocks: list, known: frozenset[str]) -> int:
    """A plan table whose rows cannot be trusted, read as a stream of cells to the end."""
    found = _header_cells(raws, i)
    if found is None:
        return 0
    header, end = found
    if _regular_rows(raws, i, end, len(header)):
        return 0
    roles = [tables.header_role(c) for c in header]
    roles = [
        tables.TEXT if r == tables.OTHER and _detail_header(c) else r
        for r, c in zip(roles, header, strict=True)
    ]
    stop = _table_end(raws, end)
    cells = [
        Cell(c, n + 1)
        for n in range(end, stop)
        for c in _split_cells(raws[n])
        if c and not _MD_RULE.match(c)
    ]
    outcome = CellTableReader(roles, known).read(cells)
    if not outcome.items:
        return 0
    blocks.append(outcome)
    return stop


def _table_end(raws: list[str], start: int) -> int:
    """Where a table read as a cell stream ends: at the next table's header, giving back the
    headings without pipes just above it (二、… between two tables); else at the end."""
    for j in range(start, len(raws)):
        if j > start and "|" not in raws[j] and _CLOSING.match(clean_line(raws[j])):
            return j  # 附件 / 抄送 / a date: the document's closing matter
        if raws[j].strip() and _header_cells(raws, j) is not None:
            stop = j
            while stop > start and (
                not raws[stop - 1].strip()
                or ("|" not in raws[stop - 1] and _top_heading(raws[stop - 1]))
            ):
                stop -= 1
            return stop
    return len(raws)


def _top_heading(raw: str) -> bool:
    marker = numbering.match(clean_line(raw))
    return marker is not None and marker.kind in (numbering.PART, numbering.CN)


def _detail_header(cell: str) -> bool:
    return tables.compact(cell).endswith(("分工", "举措", "细则", "事项"))


def read_text(text: str, known: frozenset[str] = frozenset()) -> list[Block]:
    """Split a document into normalised lines and flattened tables."""
    raws = normalize_text(text).split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(raws):
        after = (
            _cell_table(raws, i, blocks, known)
            or _delimited(raws, i, blocks)
            or _one_cell(raws, i, blocks)
        )
        if after:
            i = after
            continue
        blocks.append(_line(raws[i], i + 1))
        i += 1
    return blocks
