"""The annual report as a document: DOCX in the official layout (A4, GB/T 9704 margins, 仿宋 body,
the tables with their merged headers as printed) and HTML for its page in the 年度报告 column.

Both walk the same layout (`table_three_grid`, `table_four_grid`, section 二's blocks), so the
page and the file never disagree."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.template.loader import render_to_string

from . import labels


@dataclass
class Cell:
    """A cell of a printed table: its text, where it starts and how far it spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def table_two_grid(data) -> tuple[int, int, list[Cell]]:
    """Section 二: four blocks, 4 columns; single-value blocks span the 3 value columns."""
    cells: list[Cell] = []
    r = 0
    for block in data.two:
        cells.append(Cell(block.title, r, 0, colspan=4, header=True))
        r += 1
        cells.append(Cell(labels.CONTENT, r, 0, header=True))
        if len(block.columns) == 1:
            cells.append(Cell(block.columns[0], r, 1, colspan=3, header=True))
        else:
            for i, label in enumerate(block.columns):
                cells.append(Cell(label, r, 1 + i, header=True))
        r += 1
        for row in block.rows:
            cells.append(Cell(row.label, r, 0))
            if len(row.values) == 1:
                cells.append(Cell(_fmt(_plain(row.values[0])), r, 1, colspan=3))
            else:
                for i, value in enumerate(row.values):
                    cells.append(Cell(_fmt(value), r, 1 + i))
            r += 1
    return r, 4, cells


def _plain(value):
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def table_three_grid(table) -> tuple[int, int, list[Cell]]:
    """Section 三 as printed: 3 header rows (the 勾稽 note spans 3×3; 申请人情况 spans 7;
    法人或其他组织 spans 5), then the rows; 三、本年度办理结果 spans its 22 rows in the first
    column, and each group with items spans its items in the second."""
    cells = [
        Cell(labels.CHECK_NOTE, 0, 0, rowspan=3, colspan=3, header=True),
        Cell("申请人情况", 0, 3, colspan=7, header=True),
        Cell(labels.APPLICANT_COLUMNS[0][1], 1, 3, rowspan=2, header=True),
        Cell(labels.LEGAL_GROUP_LABEL, 1, 4, colspan=5, header=True),
        Cell("总计", 1, 9, rowspan=2, header=True),
    ]
    for i, (_key, label) in enumerate(labels.APPLICANT_COLUMNS[1:]):
        cells.append(Cell(label, 2, 4 + i, header=True))
    r = 3
    results_start = None
    group: Cell | None = None
    for row in table.rows:
        if row.key == "results":
            results_start = r
            cells.append(Cell(row.label, r, 0))  # rowspan set when the group ends
            continue
        if row.values is None:  # a group heading with items: spans its items in column 2
            group = Cell(row.label, r, 1, rowspan=0)
            cells.append(group)
            continue
        if row.level == 0:
            cells.append(Cell(row.label, r, 0, colspan=3))
        elif row.level == 1:
            group = None
            cells.append(Cell(row.label, r, 1, colspan=2))
        else:
            if group is not None:
                group.rowspan += 1
            cells.append(Cell(row.label, r, 2))
        for i, value in enumerate(row.cells):
            cells.append(Cell(str(value), r, 3 + i))
        if row.key == "results_total" and results_start is not None:
            head = next(c for c in cells if c.row == results_start and c.col == 0)
            head.rowspan = r - results_start + 1
        r += 1
    return r, 10, cells


def table_four_grid(four: dict[str, list[int]]) -> tuple[int, int, list[Cell]]:
    cells = [
        Cell(labels.REVIEW, 0, 0, colspan=5, header=True),
        Cell(labels.LITIGATION, 0, 5, colspan=10, header=True),
        Cell(labels.DIRECT, 1, 5, colspan=5, header=True),
        Cell(labels.AFTER_REVIEW, 1, 10, colspan=5, header=True),
    ]
    for i, label in enumerate(labels.FOUR_COLUMNS):
        cells.append(Cell(label, 1, i, rowspan=2, header=True))
        cells.append(Cell(label, 2, 5 + i, header=True))
        cells.append(Cell(label, 2, 10 + i, header=True))
    values = four["review"] + four["direct"] + four["after_review"]
    for i, value in enumerate(values):
        cells.append(Cell(str(value), 3, i))
    return 4, 15, cells


def _grids(report, data):
    return {
        "two": table_two_grid(data),
        "three": table_three_grid(data.three),
        "four": table_four_grid(data.four),
    }


def _rows_of(grid) -> list[list[Cell]]:
    """Cells grouped by row, for the HTML table (cells covered by a span are absent)."""
    n_rows, _n_cols, cells = grid
    rows: list[list[Cell]] = [[] for _ in range(n_rows)]
    for cell in cells:
        rows[cell.row].append(cell)
    for row in rows:
        row.sort(key=lambda c: c.col)
    return rows


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def annual_html(report, data) -> str:
    grids = _grids(report, data)
    return render_to_string(
        "reports/annual_body.html",
        {
            "report": report,
            "headings": labels.HEADING,
            "one": _paragraphs(report.section_one),
            "five": _paragraphs(report.section_five),
            "six": _paragraphs(report.section_six) or ["无。"],
            "two": _rows_of(grids["two"]),
            "three": _rows_of(grids["three"]),
            "four": _rows_of(grids["four"]),
        },
    ).strip()


# -- DOCX -------------------------------------------------------------------------------------

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font=BODY_FONT, size=16, bold=False, center=False, indent=True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, grid) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    n_rows, n_cols, cells = grid
    table = doc.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 9 if n_cols > 10 else 10.5
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(
                table.cell(cell.row + max(cell.rowspan, 1) - 1, cell.col + cell.colspan - 1)
            )
        paragraph = target.paragraphs[0]
        if cell.header or _is_figure(cell.text):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(cell.text), BODY_FONT, size, bold=cell.header)


def _is_figure(text: str) -> bool:
    return text == "—" or text.replace(".", "", 1).isdigit()


def annual_docx(report, data) -> bytes:
    """A4, margins 3.7/3.5/2.8/2.6 cm (GB/T 9704), title 二号 小标宋, headings 三号 黑体, body
    三号 仿宋; the tables as printed, merged headers included."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _para(document, str(report), font=TITLE_FONT, size=22, center=True)
    grids = _grids(report, data)
    bodies = {
        "一": _paragraphs(report.section_one),
        "五": _paragraphs(report.section_five),
        "六": _paragraphs(report.section_six) or ["无。"],
    }
    for key, heading in labels.HEADINGS:
        _para(document, heading, font=HEADING_FONT, size=16)
        for text in bodies.get(key, []):
            _para(document, text)
        if key == "二":
            _table(document, grids["two"])
        elif key == "三":
            _table(document, grids["three"])
        elif key == "四":
            _table(document, grids["four"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
