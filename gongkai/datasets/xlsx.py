"""A streaming XLSX row reader: the cell values of one sheet, row by row, with bounded memory.

openpyxl's read-only mode builds a cell object per cell and reads about 80,000 cells a second
here (bench/datasets.py); a 100,000-row, 23-column 双公示 sheet took half a minute before
validation began. This reader parses the sheet's XML with ElementTree's C parser, touches only
the values, and yields plain Python values as openpyxl does (str, int, float, bool, datetime,
None), several times faster.

What it reads: the sheet named 数据, else the workbook's first sheet (workbook.xml and its
relationships); shared strings (rich text runs joined, phonetic runs left out); inline strings;
formula results (cached values); booleans; errors as their text; numbers, turned into datetimes
when the cell's style has a date format (the built-in date formats, including the East Asian
ones Chinese Excel uses, 27–36 and 50–58, and custom formats with date codes); the 1904 date
system. Row numbers are the sheet's own (`<row r>`), so errors point at the row Excel shows;
empty rows are not yielded. Merged cells are as in the file: the value in the top-left cell.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from posixpath import join, normpath
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_C, _V, _ROW, _T, _IS, _RPH = (MAIN + n for n in ("c", "v", "row", "t", "is", "rPh"))


#: Uncompressed size limits: shared strings are held in memory; a sheet is streamed.
MAX_STRINGS_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 2 * 1024 * 1024 * 1024


class XlsxError(ValueError):
    pass


def _open(zf: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES):
    """A part of the package, refused when oversized (a zip bomb) or when it declares a DTD
    (no XLSX part has one; entity tricks need one). ElementTree never fetches external
    entities, and the bundled expat (>= 2.4) limits entity expansion as well."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise XlsxError(f"{name} too large")
    with zf.open(info) as fh:
        head = fh.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise XlsxError(f"{name} declares a DTD")
    return zf.open(info)


def _sheet_path(zf: zipfile.ZipFile, preferred: str) -> tuple[str, bool]:
    """The part name of the preferred (else the first) sheet, and whether dates are 1904-based."""
    with _open(zf, "xl/workbook.xml") as fh:
        sheets, date1904 = [], False
        for _, elem in iterparse(fh):  # noqa: S314 — see _open()
            if elem.tag == MAIN + "sheet":
                sheets.append((elem.get("name"), elem.get(REL + "id")))
            elif elem.tag == MAIN + "workbookPr":
                date1904 = elem.get("date1904") in ("1", "true")
    if not sheets:
        raise XlsxError("no sheet")
    _, rel_id = next((s for s in sheets if s[0] == preferred), sheets[0])
    targets = {}
    with _open(zf, "xl/_rels/workbook.xml.rels") as fh:
        for _, elem in iterparse(fh):  # noqa: S314 — see _open()
            if elem.tag == PKG_REL + "Relationship":
                targets[elem.get("Id")] = elem.get("Target")
    target = targets[rel_id]
    path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    return path, date1904


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        fh = _open(zf, "xl/sharedStrings.xml", MAX_STRINGS_BYTES)
    except KeyError:
        return []
    strings: list[str] = []
    with fh:
        for _, elem in iterparse(fh):  # noqa: S314 — see _open()
            if elem.tag == MAIN + "si":
                for phonetic in elem.findall(_RPH):
                    elem.remove(phonetic)
                strings.append("".join(t.text or "" for t in elem.iter(_T)))
                elem.clear()
    return strings


def _date_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of the cell styles (cellXfs) whose number format is a date."""
    try:
        fh = _open(zf, "xl/styles.xml")
    except KeyError:
        return frozenset()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    in_cell_xfs = False
    with fh:
        for event, elem in iterparse(fh, events=("start", "end")):  # noqa: S314 — see _open()
            tag = elem.tag
            if tag == MAIN + "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and tag == MAIN + "numFmt":
                custom[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")
            elif event == "end" and tag == MAIN + "xf" and in_cell_xfs:
                xfs.append(int(elem.get("numFmtId", "0")))
    dates = set()
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
        if fmt_id in _DATE_IDS or (code and is_date_format(code)):
            dates.add(index)
    return frozenset(dates)


_LETTERS = re.compile(r"[A-Z]+")


def iter_xlsx_rows(stream, *, preferred_sheet: str = "数据") -> Iterator[tuple[int, list]]:
    """(row number, values) for each non-empty row of the sheet."""
    try:
        zf = zipfile.ZipFile(stream)
        path, date1904 = _sheet_path(zf, preferred_sheet)
        strings = _shared_strings(zf)
        date_styles = _date_styles(zf)
        sheet = _open(zf, path)
    except (KeyError, zipfile.BadZipFile, SyntaxError) as exc:
        raise XlsxError(str(exc)) from exc
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    columns: dict[str, int] = {}
    cells: dict[int, object] = {}
    last_row = 0
    next_col = 0
    with sheet:
        try:
            for _, elem in iterparse(sheet):  # noqa: S314 — see _open()
                tag = elem.tag
                if tag == _C:
                    ref = elem.get("r")
                    if ref:
                        letters = _LETTERS.match(ref).group()
                        col = columns.get(letters)
                        if col is None:
                            col = 0
                            for ch in letters:
                                col = col * 26 + ord(ch) - 64
                            col -= 1
                            columns[letters] = col
                    else:
                        col = next_col
                    next_col = col + 1
                    kind = elem.get("t")
                    if kind == "inlineStr":
                        node = elem.find(_IS)
                        if node is None:
                            value = None
                        elif len(node) == 1 and node[0].tag == _T:  # one <t>, no rich text
                            value = node[0].text or ""
                        else:
                            value = "".join(t.text or "" for t in node.iter(_T))
                    else:
                        text = elem.findtext(_V)
                        if text is None:
                            value = None
                        elif kind == "s":
                            value = strings[int(text)]
                        elif kind in ("str", "e"):
                            value = text
                        elif kind == "b":
                            value = text == "1"
                        else:
                            if "." in text or "E" in text or "e" in text:
                                value = float(text)
                            else:
                                value = int(text)
                            style = elem.get("s")
                            if style and int(style) in date_styles:
                                value = from_excel(value, epoch)
                    if value is not None and value != "":
                        cells[col] = value
                    elem.clear()
                elif tag == _ROW:
                    ref = elem.get("r")
                    last_row = int(ref) if ref else last_row + 1
                    if cells:
                        row = [None] * (max(cells) + 1)
                        for col, value in cells.items():
                            row[col] = value
                        yield last_row, row
                        cells = {}
                    next_col = 0
                    elem.clear()
        except SyntaxError as exc:  # ParseError
            raise XlsxError(str(exc)) from exc
