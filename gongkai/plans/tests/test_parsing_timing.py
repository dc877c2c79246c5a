"""Rhythm phrases → rules, and the plain meaning of each rule."""

from __future__ import annotations

import pytest

from gongkai.plans.parsing.timing import describe, detect


def rules(text):
    return [
        (t["phrase"], {k: v for k, v in t["rule"].items() if k != "label"}) for t in detect(text)
    ]


@pytest.mark.parametrize(
    ("text", "phrase", "rule"),
    [
        ("6月底前完成", "6月底前", {"kind": "once", "month": 6, "day": "end"}),
        ("9月30日前完成", "9月30日前", {"kind": "once", "month": 9, "day": 30}),
        ("年底前完成", "年底前", {"kind": "once", "month": 12, "day": "end"}),
        (
            "2017年底前完成",
            "2017年底前",
            {"kind": "once", "month": 12, "day": "end", "year": 2017},
        ),
        (
            "2017年10月15日前完成",
            "2017年10月15日前",
            {"kind": "once", "month": 10, "day": 15, "year": 2017},
        ),
        ("上半年完成", "上半年", {"kind": "once", "month": 6, "day": "end"}),
        ("三季度末前完成", "三季度末前", {"kind": "once", "month": 9, "day": "end"}),
        ("十二月底前完成", "十二月底前", {"kind": "once", "month": 12, "day": "end"}),
        ("每月25日前发布", "每月25日前", {"kind": "monthly", "day": 25}),
        ("每月二十五日前发布", "每月二十五日前", {"kind": "monthly", "day": 25}),
        ("按月公开", "按月", {"kind": "monthly", "day": "end"}),
        ("每月公开", "每月", {"kind": "monthly", "day": "end"}),
        ("每月底前公开", "每月底前", {"kind": "monthly", "day": "end"}),
        ("每月上旬公开", "每月上旬", {"kind": "monthly", "day": 10}),
        ("每季度公开", "每季度", {"kind": "quarterly"}),
        ("按季度公开", "按季度", {"kind": "quarterly"}),
        ("每半年公开", "每半年", {"kind": "half_yearly"}),
        ("每年公开", "每年", {"kind": "yearly"}),
        ("编制年度报告", "年度", {"kind": "yearly"}),
        ("每年3月底前公开", "每年3月底前", {"kind": "yearly", "month": 3, "day": "end"}),
        ("每周更新", "每周", {"kind": "weekly"}),
        ("每天监测", "每天", {"kind": "daily"}),
        (
            "在文件废止和宣布失效之日起10个工作日内标注",
            "文件废止和宣布失效之日起10个工作日内",
            {
                "kind": "event",
                "event": "abolition",
                "event_text": "文件废止和宣布失效",
                "workdays": 10,
            },
        ),
        (
            "应当自文件印发之日起5个工作日内公开",
            "文件印发之日起5个工作日内",
            {"kind": "event", "event": "issuance", "event_text": "文件印发", "workdays": 5},
        ),
        (
            "收到申请后15个工作日内答复",
            "收到申请后15个工作日内",
            {"kind": "event", "event": "receipt", "event_text": "收到申请", "workdays": 15},
        ),
        (
            "自信息形成之日起20日内公开",
            "信息形成之日起20日内",
            {"kind": "event", "event": "formation", "event_text": "信息形成", "days": 20},
        ),
        (
            "持续推进信息公开",
            "持续推进",
            {"kind": "continuous", "report_every": "half_yearly"},
        ),
        ("实时发布环评信息", "实时", {"kind": "continuous"}),
        ("常态化开展", "常态化", {"kind": "continuous"}),
        ("定期更新", "定期", {"kind": "periodic", "interval_days": None}),
        ("及时公开", "及时", {"kind": "timely", "workdays": 20}),
        ("严格按照法定时限答复", "法定时限", {"kind": "statutory"}),
    ],
)
def test_phrases(text, phrase, rule):
    assert rules(text) == [(phrase, rule)]


@pytest.mark.parametrize(
    "text",
    [
        "公布2016年度行政审批情况",
        "上年度工作总结",
        "保证公开的及时性",
        "三年内完成",
        "发布上月度数据",
        "推进政务公开",
        "13月底前",
    ],
)
def test_no_phrase(text):
    assert rules(text) == []


def test_out_of_range_day_is_not_a_rule():
    assert rules("每月35日前") == [("每月", {"kind": "monthly", "day": "end"})]


def test_order_and_no_duplicates():
    text = "按月公开；每月25日前及时发布；每月更新，及时报送；定期公布，定期通报"
    assert [p for p, _ in rules(text)] == ["按月", "每月25日前", "及时", "定期"]


def test_monthly_with_regular_is_one_monthly_rule():
    assert rules("每月定期发布当月房地产交易信息") == [
        ("每月定期", {"kind": "monthly", "day": "end"})
    ]


def test_year_end_evaluation_and_monthly_spot_check():
    assert rules("每月抽查和年终考评") == [
        ("每月", {"kind": "monthly", "day": "end"}),
        ("年终", {"kind": "once", "month": 12, "day": "end"}),
    ]


@pytest.mark.parametrize(
    ("rule", "label"),
    [
        ({"kind": "monthly", "day": 25}, "每月25日前（遇节假日提前至前一工作日）"),
        ({"kind": "monthly", "day": "end"}, "每月月底前（遇节假日提前至前一工作日）"),
        ({"kind": "once", "month": 6, "day": "end"}, "6月底前完成（6月30日前）"),
        ({"kind": "once", "month": 2, "day": "end"}, "2月底前完成"),
        ({"kind": "once", "month": 9, "day": 30}, "9月30日前完成"),
        ({"kind": "periodic", "interval_days": None}, "定期：周期由统筹单位设定"),
        ({"kind": "periodic", "interval_days": 30}, "定期：每30天一次"),
        ({"kind": "statutory"}, None),
        ({"kind": "nonsense"}, "未识别的时间要求"),
    ],
)
def test_describe(rule, label):
    text = describe(rule)
    assert text
    if label is not None:
        assert text == label


def test_describe_event_and_timely_state_the_days():
    event = {"kind": "event", "event": "abolition", "event_text": "文件废止", "workdays": 10}
    assert describe(event) == "自文件废止之日起10个工作日内完成（按工作日历计算）"
    assert "20个工作日" in describe({"kind": "timely", "workdays": 20})
    assert "第二十六条" in describe({"kind": "timely", "workdays": 20})


def test_rules_carry_their_label():
    (found,) = detect("每月25日前发布")
    assert found["rule"]["label"] == describe(found["rule"])


@pytest.mark.parametrize(
    ("text", "phrase", "rule"),
    [
        ("每月5日前报送", "每月5日前", {"kind": "monthly", "day": 5}),
        (
            "每季度结束后10个工作日内公开",
            "每季度结束后10个工作日内",
            {"kind": "quarterly", "workdays": 10},
        ),
        (
            "2026年10月16日前完成",
            "2026年10月16日前",
            {"kind": "once", "month": 10, "day": 16, "year": 2026},
        ),
        (
            "2026年9月底前完成",
            "2026年9月底前",
            {"kind": "once", "month": 9, "day": "end", "year": 2026},
        ),
        (
            "方案批复后20日内公开",
            "批复后20日内",
            {"kind": "event", "event": "decision", "event_text": "方案批复", "days": 20},
        ),
        (
            "收到申请之日起15个工作日内答复",
            "收到申请之日起15个工作日内",
            {"kind": "event", "event": "receipt", "event_text": "收到申请", "workdays": 15},
        ),
        ("全年持续公开", "全年", {"kind": "continuous"}),
        ("长期坚持", "长期坚持", {"kind": "continuous"}),
        ("持续推进", "持续推进", {"kind": "continuous"}),
    ],
)
def test_new_phrases(text, phrase, rule):
    found = rules(text)
    assert found[0][0].endswith(phrase) or phrase.endswith(found[0][0])
    assert {k: v for k, v in found[0][1].items() if k in rule} == rule


def _effective(text, deadline=""):
    from gongkai.plans.parsing.timing import effective, with_explicit

    return [
        {k: v for k, v in r.items() if k != "label"}
        for r in effective(with_explicit(deadline, text))
    ]


def test_explicit_time_wins_and_no_two_rules_give_the_same_periods():
    # the 时限 column wins over every word in the text
    assert _effective("按月公开，及时发布", "每月25日前") == [{"kind": "monthly", "day": 25}]
    # in the text alone: the specific monthly day wins over 按月, 及时 gives way to a cadence
    assert _effective("按月公开，每月25日前及时发布") == [{"kind": "monthly", "day": 25}]
    # 年底前 and 每年 both make one period due at year end: one rule
    assert _effective("年底前完成，每年更新") == [{"kind": "once", "month": 12, "day": "end"}]
    # words that only say how stay when nothing else is said
    assert [r["kind"] for r in _effective("及时公开")] == ["timely"]
    # different periods are kept
    assert [r["kind"] for r in _effective("每月更新，年终总结")] == ["monthly", "once"]
