"""The seed plan shipped in gongkai/plans/data: the acceptance table of its README (the answer
key, copied to tests/data), row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.plans.parsing import all_unit_names, parse_file, parse_text

DATA = Path(__file__).resolve().parent.parent / "data"
#: The seed plan as shipped with the app (the demo imports it too).
SEED = DATA / "seed_2017.txt"
#: Its answer key: the seed's README (shared/seed/README.md), kept beside the tests.
ANSWER_KEY = Path(__file__).resolve().parent / "data" / "seed_2017_expected.md"


def _expected_rows() -> list[tuple[str, str, set[str]]]:
    """(path, title begins with, responsible units) from the answer key's acceptance table."""
    text = ANSWER_KEY.read_text(encoding="utf-8")
    table = text.split("## What a correct import gives", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            assert int(cells[0]) == len(rows) + 1, line
            rows.append((cells[1], cells[2], {u.strip() for u in cells[3].split(",")}))
    return rows


EXPECTED = _expected_rows()

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


def test_the_seed_and_its_answer_key_are_in_the_repository():
    assert SEED.is_file() and ANSWER_KEY.is_file()
    assert len(EXPECTED) == 27


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
    keys = {"path", "title", "text", "lead_units", "units", "timing", "rules", "source"}
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


def test_seed_has_one_rule_set_per_item(result):
    from gongkai.plans.parsing.timing import _signature

    for item in result.items:
        signatures = [_signature(rule) for rule in item.rules()]
        assert len(signatures) == len(set(signatures)), (item.path, item.rules())
        assert len(item.rules()) <= len(item.timing)
    # 加强预期引导: 按月 and 每月25日前 … 及时 are one monthly rule due on the 25th
    eight = result.items[7]
    assert [(r["kind"], r.get("day")) for r in eight.rules()] == [("monthly", 25)]
