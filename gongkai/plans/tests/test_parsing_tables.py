"""Plans laid out as tables: flattened to text, DOCX tables and XLSX sheets."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from gongkai.plans.parsing import parse_docx, parse_file, parse_text, parse_xlsx
from gongkai.plans.parsing.tables import header_role


def rows(result):
    return [(" ".join(i.path), i.title, i.lead_units, i.units) for i in result.items]


# -- header recognition ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("序号", "number"),
        ("工作任务", "title"),
        ("重点任务", "title"),
        ("具体要求", "text"),
        ("工作内容", "text"),
        ("责任单位", "units"),
        ("责任部门", "units"),
        ("责任科室", "units"),
        ("牵头单位", "lead"),
        ("配合单位", "support"),
        ("完成时限", "deadline"),
        ("时限要求", "deadline"),
        ("类别", "section"),
        ("重点领域", "section"),
        ("备注", "ignore"),
        ("责 任 单 位", "units"),
        ("牵头单位（部门）", "lead"),
        ("推进政府网站", "other"),
        ("推进政府网站集约化建设和政务新媒体工作", None),
    ],
)
def test_header_roles(cell, role):
    assert header_role(cell) == role


# -- tables flattened to text ------------------------------------------------------------

PIPES = """2017年政务公开工作任务分工表
| 序号 | 类别 | 工作任务 | 责任单位 | 完成时限 |
|---|---|---|---|---|
| 1 | 一、深化改革 | 推进权责清单公开 | 区党政办 | 6月底前 |
| 2 |  | 推进预决算公开，及时更新 | 区发改财政局、区财政局 | 每季度 |
| 3 | 二、公共服务 | 推进环境信息公开 | 区建设环保局 | 每月 |
| 4 |  | 推进教育信息公开 | 区社会事业局 | 长期 |
"""


def test_pipes_with_section_carried_down():
    result = parse_text(PIPES)
    assert rows(result) == [
        ("一 1", "推进权责清单公开", [], ["区党政办"]),
        ("一 2", "推进预决算公开", [], ["区发改财政局", "区财政局"]),
        ("二 3", "推进环境信息公开", [], ["区建设环保局"]),
        ("二 4", "推进教育信息公开", [], ["区社会事业局"]),
    ]
    first = result.items[0]
    assert first.timing[0]["rule"]["month"] == 6
    assert first.text == "推进权责清单公开\n完成时限：6月底前"
    assert first.source == {"line": 4}
    assert [t["rule"]["kind"] for t in result.items[3].timing] == ["continuous"]
    assert [(s.path, s.title) for s in result.sections] == [
        (["一"], "深化改革"),
        (["二"], "公共服务"),
    ]
    assert result.warnings == []


TABS = (
    "领域\t重点任务\t具体要求\t牵头单位\t配合单位\t时限要求\n"
    "一、财政\t推进预算公开\t在网站设立专栏，及时公开预决算。\t区财政局\t区党政办\t2017年9月30日前\n"
    "\t推进审计公开\t公开审计报告\t区审计局\t\t年底前\n"
    "二、服务\t推进教育公开\t公开招生信息\t区社会事业局\t区党政办、区社区局\t每年\n"
)


def test_tabs_with_lead_and_support_columns():
    result = parse_text(TABS)
    assert rows(result) == [
        ("一 1", "推进预算公开", ["区财政局"], ["区财政局", "区党政办"]),
        ("一 2", "推进审计公开", ["区审计局"], ["区审计局"]),
        ("二 1", "推进教育公开", ["区社会事业局"], ["区社会事业局", "区党政办", "区社区局"]),
    ]
    first = result.items[0]
    assert first.text.startswith("在网站设立专栏，及时公开预决算。")
    kinds = [t["rule"]["kind"] for t in first.timing]
    assert kinds == ["once", "timely"]  # the explicit 时限 cell first
    # …and it alone makes the rule: 及时 in the text adds nothing.
    assert [r["kind"] for r in first.rules()] == ["once"]


ONE_CELL = """工作任务分工
序号
重点领域
工作任务
责任单位
完成时限
1
一、深化改革
推进权责清单公开
区党政办
6月底前
2

推进预决算公开
区财政局
每季度
3
二、公共服务
推进环境信息公开
区环保局、区社区局
每月
"""


def test_one_cell_per_line_with_empty_merged_cell():
    assert rows(parse_text(ONE_CELL)) == [
        ("一 1", "推进权责清单公开", [], ["区党政办"]),
        ("一 2", "推进预决算公开", [], ["区财政局"]),
        ("二 3", "推进环境信息公开", [], ["区环保局", "区社区局"]),
    ]


def test_one_cell_per_line_rows_separated_by_blank_lines():
    text = (
        "工作任务\n责任单位\n完成时限\n\n推进A公开\n区党政办\n每月\n\n推进B公开\n区财政局\n年底前\n"
    )
    assert rows(parse_text(text)) == [
        ("1", "推进A公开", [], ["区党政办"]),
        ("2", "推进B公开", [], ["区财政局"]),
    ]


def test_full_width_section_rows_and_numbered_headings_above_a_table():
    text = (
        "一、深化改革信息公开\n"
        "| 工作任务 | 责任单位 |\n"
        "| 推进权责清单公开 | 区党政办 |\n"
        "| 推进预决算公开 | 区财政局 |\n"
        "二、公共服务信息公开\n"
        "| 工作任务 | 责任单位 |\n"
        "| 推进环境信息公开 | 区环保局 |\n"
    )
    assert rows(parse_text(text)) == [
        ("一 1", "推进权责清单公开", [], ["区党政办"]),
        ("一 2", "推进预决算公开", [], ["区财政局"]),
        ("二 1", "推进环境信息公开", [], ["区环保局"]),
    ]


def test_unit_cell_forms():
    text = (
        "| 工作任务 | 责任单位 |\n"
        "| 推进A公开 | 区党政办牵头，区社区局配合 |\n"
        "| 推进B公开 | 牵头单位：区财政局；配合单位：区审计局 |\n"
        "| 推进C公开 | 区党政办（牵头）、区社区局 |\n"
        "| 推进D公开 | 区党政办 区社区局 |\n"
        "| 推进E公开（责任单位：区审计局） |  |\n"
    )
    assert rows(parse_text(text)) == [
        ("1", "推进A公开", ["区党政办"], ["区党政办", "区社区局"]),
        ("2", "推进B公开", ["区财政局"], ["区财政局", "区审计局"]),
        ("3", "推进C公开", ["区党政办"], ["区党政办", "区社区局"]),
        ("4", "推进D公开", [], ["区党政办", "区社区局"]),
        ("5", "推进E公开", [], ["区审计局"]),
    ]


def test_pipes_without_a_plan_header_are_text():
    result = parse_text("一、甲\n1.做好A | 做好B（责任单位：区党政办）\n")
    assert result.items[0].units == ["区党政办"]


# -- DOCX --------------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_table() -> bytes:
    document = docx.Document()
    document.add_paragraph("2017年政务公开工作任务分工表")
    table = document.add_table(rows=5, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["重点领域", "工作任务", "责任单位", "完成时限"], strict=False
    ):
        cell.text = text
    data = [
        ("一、深化改革信息公开", "推进权责清单公开", "区党政办", "6月底前"),
        (None, "推进预决算公开，及时更新", "区发改财政局、区财政局", "每季度"),
        ("二、公共服务信息公开", "推进环境信息公开", "区建设环保局", "每月"),
        (None, "推进教育信息公开", "区社会事业局", ""),
    ]
    for r, values in enumerate(data, start=1):
        for c, value in enumerate(values):
            if value is not None:
                table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(3, 0).merge(table.cell(4, 0))
    return docx_bytes(document)


def test_docx_table_with_merged_section_cells():
    result = parse_docx(io.BytesIO(docx_with_table()))
    assert rows(result) == [
        ("一 1", "推进权责清单公开", [], ["区党政办"]),
        ("一 2", "推进预决算公开", [], ["区发改财政局", "区财政局"]),
        ("二 1", "推进环境信息公开", [], ["区建设环保局"]),
        ("二 2", "推进教育信息公开", [], ["区社会事业局"]),
    ]
    assert result.items[1].source == {"table": 1, "row": 3}
    assert [s.title for s in result.sections] == ["深化改革信息公开", "公共服务信息公开"]


def test_docx_table_with_a_task_merged_over_two_unit_rows():
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "工作任务", "责任单位"
    table.cell(1, 0).text = "推进权责清单公开"
    table.cell(1, 1).text = "区党政办"
    table.cell(2, 1).text = "区社区局"
    table.cell(1, 0).merge(table.cell(2, 0))
    result = parse_docx(docx_bytes(document))
    assert rows(result) == [("1", "推进权责清单公开", [], ["区党政办", "区社区局"])]


def test_docx_table_with_a_full_width_section_row():
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "工作任务", "责任单位"], strict=False):
        cell.text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "一、深化改革"
    for c, text in enumerate(["1", "推进A公开", "区党政办"]):
        table.cell(2, c).text = text
    for c, text in enumerate(["2", "推进B公开", "区财政局"]):
        table.cell(3, c).text = text
    assert rows(parse_docx(docx_bytes(document))) == [
        ("一 1", "推进A公开", [], ["区党政办"]),
        ("一 2", "推进B公开", [], ["区财政局"]),
    ]


def test_docx_numbered_paragraphs():
    document = docx.Document()
    for text in [
        "工作要点",
        "一、深化改革",
        "（一）推进权责清单公开。",
        "每月更新权责清单。（责任单位：区党政办）",
        "（二）推进预决算公开。（責任單位：區財政局）",
        "2、公共服务",
        "1.推进环境信息公开，实时发布环评信息。",
        "区建设环保局牵头落实",
        "三、其他",
        "（一）做好其他工作。（责任单位：区审计局）",
    ]:
        document.add_paragraph(text)
    result = parse_docx(docx_bytes(document))
    assert rows(result) == [
        ("一 （一）", "推进权责清单公开", [], ["区党政办"]),
        ("一 （二）", "推进预决算公开", [], ["区财政局"]),
        ("二 1", "推进环境信息公开", ["区建设环保局"], ["区建设环保局"]),
        ("三 （一）", "做好其他工作", [], ["区审计局"]),
    ]
    assert result.items[0].text == "每月更新权责清单。"
    assert result.items[0].source == {"paragraph": 3}


def _auto_numbered_document():
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )

    def add(text, level):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )

    return document, add


def test_docx_word_automatic_numbering():
    document, add = _auto_numbered_document()
    add("深化改革", 0)
    add("推进权责清单公开。（责任单位：区党政办）", 1)
    add("推进预决算公开", 1)
    add("做好A（责任单位：区财政局）", 2)
    add("做好B（责任单位：区审计局）", 2)
    add("公共服务", 0)
    add("推进环境信息公开（责任单位：区环保局）", 1)
    result = parse_docx(docx_bytes(document))
    assert rows(result) == [
        ("一 （一）", "推进权责清单公开", [], ["区党政办"]),
        ("一 （二） 1", "做好A", [], ["区财政局"]),
        ("一 （二） 2", "做好B", [], ["区审计局"]),
        ("二 （一）", "推进环境信息公开", [], ["区环保局"]),
    ]


def test_docx_headings_then_plan_tables():
    document = docx.Document()
    document.add_paragraph("一、深化改革")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "工作任务", "责任单位"
    table.cell(1, 0).text, table.cell(1, 1).text = "推进A公开", "区党政办"
    document.add_paragraph("二、公共服务（责任单位：区社区局）")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "工作任务", "责任单位"
    table.cell(1, 0).text = "推进B公开"
    assert rows(parse_docx(docx_bytes(document))) == [
        ("一 1", "推进A公开", [], ["区党政办"]),
        ("二 1", "推进B公开", [], ["区社区局"]),
    ]


def test_docx_layout_table_is_read_as_text():
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(
        0, 0
    ).text = "一、甲\n1.做好A工作。（责任单位：区党政办）\n2.做好B工作。（责任单位：区社区局）"
    assert rows(parse_docx(docx_bytes(document))) == [
        ("一 1", "做好A工作", [], ["区党政办"]),
        ("一 2", "做好B工作", [], ["区社区局"]),
    ]


# -- XLSX --------------------------------------------------------------------------------


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务"
    sheet.append(["2017年政务公开工作任务分工表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["完成时限", "配合单位", "牵头单位", "具体要求", "工作任务", "类别"])
    sheet.append(["每月25日前", "", "区统计局", "发布上月数据", "发布统计数据", "一、经济"])
    sheet.append(["年底前", "区审计局", "区财政局", "公开审计报告", "推进审计公开", None])
    sheet.append(
        [None, "区党政办、区社区局", "区社会事业局", "公开招生信息", "推进教育公开", "二、民生"]
    )
    sheet.append([None, None, None, "公开收费标准", "推进收费公开", None])
    sheet.merge_cells("F3:F4")
    sheet.merge_cells("F5:F6")
    sheet.merge_cells("C5:C6")
    return xlsx_bytes(workbook)


def test_xlsx_columns_in_another_order_with_merged_cells():
    result = parse_xlsx(plan_workbook())
    assert rows(result) == [
        ("一 1", "发布统计数据", ["区统计局"], ["区统计局"]),
        ("一 2", "推进审计公开", ["区财政局"], ["区财政局", "区审计局"]),
        ("二 1", "推进教育公开", ["区社会事业局"], ["区社会事业局", "区党政办", "区社区局"]),
        ("二 2", "推进收费公开", ["区社会事业局"], ["区社会事业局"]),
    ]
    first = result.items[0]
    assert first.text == "发布上月数据\n完成时限：每月25日前"
    assert first.timing[0]["rule"]["day"] == 25
    assert first.source == {"sheet": "任务", "row": 3}


def test_xlsx_numbers_dates_and_a_second_sheet():
    import datetime as dt

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "说明"
    first.append(["本表由区党政办汇总"])
    sheet = workbook.create_sheet("分工")
    sheet.append(["序号", "工作内容", "责任部门", "完成时间"])
    sheet.append([1, "推进A公开", "区党政办", dt.datetime(2017, 6, 30)])
    sheet.append([2.0, "推进B公开", "区财政局", None])
    result = parse_xlsx(xlsx_bytes(workbook))
    assert rows(result) == [
        ("1", "推进A公开", [], ["区党政办"]),
        ("2", "推进B公开", [], ["区财政局"]),
    ]
    rule = result.items[0].timing[0]["rule"]
    assert (rule["kind"], rule["year"], rule["month"], rule["day"]) == ("once", 2017, 6, 30)


def test_xlsx_without_a_header_is_read_as_text():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in [
        "一、深化改革",
        "1.推进A公开。（责任单位：区党政办）",
        "2.推进B公开。（责任单位：区财政局）",
    ]:
        sheet.append([line])
    assert rows(parse_xlsx(xlsx_bytes(workbook))) == [
        ("一 1", "推进A公开", [], ["区党政办"]),
        ("一 2", "推进B公开", [], ["区财政局"]),
    ]


def test_parse_file_sniffs_docx_and_xlsx_whatever_the_name(tmp_path):
    wrong_docx = tmp_path / "plan.txt"
    wrong_docx.write_bytes(docx_with_table())
    wrong_xlsx = tmp_path / "plan.docx"
    wrong_xlsx.write_bytes(plan_workbook())
    assert len(parse_file(wrong_docx).items) == 4
    assert len(parse_file(str(wrong_xlsx)).items) == 4


def test_docx_tracked_changes_and_content_controls():
    document = docx.Document()
    document.add_paragraph("一、深化改革")
    body = document.element.body
    inserted = parse_xml(
        f"<w:p {nsdecls('w')}><w:r><w:t>1.推进</w:t></w:r>"
        '<w:ins w:id="1" w:author="a"><w:r><w:t>权责清单</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>旧文字</w:delText></w:r></w:del>'
        "<w:r><w:t>公开。（责任单位：区党政办）</w:t></w:r></w:p>"
    )
    control = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r>"
        "<w:t>2.推进预决算公开。（责任单位：区财政局）</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, inserted)  # before the section properties
    body.insert(len(body) - 1, control)
    assert rows(parse_docx(docx_bytes(document))) == [
        ("一 1", "推进权责清单公开", [], ["区党政办"]),
        ("一 2", "推进预决算公开", [], ["区财政局"]),
    ]


@pytest.mark.parametrize(
    ("cell", "phrase"),
    [
        ("2017-06-30", "2017年6月30日前"),
        ("6月底", "6月底前"),
        ("每月", "每月"),
        ("9月30日前", "9月30日前"),
    ],
)
def test_deadline_cells_read_as_deadlines(cell, phrase):
    from gongkai.plans.parsing.tables import deadline_phrase

    assert deadline_phrase(cell) == phrase


def test_two_row_header():
    text = (
        "| 序号 | 工作任务 | 责任单位 | 责任单位 |\n"
        "|  |  | 牵头单位 | 配合单位 |\n"
        "| 1 | 推进A公开 | 区党政办 | 区社区局 |\n"
        "| 2 | 推进进度公开 | 区财政局 |  |\n"
    )
    assert rows(parse_text(text)) == [
        ("1", "推进A公开", ["区党政办"], ["区党政办", "区社区局"]),
        ("2", "推进进度公开", ["区财政局"], ["区财政局"]),
    ]
