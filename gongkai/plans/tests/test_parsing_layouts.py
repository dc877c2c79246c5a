"""Layouts of real 分工方案 from other governments, on small plans written for these tests:
tables flattened to text in every way a web page copy does it, DOCX and XLSX tables with
columns in unusual orders and merged cells, and responsibility clauses in every form."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import Workbook

from gongkai.plans.parsing import PlanParseError, parse_docx, parse_text, parse_xlsx


def rows(result):
    return [
        (" ".join(i.path), i.text.split("\n")[0][:9], i.lead_units, i.units) for i in result.items
    ]


def phrases(item):
    return [t["phrase"] for t in item.timing]


def kinds(item):
    return [r["kind"] for r in item.rules()]


# -- tables flattened one cell per line --------------------------------------------------------

CELLS_WITH_PIPES = """某县2026年政务公开重点工作任务分工
工作任务 |
具体要求 |
责任单位 |
完成时限 |
||
一、强化政策发布解读 |
(一)做好政策文件公开 |
1 |
及时公开本级政府出台的规范性文件，同步发布解读材料。 |
县司法局 |
每月10日前 |
|
|
2 |
做好规范性文件清理结果公开工作。 |
县司法局、县政府办公室
|
2026年6月底前 |
|
(二)做好政策解读 |
3 |
围绕群众关切开展“政策讲堂”活动，定期发布解读视频。 |
县融媒体中心 |
每季度结束后10个工作日内 |
"""


def test_one_cell_per_line_with_pipe_endings_groups_and_number_cells():
    result = parse_text(CELLS_WITH_PIPES)
    assert rows(result) == [
        ("一 （一） 1", "及时公开本级政府出", [], ["县司法局"]),
        ("一 （一） 2", "做好规范性文件清理", [], ["县司法局", "县政府办公室"]),
        ("一 （二） 3", "围绕群众关切开展“", [], ["县融媒体中心"]),
    ]
    first, second, third = result.items
    # The 时限 cell wins over 及时 in the text: one rule set.
    assert phrases(first) == ["每月10日前", "及时"]
    assert first.rules()[0] == {"kind": "monthly", "day": 10, "label": first.rules()[0]["label"]}
    assert kinds(first) == ["monthly"]
    assert second.rules()[0]["year"] == 2026 and second.rules()[0]["month"] == 6
    assert third.rules() == [
        {
            "kind": "quarterly",
            "workdays": 10,
            "label": "每季度一次，季度结束后10个工作日内完成（按工作日历计算）",
        }
    ]
    assert [(s.path, s.title) for s in result.sections][:2] == [
        (["一"], "强化政策发布解读"),
        (["一", "（一）"], "做好政策文件公开"),
    ]


CELLS_WITH_LONE_PIPES = """|
工作任务
|
具体内容
|
责任部门
|
时间要求
|
|
加强财政信息公开
|
按要求公开本单位预算、决算及“三公”经费，细化到功能分类项级科目。
|
财政所、农经站等
|
全年
|
|
规范惠民资金发放信息公开，及时公示发放对象和标准。
|
民政办公室
|
|
优化政务服务
|
在便民服务中心公开办事指南，收到群众意见之日起5个工作日内予以答复。
|
便民服务中心牵头，各村（社区）配合
|
长期坚持
|
"""


def test_one_cell_per_line_with_lone_pipes_unnumbered_group_cells_and_merged_cells():
    result = parse_text(CELLS_WITH_LONE_PIPES)
    assert rows(result) == [
        ("1", "按要求公开本单位预", [], ["财政所", "农经站等"]),
        # no unit or time cell: both are merged with the row above
        ("2", "规范惠民资金发放信", [], ["民政办公室"]),
        ("3", "在便民服务中心公开", ["便民服务中心"], ["便民服务中心", "各村（社区）"]),
    ]
    first, second, third = result.items
    assert kinds(first) == ["continuous"]  # 全年
    assert kinds(second) == ["continuous"]  # the merged 时间要求 cell
    assert phrases(third) == ["长期坚持", "收到群众意见之日起5个工作日内"]
    assert kinds(third) == ["continuous"]  # the 时间要求 cell wins
    assert [s.title for s in result.sections] == ["加强财政信息公开", "优化政务服务"]


CELLS_WITH_BLANK_LINES = (
    """某局2026年政务公开工作任务分工

工作任务

具体要求

责任科室

时限要求

一、深化重点领域公开

1

    公开本部门权责清单，并根据调整情况动态更新。

法规科

年底前

2

    在门户网站设立专栏，按月公开行政执法结果。

执法大队、办公室

每月

"""
    + " \n"  # a line holding a single space, as pages copied from the web have
)


def test_one_cell_per_line_separated_by_blank_lines_without_pipes():
    result = parse_text(CELLS_WITH_BLANK_LINES)
    assert rows(result) == [
        ("一 1", "公开本部门权责清单", [], ["法规科"]),
        ("一 2", "在门户网站设立专栏", [], ["执法大队", "办公室"]),
    ]
    assert kinds(result.items[0]) == ["once"]
    assert kinds(result.items[1]) == ["monthly"]


PIPE_ROWS_WITH_MERGED_CELLS = """工作任务 | 具体要求
| 责任单位 |
一、做好规划信息公开。 | 1.主动公开五年规划纲要及专项规划。 | 县发展改革局牵头，县直有关部门配合；各乡镇参照落实 |
2.做好历史规划的归集整理工作。 |
二、做好财政信息公开。 | 3.积极推进部门预算、决算公开。 | 县财政局牵头，县直各部门按职责分工分别落实 |
4.持续深化政府债务信息公开。 | 县财政局 |
"""


def test_pipe_rows_with_group_cells_on_first_rows_and_merged_unit_cells():
    result = parse_text(PIPE_ROWS_WITH_MERGED_CELLS)
    assert rows(result) == [
        (
            "一 1",
            "主动公开五年规划纲",
            ["县发展改革局"],
            ["县发展改革局", "县直有关部门", "各乡镇"],
        ),
        (
            "一 2",
            "做好历史规划的归集",
            ["县发展改革局"],
            ["县发展改革局", "县直有关部门", "各乡镇"],
        ),
        ("二 3", "积极推进部门预算、", ["县财政局"], ["县财政局", "县直各部门"]),
        ("二 4", "持续深化政府债务信", [], ["县财政局"]),
    ]


PIPE_ROWS_TWO_UNIT_COLUMNS_PADDED = """工 作 任 务 |
牵头单位 |
责 任 单 位 |
一、推进重点领域信息公开 | ||
1.财政预算、决算信息公开 |
县财政局 |
县直各部门，各乡镇 |
2.政府采购信息公开 |
各乡镇 | |
3.政府债券信息公开 | ||
"""


def test_padded_rows_inherit_the_covered_lead_column():
    result = parse_text(PIPE_ROWS_TWO_UNIT_COLUMNS_PADDED)
    assert rows(result) == [
        ("一 1", "财政预算、决算信息", ["县财政局"], ["县财政局", "县直各部门", "各乡镇"]),
        ("一 2", "政府采购信息公开", ["县财政局"], ["县财政局", "各乡镇"]),
        ("一 3", "政府债券信息公开", ["县财政局"], ["县财政局", "各乡镇"]),
    ]


def test_time_column_before_the_units_in_a_one_cell_table():
    text = (
        "序号 |\n完成时限 |\n工作任务 |\n牵头单位 |\n配合单位 |\n"
        "1 |\n每月10日前 |\n按月公开财政收支情况，及时发布预算执行报告。 |\n区财政局 |\n区审计局 |\n"
        "2 |\n2026年10月16日前 |\n完成政务公开目录编制。 |\n区政府办公室 |\n各镇（街道） |\n"
    )
    result = parse_text(text)
    assert rows(result) == [
        ("1", "按月公开财政收支情", ["区财政局"], ["区财政局", "区审计局"]),
        ("2", "完成政务公开目录编", ["区政府办公室"], ["区政府办公室", "各镇（街道）"]),
    ]
    assert kinds(result.items[0]) == ["monthly"]
    assert result.items[0].rules()[0]["day"] == 10
    once = result.items[1].rules()[0]
    assert (once["kind"], once["year"], once["month"], once["day"]) == ("once", 2026, 10, 16)


def test_traditional_script_table_flattened_with_pipes():
    text = (
        "序號 |\n工作任務 |\n責任單位 |\n時限要求 |\n"
        "1 |\n編制完善基層政務公開事項目錄並按目錄公開各類信息。 |\n各縣(市、區)政府，市數據資源局 |\n長期堅持 |\n"
        "2 |\n推行基層政務服務一次告知制度。 |\n各鄉鎮政府、街道辦事處 |\n2026年11月底前 |\n"
    )
    result = parse_text(text)
    assert rows(result) == [
        ("1", "编制完善基层政务公", [], ["各县（市、区）政府", "市数据资源局"]),
        ("2", "推行基层政务服务一", [], ["各乡镇政府", "街道办事处"]),
    ]
    assert phrases(result.items[0]) == ["长期坚持"]


# -- responsibility clauses in prose -----------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "lead", "units", "kind"),
    [
        (
            "1.公开权责清单。（牵头单位：区编办；配合单位：区司法局、区政务服务局）",
            ["区编办"],
            ["区编办", "区司法局", "区政务服务局"],
            None,
        ),
        (
            "1.公开权责清单。(牵头单位:区编办,责任单位:区直各部门,完成时限:2026年10月16日前)",
            ["区编办"],
            ["区编办", "区直各部门"],
            "once",
        ),
        (
            "1.公开权责清单。（区编办牵头，区司法局、区政务服务局配合）",
            ["区编办"],
            ["区编办", "区司法局", "区政务服务局"],
            None,
        ),
        (
            "1.公开权责清单。区编办牵头落实；区司法局、区财政局按职责分工分别落实。",
            ["区编办"],
            ["区编办", "区司法局", "区财政局"],
            None,
        ),
        (
            "1.公開權責清單。（牽頭單位：區編辦；責任單位：各鎮（街道））",
            ["区编办"],
            ["区编办", "各镇（街道）"],
            None,
        ),
        (
            "1.公开权责清单，批复后20日内在网站公布。（责任单位：区编办、区司法局等按职责分工落实）",
            [],
            ["区编办", "区司法局等"],
            "event",
        ),
    ],
)
def test_responsibility_clauses(paragraph, lead, units, kind):
    result = parse_text(
        f"一、深化权力配置信息公开\n{paragraph}\n2.其他工作。（责任单位：区政府办公室）"
    )
    item = result.items[0]
    assert item.lead_units == lead
    assert item.units == units
    assert "单位" not in item.text.split("\n")[0]
    if kind:
        assert kinds(item) == [kind]


def test_explicit_time_in_a_trailer_wins_over_words_in_the_text():
    text = (
        "一、做好预决算公开\n"
        "1.按月公开财政收支，及时发布预算执行情况。（责任单位：区财政局；完成时限：每月25日前）\n"
    )
    (item,) = parse_text(text).items
    assert item.units == ["区财政局"]
    assert phrases(item)[0] == "每月25日前"
    assert kinds(item) == ["monthly"]
    assert item.rules()[0]["day"] == 25
    assert "完成时限：每月25日前" in item.text


def test_framing_parts_are_not_tasks():
    text = (
        "一、总体要求\n以习近平新时代中国特色社会主义思想为指导，全面推进政务公开。\n"
        "二、主要任务\n1.公开权责清单。（责任单位：区编办）\n"
        "三、保障措施\n各单位要加强组织领导。\n"
    )
    result = parse_text(text)
    assert rows(result) == [("二 1", "公开权责清单。", [], ["区编办"])]


def test_a_document_without_units_or_times_is_refused():
    with pytest.raises(PlanParseError, match="没有一项写明责任单位或完成时限"):
        parse_text("关于召开政务公开培训会的通知\n请各单位准时参加。\n联系人：张三")


# -- DOCX and XLSX ---------------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_table_with_time_first_and_merged_units():
    document = Document()
    document.add_paragraph("某区2026年政务公开工作任务分工")
    table = document.add_table(rows=4, cols=5)
    header = ["完成时限", "配合单位", "序号", "工作任务", "牵头单位"]
    body = [
        ["每月10日前", "区审计局", "1", "按月公开财政收支情况，及时发布预算执行报告。", "区财政局"],
        ["年底前", "各镇（街道）", "2", "公开政府债务限额和余额。", ""],
        ["长期坚持", "", "3", "公开惠民惠农资金发放信息。", "区农业农村局"],
    ]
    for r, values in enumerate([header, *body]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 4).merge(table.cell(2, 4))  # 区财政局 leads rows 1 and 2
    table.cell(1, 4).text = "区财政局"
    result = parse_docx(_docx_bytes(document))
    assert [(i.path, i.lead_units, i.units) for i in result.items] == [
        (["1"], ["区财政局"], ["区财政局", "区审计局"]),
        (["2"], ["区财政局"], ["区财政局", "各镇（街道）"]),
        (["3"], ["区农业农村局"], ["区农业农村局"]),
    ]
    assert kinds(result.items[0]) == ["monthly"]
    assert kinds(result.items[1]) == ["once"]
    assert kinds(result.items[2]) == ["continuous"]


def test_xlsx_with_merged_group_and_unit_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分工"
    sheet.append(["重点领域", "具体任务", "责任单位", "完成时间"])
    sheet.append(["一、财政信息", "公开部门预算。", "区财政局", "2026年3月底前"])
    sheet.append([None, "公开部门决算。", None, "2026年8月底前"])
    sheet.append(
        [
            "二、执法信息",
            "公开行政处罚结果，收到处罚决定之日起7个工作日内公示。",
            "区市场监管局",
            None,
        ]
    )
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:C3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue())
    assert [(i.path, i.units) for i in result.items] == [
        (["一", "1"], ["区财政局"]),
        (["一", "2"], ["区财政局"]),
        (["二", "1"], ["区市场监管局"]),
    ]
    assert result.items[1].rules()[0]["month"] == 8
    event = result.items[2].rules()[0]
    assert (event["kind"], event["workdays"]) == ("event", 7)


def test_short_task_cells_after_merged_cells_are_not_read_as_units_or_times():
    text = (
        "工作任务\n|\n责任单位\n|\n完成时限\n|\n"
        "推进政务公开专区建设，规范设置查阅点。\n|\n区政务服务中心\n|\n年底前\n|\n"
        "建设政务公开专区\n|\n"  # units and time merged with the row above
        "公开2025年度报告\n|\n区政府办公室\n|\n"  # time merged
        "每年3月底前发布政府信息公开年度报告，并在网站专栏长期保留。\n|\n区政府办公室\n|\n每年\n|\n"
    )
    result = parse_text(text)
    assert [(i.title, i.units) for i in result.items] == [
        ("推进政务公开专区建设", ["区政务服务中心"]),
        ("建设政务公开专区", ["区政务服务中心"]),
        ("公开2025年度报告", ["区政府办公室"]),
        ("每年3月底前发布政府信息公开年度报告", ["区政府办公室"]),
    ]
    assert kinds(result.items[2]) == ["once"]  # the merged 年底前
    assert kinds(result.items[3]) == ["yearly"]


def test_several_responsibility_clauses_in_one_paragraph_are_one_item_each():
    text = (
        "某镇2026年政务公开工作要点\n"
        "全面公开本镇财政预决算信息。（责任单位：财政所）做好惠民资金发放公示，"
        "每季度更新一次。（责任单位：民政办、农经站）\n"
        "规范政府网站信息发布。（党政办牵头，各村配合）\n"
    )
    result = parse_text(text)
    assert [(i.title, i.lead_units, i.units) for i in result.items] == [
        ("全面公开本镇财政预决算信息", [], ["财政所"]),
        ("做好惠民资金发放公示", [], ["民政办", "农经站"]),
        ("规范政府网站信息发布", ["党政办"], ["党政办", "各村"]),
    ]
    assert kinds(result.items[1]) == ["quarterly"]


def test_paragraphs_under_one_heading_each_with_their_own_clause():
    text = (
        "一、推进决策公开\n"
        "（一）做好重大决策预公开。\n"
        "公开重大行政决策事项目录。（责任单位：区司法局）\n"
        "重大决策草案公开征求意见，时间不少于30日。（责任单位：区直各部门）\n"
        "（二）做好政策解读。（责任单位：区政府办公室）\n"
    )
    result = parse_text(text)
    assert rows(result) == [
        ("一 （一） 1", "公开重大行政决策事", [], ["区司法局"]),
        ("一 （一） 2", "重大决策草案公开征", [], ["区直各部门"]),
        ("一 （二）", "做好政策解读。", [], ["区政府办公室"]),
    ]


def test_tab_separated_rows_with_missing_merged_cells():
    text = (
        "工作任务\t具体要求\t责任单位\n"
        "一、做好规划信息公开\t1.主动公开五年规划纲要。\t县发展改革局\n"
        "2.做好历史规划的归集整理工作。\n"
        "二、做好财政信息公开\t3.积极推进部门预算、决算公开。\t县财政局\n"
    )
    assert rows(parse_text(text)) == [
        ("一 1", "主动公开五年规划纲", [], ["县发展改革局"]),
        ("一 2", "做好历史规划的归集", [], ["县发展改革局"]),
        ("二 3", "积极推进部门预算、", [], ["县财政局"]),
    ]


def test_task_name_cell_then_numbered_detail_cell():
    text = (
        "工作任务 |\n具体要求 |\n落实单位 |\n"
        "明确工作机构 |\n1.确定本单位政务公开工作机构和一名负责人。 |\n各镇街(园区);市直各单位 |\n"
        "建立工作制度 |\n2.2026年底前制定本单位政务公开工作制度。 |\n市直各单位 |\n"
    )
    result = parse_text(text)
    assert [(i.path, i.title, i.text[:6], i.units) for i in result.items] == [
        (["1"], "明确工作机构", "确定本单位政", ["各镇街（园区）", "市直各单位"]),
        (["2"], "建立工作制度", "2026年底", ["市直各单位"]),
    ]
    assert kinds(result.items[1]) == ["once"]


def test_closing_matter_after_a_flattened_table_is_not_an_item():
    text = CELLS_WITH_PIPES + "\n附件：政务公开目录\n某县人民政府办公室\n2026年3月1日\n"
    result = parse_text(text)
    assert len(result.items) == 3
    assert result.items[-1].units == ["县融媒体中心"]
