"""The seed plan (shared/seed): the acceptance table of its README, row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.plans.parsing import all_unit_names, parse_file, parse_text

SEED = Path("/work/shared/seed/000_b9d0d7dea662bf5e.txt")
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="seed plan not available")

# (path, title begins with, responsible units) — copied from seed/README.md
EXPECTED = [
    ("一 （一） 1", "深化政府工作部门权责清单公开工作", {"区党政办"}),
    ("一 （一） 2", "落实《广东省人民政府文件清理", {"区党政办"}),
    ("一 （一） 3", "优化完善网上办事大厅建设", {"区党政办"}),
    ("一 （二）", "推进农业供给侧结构性改革信息公开", {"区社区局"}),
    ("一 （三）", "推进财税体制改革信息公开", {"区发改财政局"}),
    ("一 （四）", "推进发展新产业、培育新动能", {"区科技产业局"}),
    ("一 （五）", "推进化解过剩产能工作信息公开", {"区科技产业局"}),
    ("二 （一）", "加强预期引导", {"区纪工委", "区发改财政局"}),
    ("二 （二） 1", "及时公开市人社局社会保险", {"区社会事业局"}),
    ("二 （二） 2", "及时公开市财政和我区相关税收政策", {"区发改财政局"}),
    ("二 （二） 3", "及时公开“三旧”改造信息", {"区社区局"}),
    ("二 （三）", "围绕防范金融风险推进公开", {"区发改财政局"}),
    ("三 （一）", "推进重大建设项目和公共资源配置信息公开", {"区发改财政局", "区党政办"}),
    ("三 （二）", "推进政府和社会资本合作（PPP）项目信息公开", {"区发改财政局"}),
    ("四 （一）", "推进环境保护信息公开", {"区建设环保局"}),
    ("四 （二） 1", "公开中小学招生意见", {"区社会事业局"}),
    ("四 （二） 2", "推行卫生计生重大民生决策事项", {"区社会事业局"}),
    ("四 （三）", "推进食品药品安全领域信息公开", {"区市场监管局"}),
    ("五 （一）", "推进国资国企信息公开", {"区发改财政局"}),
    ("五 （二）", "推进消费升级和产品质量提升工作信息公开", {"区市场监管局"}),
    ("五 （三）", "围绕促进房地产市场平稳健康发展推进公开", {"区建设环保局"}),
    ("五 （四）", "围绕防范遏制重特大生产安全事故推进公开", {"区安监局"}),
    ("六", "通过高新区政府门户网站公开平台", {"区社会事业局", "区社区局"}),
    ("七 （一）", "全面落实“五公开”工作机制", {"区党政办"}),
    ("七 （二）", "进一步健全解读回应机制", {"区党政办"}),
    ("七 （三）", "加强政务公开平台建设", {"区党政办"}),
    ("七 （四）", "依法规范依申请公开工作", {"区党政办"}),
]

# Rows 4–8, 12–15, 18–22, 24–27: the （一） heading is the title, the paragraph below is the text.
HEADING_TITLES = {4, 5, 6, 7, 8, 12, 13, 14, 15, 18, 19, 20, 21, 22, 24, 25, 26, 27}

# (task number, phrase, expected rule subset)
RHYTHMS = [
    (
        2,
        "文件废止和宣布失效之日起10个工作日内",
        {"kind": "event", "event": "abolition", "workdays": 10},
    ),
    (8, "按月", {"kind": "monthly", "day": "end"}),
    (8, "每月25日前", {"kind": "monthly", "day": 25}),
    (9, "每年", {"kind": "yearly"}),
    (13, "每月", {"kind": "monthly", "day": "end"}),
    (15, "每月", {"kind": "monthly", "day": "end"}),
    (15, "实时", {"kind": "continuous"}),
    (14, "定期", {"kind": "periodic", "interval_days": None}),
    (15, "定期", {"kind": "periodic", "interval_days": None}),
    (17, "定期", {"kind": "periodic", "interval_days": None}),
    (21, "每月定期", {"kind": "monthly", "day": "end"}),
    (26, "每月", {"kind": "monthly", "day": "end"}),
    (26, "年终", {"kind": "once", "month": 12, "day": "end"}),
    (27, "法定时限", {"kind": "statutory"}),
    (1, "及时", {"kind": "timely", "workdays": 20}),
    (8, "及时", {"kind": "timely", "workdays": 20}),
    (27, "及时", {"kind": "timely", "workdays": 20}),
]


@pytest.fixture(scope="module")
def result():
    return parse_file(SEED)


def test_seed_has_27_tasks_and_9_units(result):
    assert len(result.items) == 27
    assert len(all_unit_names(result)) == 9


@pytest.mark.parametrize(("number", "expected"), list(enumerate(EXPECTED, start=1)))
def test_seed_row(result, number, expected):
    path, begins, units = expected
    item = result.items[number - 1]
    assert " ".join(item.path) == path
    assert item.title.startswith(begins), item.title
    assert set(item.units) == units
    assert len(item.units) == len(units)
    assert item.text
    assert "责任单位" not in item.text


def test_seed_heading_is_title_and_paragraph_is_text(result):
    for number in HEADING_TITLES:
        item = result.items[number - 1]
        assert not item.text.startswith(item.title), (number, item.title)
    six = result.items[22]
    assert six.text.startswith("通过高新区政府门户网站公开平台，及时公开扶贫政策文件")
    assert result.items[3].text.startswith("公开推进农业供给侧结构性改革进展情况")
    assert result.items[0].text.startswith("深化政府工作部门权责清单公开工作，根据")


def test_seed_units_keep_written_order(result):
    assert result.items[7].units == ["区纪工委", "区发改财政局"]
    assert result.items[12].units == ["区发改财政局", "区党政办"]
    assert result.items[22].units == ["区社会事业局", "区社区局"]


@pytest.mark.parametrize(("number", "phrase", "rule"), RHYTHMS)
def test_seed_rhythms(result, number, phrase, rule):
    timing = result.items[number - 1].timing
    matches = [t for t in timing if t["phrase"] == phrase]
    assert matches, (number, phrase, timing)
    assert rule.items() <= matches[0]["rule"].items()
    assert matches[0]["rule"]["label"]


def test_seed_monthly_25_label(result):
    rule = next(t["rule"] for t in result.items[7].timing if t["phrase"] == "每月25日前")
    assert rule["label"] == "每月25日前（遇节假日提前至前一工作日）"


def test_seed_no_spurious_yearly_from_dated_years(result):
    """ "2016年度" and "2017年度" name a year; they are not a yearly rhythm."""
    for number in (1, 2):
        kinds = {t["rule"]["kind"] for t in result.items[number - 1].timing}
        assert "yearly" not in kinds


def test_seed_the_misnumbered_heading_is_reported(result):
    assert any("2、" in w and "二" in w for w in result.warnings)
    assert not any("未找到责任单位" in w for w in result.warnings)


def test_seed_sources_point_at_lines(result):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for item in result.items:
        line = lines[item.source["line"] - 1]
        assert item.path[-1].strip("（）") in line


def test_seed_to_dict_shape_and_json(result):
    data = result.to_dict()
    assert set(data) == {"items", "warnings"}
    keys = {"path", "title", "text", "lead_units", "units", "timing", "source"}
    for item in data["items"]:
        assert set(item) == keys
        for t in item["timing"]:
            assert set(t) == {"phrase", "rule"}
            assert "kind" in t["rule"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_seed_text_and_file_give_the_same(result):
    text = SEED.read_text(encoding="utf-8")
    assert parse_text(text).to_dict() == result.to_dict()


def test_seed_in_gb18030_and_traditional(result):
    from opencc import OpenCC

    text = SEED.read_text(encoding="utf-8")
    assert parse_file(text.encode("gb18030")).to_dict() == result.to_dict()
    traditional = OpenCC("s2t").convert(text)
    again = parse_text(traditional)
    assert [i.path for i in again.items] == [i.path for i in result.items]
    assert [i.units for i in again.items] == [i.units for i in result.items]
