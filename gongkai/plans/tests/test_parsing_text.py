"""Plain-text plans: numbering variants, unit trailers, groups, parentheses, characters."""

from __future__ import annotations

import pytest

from gongkai.plans.parsing import parse_text
from gongkai.plans.parsing.normalize import normalize_text
from gongkai.plans.parsing.numbering import match
from gongkai.plans.parsing.trailers import extract as extract_normalised
from gongkai.plans.parsing.trailers import is_unit_like
from gongkai.plans.parsing.trailers import trailer_line as trailer_line_normalised


def extract(paragraph, known=frozenset()):
    return extract_normalised(normalize_text(paragraph), known)


def trailer_line(line):
    return trailer_line_normalised(normalize_text(line))


def paths(result):
    return [" ".join(item.path) for item in result.items]


def by_path(result):
    return {" ".join(item.path): item for item in result.items}


# -- numbering ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "label", "rest"),
    [
        ("一、进一步推进公开", "cn", "一", "进一步推进公开"),
        ("十二、其他", "cn", "十二", "其他"),
        ("一.加强", "cn", "一", "加强"),
        ("（一）推进公开。", "paren_cn", "（一）", "推进公开。"),
        ("（十一）推进公开", "paren_cn", "（十一）", "推进公开"),
        ("一）推进公开", "paren_cn", "（一）", "推进公开"),
        ("1.深化", "arabic", "1", "深化"),
        ("1．深化", "arabic", "1", "深化"),
        ("1、深化", "arabic", "1", "深化"),
        ("12. 深化", "arabic", "12", "深化"),
        ("（1）做好", "paren_arabic", "（1）", "做好"),
        ("1）做好", "paren_arabic", "（1）", "做好"),
        ("⑴做好", "paren_arabic", "（1）", "做好"),
        ("①做好", "circled", "①", "做好"),
        ("⑫ 做好", "circled", "⑫", "做好"),
        ("1.1 做好", "decimal", "1.1", "做好"),
        ("2.3.1做好", "decimal", "2.3.1", "做好"),
        ("第一部分 总体要求", "part", "第一部分", "总体要求"),
    ],
)
def test_numbering_styles(line, kind, label, rest):
    marker = match(line)
    assert marker is not None
    assert (marker.kind, marker.label, marker.rest) == (kind, label, rest)


@pytest.mark.parametrize(
    "line",
    ["2017年度工作", "1.5亿元资金", "一是加强领导", "10个工作日内", "1.", "（2017年）", "十分重要"],
)
def test_not_numbering(line):
    assert match(line) is None


def test_all_levels_nest():
    result = parse_text(
        "一、总体\n（一）分项\n1.具体\n（1）细项\n①要点甲（责任单位：区党政办）\n②要点乙（责任单位：区党政办）\n"
    )
    assert paths(result) == ["一 （一） 1 （1） ①", "一 （一） 1 （1） ②"]
    assert result.warnings == []


def test_mixed_brackets_and_separators():
    text = (
        "一、甲\n"
        "(一)做好A。（责任单位：区党政办）\n"
        "（二)做好B。（责任单位：区党政办）\n"
        "(三）做好C。（责任单位：区党政办）\n"
        "二、乙\n"
        "1、做好D（责任单位：区党政办）\n"
        "2．做好E（责任单位：区党政办）\n"
        "3.做好F（责任单位：区党政办）\n"
    )
    assert paths(parse_text(text)) == [
        "一 （一）",
        "一 （二）",
        "一 （三）",
        "二 1",
        "二 2",
        "二 3",
    ]


def test_arabic_top_level_among_chinese_numerals():
    text = (
        "一、第一部分\n（一）甲。\n内容甲。（责任单位：区党政办）\n"
        "2、第二部分\n（一）乙。\n内容乙。（责任单位：区党政办）\n"
        "三、第三部分\n（一）丙。\n内容丙。（责任单位：区党政办）\n"
    )
    result = parse_text(text)
    assert paths(result) == ["一 （一）", "二 （一）", "三 （一）"]
    assert any("2、" in w for w in result.warnings)


def test_arabic_items_continuing_are_not_promoted():
    text = (
        "一、甲\n1.做好A（责任单位：区党政办）\n2.做好B（责任单位：区党政办）\n"
        "二、乙\n1.做好C（责任单位：区党政办）\n"
    )
    assert paths(parse_text(text)) == ["一 1", "一 2", "二 1"]


def test_skipped_levels_nest_by_style():
    text = "一、甲\n1.做好A（责任单位：区党政办）\n二、乙\n①做好B（责任单位：区党政办）\n"
    assert paths(parse_text(text)) == ["一 1", "二 ①"]


def test_gap_in_numbering_is_warned():
    text = "一、甲（责任单位：区党政办）\n三、丙（责任单位：区党政办）\n"
    result = parse_text(text)
    assert paths(result) == ["一", "三"]
    assert any("不连续" in w for w in result.warnings)


def test_unrecognised_numbering_is_warned_and_kept_as_text():
    text = "一、甲\nA.做好甲工作（责任单位：区党政办）\n"
    result = parse_text(text)
    assert any("未识别的编号" in w for w in result.warnings)
    assert result.items[0].text.endswith("A.做好甲工作")


def test_no_numbering_paragraphs_become_items():
    text = (
        "2017年政务公开工作要点\n"
        "为做好今年政务公开工作，特制定本方案。\n"
        "做好政府网站建设。（责任单位：区党政办）\n"
        "推进预决算公开，每季度更新。（责任单位：区财政局）\n"
        "做好依申请公开工作\n"
        "区党政办牵头落实\n"
    )
    result = parse_text(text)
    assert paths(result) == ["1", "2", "3"]
    assert [i.units for i in result.items] == [["区党政办"], ["区财政局"], ["区党政办"]]
    assert result.items[2].lead_units == ["区党政办"]
    assert result.items[1].title == "推进预决算公开"


def test_heading_with_text_below_and_text_only_area():
    text = (
        "一、甲领域\n（一）推进甲公开。\n    公开甲的情况，按月更新。（责任单位：区党政办）\n"
        "二、乙领域\n    通过网站公开乙信息，及时更新。（责任单位：区社区局）\n"
    )
    result = by_path(parse_text(text))
    first = result["一 （一）"]
    assert (first.title, first.text) == ("推进甲公开", "公开甲的情况，按月更新。")
    area = result["二"]
    assert (area.title, area.text) == ("通过网站公开乙信息", "通过网站公开乙信息，及时更新。")


def test_numbered_line_with_the_task_gets_first_clause_title():
    result = parse_text("一、甲\n1.深化权责清单公开，根据情况动态调整。（责任单位：区党政办）\n")
    item = result.items[0]
    assert item.title == "深化权责清单公开"
    assert item.text == "深化权责清单公开，根据情况动态调整。"


def test_hard_wrapped_lines_are_joined():
    text = (
        "一、甲\n"
        "1.深化政府工作部门权责清单公开工作，根据权责事项取消、下放、\n"
        "承接情况进行动态调整。（责任单位：区党政办）\n"
    )
    item = parse_text(text).items[0]
    assert (
        item.text
        == "深化政府工作部门权责清单公开工作，根据权责事项取消、下放、承接情况进行动态调整。"
    )
    assert item.units == ["区党政办"]


def test_closing_lines_are_not_a_task():
    text = (
        "一、甲\n1.做好A。（责任单位：区党政办）\n2.做好B。（责任单位：区社区局）\n"
        "\n珠海高新区管委会办公室\n2017年5月2日\n"
    )
    result = parse_text(text)
    assert paths(result) == ["一 1", "一 2"]
    assert result.items[1].text == "做好B。"


# -- unit trailers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "lead", "units"),
    [
        ("做好A。（责任单位：区党政办、区社区局）", [], ["区党政办", "区社区局"]),
        (
            "做好A。（牵头单位：区发改局；责任单位：区财政局、区统计局）",
            ["区发改局"],
            ["区发改局", "区财政局", "区统计局"],
        ),
        (
            "做好A。（责任单位：区财政局；牵头单位：区发改局）",
            ["区发改局"],
            ["区发改局", "区财政局"],
        ),
        (
            "做好A。（牵头单位：区发改局；配合单位：区财政局）",
            ["区发改局"],
            ["区发改局", "区财政局"],
        ),
        (
            "做好A（区党政办牵头，区社区局、区科技局配合）",
            ["区党政办"],
            ["区党政办", "区社区局", "区科技局"],
        ),
        ("做好A(区党政办、区社区局负责落实)", [], ["区党政办", "区社区局"]),
        (
            "做好A(区党政办牵头,区社区局、区科技局负责落实)",
            ["区党政办"],
            ["区党政办", "区社区局", "区科技局"],
        ),
        ("做好A(区党政办、区社区局分别负责落实)", [], ["区党政办", "区社区局"]),
        ("做好A。（区党政办、区社区局）", [], ["区党政办", "区社区局"]),
        ("做好A。（责任单位：区党政办（牵头）、区社区局）", ["区党政办"], ["区党政办", "区社区局"]),
        ("做好A。（责任单位：各镇（街道）、区社区局等）", [], ["各镇（街道）", "区社区局等"]),
        ("做好A。（由区党政办会同区社区局负责）", ["区党政办"], ["区党政办", "区社区局"]),
        ("做好A。责任单位：区党政办、区社区局", [], ["区党政办", "区社区局"]),
        ("做好A。区党政办牵头，区社区局配合。", ["区党政办"], ["区党政办", "区社区局"]),
        ("做好A。（责任单位：区党政办、区党政办）", [], ["区党政办"]),
    ],
)
def test_trailer_forms(paragraph, lead, units):
    text, found = extract(paragraph)
    assert text.startswith("做好A")
    assert "单位" not in text
    assert found.lead == lead
    assert found.all == units


@pytest.mark.parametrize(
    "paragraph",
    [
        "印发《政务公开工作规范（试行）》",
        "推进政府和社会资本合作（PPP）项目信息公开",
        "公布年度报告（2017年）",
        "落实要求（粤府函〔2017〕65号），清理文件",
        "公开至村（居）级",
        "做好信息发布（含落实情况）",
        "加强平台建设（全部）",
        "通过门户网站发布（政府网站）",
        "召开新闻发布会（发布会）",
        "组织专项行动（加快推进）",
    ],
)
def test_parentheses_that_are_task_text(paragraph):
    text, found = extract(paragraph)
    assert not found
    assert text == paragraph


def test_known_units_make_a_bare_list_a_trailer():
    text, found = extract("做好A。（甲乙丙、区党政办）", frozenset({"甲乙丙"}))
    assert found.all == ["甲乙丙", "区党政办"]
    assert text == "做好A。"
    _, nothing = extract("做好A。（甲乙丙、区党政办）")
    assert not nothing


def test_known_units_split_names_written_together():
    known = frozenset({"区党政办", "区社区局"})
    result = parse_text("一、甲（责任单位：区党政办区社区局）\n", known_units=known)
    assert result.items[0].units == ["区党政办", "区社区局"]


@pytest.mark.parametrize(
    ("line", "lead", "units"),
    [
        ("区党政办牵头落实", ["区党政办"], ["区党政办"]),
        ("区党政办、区社区局分别牵头落实", ["区党政办", "区社区局"], ["区党政办", "区社区局"]),
        ("责任单位：区党政办、区社区局", [], ["区党政办", "区社区局"]),
        ("（责任单位：区党政办）", [], ["区党政办"]),
        ("区党政办牵头，区社区局配合。", ["区党政办"], ["区党政办", "区社区局"]),
    ],
)
def test_separate_trailer_lines(line, lead, units):
    found = trailer_line(line)
    assert found is not None
    assert (found.lead, found.all) == (lead, units)


@pytest.mark.parametrize(
    "line", ["加强督促检查，确保落实。", "做好信息公开工作。", "推动工作落实", "积极参与"]
)
def test_ordinary_lines_are_not_trailers(line):
    assert trailer_line(line) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("区党政办", True),
        ("市发展改革委", True),
        ("区社会事业局", True),
        ("高新区管委会", True),
        ("唐家湾镇", True),
        ("各镇（街道）", True),
        ("市妇联", True),
        ("市委", True),
        ("试行", False),
        ("PPP", False),
        ("2017年", False),
        ("全部", False),
        ("学科", False),
        ("政府网站", False),
    ],
)
def test_unit_like_names(name, expected):
    assert is_unit_like(name) is expected


def test_separate_line_after_the_task_text():
    text = "一、甲\n（一）做好A工作。\n区党政办牵头落实\n（二）做好B工作。\n区党政办、区社区局分别牵头落实\n"
    result = by_path(parse_text(text))
    assert result["一 （一）"].lead_units == ["区党政办"]
    assert result["一 （二）"].units == ["区党政办", "区社区局"]
    assert result["一 （二）"].lead_units == ["区党政办", "区社区局"]
    assert "牵头" not in result["一 （二）"].text


def test_heading_trailer_applies_to_leaves_without_units():
    text = (
        "一、加强平台建设（责任单位：区党政办）\n"
        "（一）做好网站集约化（试行）。\n"
        "（二）做好公报工作。（责任单位：区档案馆）\n"
        "二、其他（区党政办牵头，区社区局配合）\n"
        "（一）做好甲工作。\n"
    )
    result = by_path(parse_text(text))
    assert result["一 （一）"].units == ["区党政办"]
    assert result["一 （一）"].title == "做好网站集约化（试行）"
    assert result["一 （二）"].units == ["区档案馆"]
    assert result["二 （一）"].lead_units == ["区党政办"]
    assert result["二 （一）"].units == ["区党政办", "区社区局"]


def test_trailer_line_after_a_group_with_yishang():
    text = (
        "一、其他工作\n（一）做好甲工作。\n（二）做好乙工作。\n（三）做好丙工作。（责任单位：区审计局）\n"
        "以上工作由区党政办牵头，区社区局配合。\n"
    )
    result = by_path(parse_text(text))
    assert result["一 （一）"].units == ["区党政办", "区社区局"]
    assert result["一 （二）"].lead_units == ["区党政办"]
    assert result["一 （三）"].units == ["区审计局"]


def test_item_without_units_is_warned():
    result = parse_text("一、甲\n1.做好A工作。\n2.做好B工作。（责任单位：区党政办）\n")
    assert result.items[0].units == []
    assert any("未找到责任单位" in w and "一 1" in w for w in result.warnings)


# -- characters --------------------------------------------------------------------------


def test_traditional_characters_are_simplified():
    text = "一、進一步推進政務公開\n（一）推進權責清單公開，按月更新。（責任單位：區黨政辦、區發改財政局）\n"
    item = parse_text(text).items[0]
    assert item.title == "推进权责清单公开"
    assert item.units == ["区党政办", "区发改财政局"]
    assert [t["phrase"] for t in item.timing] == ["按月"]


def test_half_width_punctuation_is_normalised():
    text = "一、甲\n(二)推進財政預決算公開;每月25日前發布.(責任單位:區財政局)\n"
    item = parse_text(text).items[0]
    assert item.path == ["一", "（二）"]
    assert item.text == "推进财政预决算公开；每月25日前发布。"
    assert item.units == ["区财政局"]
    assert item.timing[0]["rule"] == {
        "kind": "monthly",
        "day": 25,
        "label": "每月25日前（遇节假日提前至前一工作日）",
    }


def test_full_width_letters_digits_and_spaces():
    text = "一、甲\n１．推进ＰＰＰ项目公开，每月２５日前更新。（责任单位：区发改局）\n"
    item = parse_text(text).items[0]
    assert item.path == ["一", "1"]
    assert item.title == "推进PPP项目公开"
    assert item.timing[0]["rule"]["day"] == 25


def test_numbers_keep_their_commas_and_colons():
    item = parse_text("一、甲\n1.投入1,000万元，10:30前发布。（责任单位：区财政局）\n").items[0]
    assert "1,000万元" in item.text
    assert "10:30" in item.text


def test_last_item_with_trailer_on_its_heading_keeps_its_text():
    text = "一、甲\n（一）推进财税公开。（责任单位：区财政局）\n    在网站设立预决算公开专栏。\n"
    item = parse_text(text).items[0]
    assert item.title == "推进财税公开"
    assert item.text == "推进财税公开。\n在网站设立预决算公开专栏。"
    assert item.units == ["区财政局"]


def test_text_after_a_closed_item_in_the_middle_stays_with_it():
    text = (
        "一、甲\n1.做好A工作。（责任单位：区党政办）\n注：A工作包括网站和新媒体。\n"
        "2.做好B工作。（责任单位：区社区局）\n"
    )
    result = parse_text(text)
    assert result.items[0].text == "做好A工作。\n注：A工作包括网站和新媒体。"
    assert result.warnings == []


def test_a_long_heading_is_not_joined_to_the_text_below():
    text = (
        "一、进一步推进深化改革和重点领域信息公开工作的主要任务安排\n"
        "通过门户网站公开改革信息，及时更新。（责任单位：区党政办）\n"
        "二、其他\n（一）做好其他工作。（责任单位：区社区局）\n"
    )
    result = parse_text(text)
    assert result.items[0].text == "通过门户网站公开改革信息，及时更新。"
    assert result.sections[0].title == "进一步推进深化改革和重点领域信息公开工作的主要任务安排"


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        # 会 (会同, 会办) between two unit names: two units, no lead
        ("宣传处会办公室", [("宣传处", "responsible"), ("办公室", "responsible")]),
        ("市委宣传部会市网信办", [("市委宣传部", "responsible"), ("市网信办", "responsible")]),
        # names that contain or end in 会 stay whole
        ("区总工会", [("区总工会", "responsible")]),
        ("区科技局会展中心", [("区科技局会展中心", "responsible")]),
        ("区财政局会计核算中心", [("区财政局会计核算中心", "responsible")]),
        ("高新区管委会", [("高新区管委会", "responsible")]),
    ],
)
def test_hui_between_units_splits_a_units_cell(cell, names):
    from gongkai.plans.parsing.trailers import parse_units

    assert parse_units(cell, trusted=True).entries == names
