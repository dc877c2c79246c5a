"""The streaming XLSX reader against files written by openpyxl and by hand (inline strings,
rich text, the 1904 date system, an East Asian built-in date format, a DTD)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from gongkai.datasets.xlsx import XlsxError, iter_xlsx_rows


def test_openpyxl_workbook_values_dates_sheet_choice_and_row_numbers():
    wb = openpyxl.Workbook()
    other = wb.active
    other.title = "说明"
    other.append(["不是数据"])
    ws = wb.create_sheet("数据")
    ws.append(["名称", "日期", "金额", "是否"])
    ws.append(["甲", dt.datetime(2026, 10, 9), 12.5, True])
    ws["B2"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A5"] = "乙"  # rows 3 and 4 are empty
    ws["C5"] = 7
    out = io.BytesIO()
    wb.save(out)
    rows = list(iter_xlsx_rows(io.BytesIO(out.getvalue())))
    assert rows == [
        (1, ["名称", "日期", "金额", "是否"]),
        (2, ["甲", dt.datetime(2026, 10, 9), 12.5, True]),
        (5, ["乙", None, 7]),
    ]


SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>内联</t></is></c>
<c r="C1" s="1"><v>1</v></c><c r="D1" t="str"><f>A1</f><v>公式结果</v></c>
<c r="F1" t="inlineStr"><is><r><t>一段</t></r></is></c></row>
</sheetData></worksheet>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="worksheet" Target="/xl/worksheets/s.xml"/></Relationships>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>富</t></r>
<r><t>文本</t></r><rPh><t>フ</t></rPh></si></sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="57"/></cellXfs></styleSheet>"""


def package(sheet=SHEET, strings=STRINGS) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        zf.writestr("xl/worksheets/s.xml", sheet)
        zf.writestr("xl/sharedStrings.xml", strings)
        zf.writestr("xl/styles.xml", STYLES)
    out.seek(0)
    return out


def test_hand_written_package():
    # numFmtId 57 is an East Asian built-in date format; date1904: serial 1 = 1904-01-02
    assert list(iter_xlsx_rows(package())) == [
        (1, ["富文本", "内联", dt.datetime(1904, 1, 2), "公式结果", None, "一段"])
    ]


def test_dtd_and_broken_packages_are_refused():
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + SHEET.split("?>", 1)[1]
    with pytest.raises(XlsxError):
        list(iter_xlsx_rows(package(sheet=evil)))
    with pytest.raises(XlsxError):
        list(iter_xlsx_rows(package(sheet="<worksheet><sheetData><row>")))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(XlsxError):
        list(iter_xlsx_rows(docx))
