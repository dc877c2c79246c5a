"""Property tests: no input text makes the parser fail with anything but PlanParseError."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.plans.parsing import PlanParseError, parse_file, parse_text
from gongkai.plans.parsing import _parse_text as parse_text_unguarded
from gongkai.plans.parsing.timing import describe, detect

# Pieces real plans are made of, so that generated text reaches deep into the parser.
PIECES = [
    "一、",
    "2、",
    "（一）",
    "(四）",
    "1.",
    "1．",
    "1、",
    "（1）",
    "1）",
    "①",
    "1.1 ",
    "第一部分",
    "（责任单位：",
    "（牵头单位：",
    "；责任单位：",
    "区党政办",
    "区发改财政局、区社区局",
    "牵头",
    "配合",
    "负责落实",
    "分别牵头落实",
    "以上工作由",
    "（试行）",
    "（PPP）",
    "（2017年）",
    "）",
    "（",
    "(",
    ")",
    "，",
    "、",
    "。",
    "；",
    "：",
    "\n",
    "\n\n",
    "\t",
    " | ",
    "|",
    "序号",
    "工作任务",
    "责任单位",
    "完成时限",
    "每月25日前",
    "按月",
    "每季度",
    "之日起10个工作日内",
    "及时",
    "定期",
    "实时",
    "法定时限",
    "6月底前",
    "年底前",
    "推进政务公开",
    "責任單位",
    "區黨政辦",
    "《",
    "》",
    "“",
    "”",
]

plan_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map(
    "".join
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=400))
def test_parse_text_only_raises_plan_parse_error(text):
    try:
        result = parse_text(text)
    except PlanParseError:
        return
    json.dumps(result.to_dict(), ensure_ascii=False)


@FAST
@given(plan_like)
def test_plan_like_text_parses_without_internal_errors(text):
    """The unguarded parser: the safety net in parse_text must not be what saves us."""
    try:
        result = parse_text_unguarded(text)
    except PlanParseError as exc:
        # only an empty text or one with no unit or time anywhere is refused
        assert not text.strip() or "不像一份工作方案" in str(exc)
        return
    data = result.to_dict()
    json.dumps(data, ensure_ascii=False)
    for item in data["items"]:
        assert item["path"]
        assert all(isinstance(label, str) and label for label in item["path"])
        assert item["units"][: len(item["lead_units"])] == item["lead_units"]
        assert len(set(item["units"])) == len(item["units"])


@FAST
@given(st.binary(max_size=300))
def test_parse_file_only_raises_plan_parse_error(data):
    with contextlib.suppress(PlanParseError):
        parse_file(data)


@FAST
@given(plan_like)
def test_every_detected_rule_has_a_label(text):
    for found in detect(text):
        assert found["phrase"]
        assert found["rule"]["label"] == describe(found["rule"])
        json.dumps(found, ensure_ascii=False)


CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "序号",
            "类别",
            "工作任务",
            "具体要求",
            "责任单位",
            "牵头单位",
            "配合单位",
            "完成时限",
            "备注",
            "一、深化改革",
            "（二）公共服务",
            "1",
            "推进A公开",
            "推进B公开（责任单位：区审计局）",
            "区党政办",
            "区党政办牵头，区社区局配合",
            "每月25日前",
            "2017-06-30",
        ]
    ),
    st.text(max_size=8),
)


@FAST
@given(st.lists(st.lists(CELLS, max_size=7), max_size=12))
def test_any_table_builds_without_internal_errors(table_rows):
    from gongkai.plans.parsing.blocks import Table
    from gongkai.plans.parsing.outline import OutlineBuilder

    sources = [{"table": 1, "row": n} for n in range(1, len(table_rows) + 1)]
    result = OutlineBuilder(frozenset()).build([Table(table_rows, sources)])
    json.dumps(result.to_dict(), ensure_ascii=False)
    for item in result.items:
        assert item.path and all(item.path)


SEPARATORS = st.sampled_from([" |\n", "\n|\n", "\n\n", " | ", "\n", " ||\n", "\n    "])


@FAST
@given(
    st.lists(CELLS, min_size=2, max_size=5),
    st.lists(st.tuples(CELLS, SEPARATORS), max_size=40),
)
def test_flattened_tables_parse_without_internal_errors(header, body):
    """Header cells, then any cells joined the ways web pages flatten tables: the unguarded
    parser reaches the cell-stream reader and never fails with anything but PlanParseError."""
    text = " |\n".join(header) + " |\n" + "".join(cell + sep for cell, sep in body)
    try:
        result = parse_text_unguarded(text)
    except PlanParseError as exc:
        assert not text.strip() or "不像一份工作方案" in str(exc)
        return
    json.dumps(result.to_dict(), ensure_ascii=False)
    for item in result.items:
        assert item.path and all(item.path)
        assert item.units[: len(item.lead_units)] == item.lead_units
        assert len(set(item.units)) == len(item.units)
        assert len(item.rules()) <= len(item.timing)
