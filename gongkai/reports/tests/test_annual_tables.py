"""The annual report's tables: every printed label as in rules.md §2 (国办公开办函〔2021〕30号),
table 二 from the catalog, 三 from the applications, 四 from the case register, and the checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog.models import Column, Item, ItemStatus, PublicState, Validity
from gongkai.foi import results
from gongkai.foi.statistics import annual_table
from gongkai.foi.tests.test_statistics import make
from gongkai.reports.annual import labels, tables
from gongkai.reports.annual.tables import check_three
from gongkai.reports.models import AnnualReport, ReviewCase

pytestmark = pytest.mark.django_db

# Copied from rules.md §2, character for character.
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
TWO = [
    (
        "第二十条第（一）项",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "行政规范性文件"],
    ),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["行政许可"]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["行政处罚", "行政强制"]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费"]),
]
FOUR = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_every_label_as_printed():
    assert [h for _k, h in labels.HEADINGS] == HEADINGS
    report = AnnualReport(year=2025, licensing=1, penalty=2, enforcement=3, fees=4)
    data = tables.build(report)
    got = data.as_json()["二"]
    assert [
        (title, block["columns"], [r["label"] for r in block["rows"]])
        for title, block in got.items()
    ] == TWO
    assert tuple(FOUR) == labels.FOUR_COLUMNS
    assert (labels.REVIEW, labels.LITIGATION, labels.DIRECT, labels.AFTER_REVIEW) == (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
    )
    assert (
        labels.CHECK_NOTE == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    )
    three = data.as_json()["三"]
    assert three["columns"] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert three["rows"][0]["label"] == "一、本年新收政府信息公开申请数量"
    assert three["rows"][-1]["label"] == "四、结转下年度继续办理"


def _doc(unit, column, *, number, written, validity="", changed=None, published=True):
    now = timezone.now()
    return Item.objects.create(
        column=column,
        unit=unit,
        title=f"文件{number}",
        index_number=f"IDX-{number}",
        publisher_name=unit.name,
        doc_number=number,
        written_date=written,
        status=ItemStatus.PUBLISHED if published else ItemStatus.DRAFT,
        public_state=PublicState.LIVE if published else PublicState.NONE,
        first_published_at=now if published else None,
        published_at=now if published else None,
        validity=validity,
        validity_date=changed,
    )


def test_table_two_counts_rules_and_normative_documents(unit_a, unit_b):
    d = dt.date
    policy = Column.objects.create(code="zcwj", name="政策文件", kind=Column.Kind.POLICY)
    sub = Column.objects.create(code="gfxwj", name="规范性文件", parent=policy)
    news = Column.objects.create(code="gzdt", name="工作动态", kind=Column.Kind.NEWS)
    _doc(unit_a, policy, number="珠海市人民政府令第12号", written=d(2025, 3, 1))  # 规章, new
    _doc(unit_a, sub, number="珠高规〔2025〕1号", written=d(2025, 5, 1))  # new, in force
    _doc(  # issued 2023, abolished in 2025
        unit_a,
        sub,
        number="珠高规〔2023〕2号",
        written=d(2023, 2, 1),
        validity=Validity.ABOLISHED,
        changed=d(2025, 6, 30),
    )
    _doc(  # issued 2024, abolished after the year: still in force at the end of 2025
        unit_a,
        sub,
        number="珠高规〔2024〕3号",
        written=d(2024, 2, 1),
        validity=Validity.EXPIRED,
        changed=d(2026, 1, 10),
    )
    _doc(unit_a, sub, number="珠高规〔2026〕1号", written=d(2026, 1, 5))  # after the year
    _doc(unit_a, sub, number="珠高规〔2025〕9号", written=d(2025, 8, 1), published=False)
    _doc(unit_a, news, number="珠高办〔2025〕7号", written=d(2025, 9, 1))  # not a policy column
    _doc(unit_b, sub, number="珠高规〔2025〕5号", written=d(2025, 9, 1))  # another unit
    whole = tables.build(AnnualReport(year=2025)).two[0]
    assert [r.values for r in whole.rows] == [[1, 0, 1], [2, 1, 3]]
    only_a = tables.build(AnnualReport(year=2025, unit=unit_a)).two[0]
    assert [r.values for r in only_a.rows] == [[1, 0, 1], [1, 1, 2]]


def test_table_four_counts_cases_filed_in_the_year(unit_a):
    d = dt.date
    K, R = ReviewCase.Kind, ReviewCase.Outcome
    for kind, outcome, filed, decided in [
        (K.REVIEW, R.MAINTAINED, d(2025, 2, 1), d(2025, 4, 1)),
        (K.REVIEW, R.CORRECTED, d(2025, 3, 1), d(2025, 5, 1)),
        (K.REVIEW, R.MAINTAINED, d(2025, 11, 1), d(2026, 1, 20)),  # decided after: pending
        (K.DIRECT, R.OTHER, d(2025, 6, 1), d(2025, 9, 1)),
        (K.AFTER_REVIEW, R.PENDING, d(2025, 7, 1), None),
        (K.REVIEW, R.MAINTAINED, d(2024, 7, 1), d(2025, 1, 5)),  # filed the year before
    ]:
        ReviewCase.objects.create(
            unit=unit_a, kind=kind, outcome=outcome, filed_date=filed, decided_date=decided
        )
    four = tables.build(AnnualReport(year=2025)).four
    assert four == {
        "review": [1, 1, 0, 1, 3],
        "direct": [0, 0, 1, 0, 1],
        "after_review": [0, 0, 0, 1, 1],
    }


def test_a_year_of_every_result_and_applicant_type_gives_the_exact_table_three(unit_a):
    """One application per result row, each in the next applicant column, replied in 2025,
    plus one received in 2024 and replied in 2025 and one still open at the end of 2025."""
    d = dt.date
    org_types = [None, "commercial", "research", "public_interest", "legal_service", "other"]
    expected: dict[str, dict[str, int]] = {}
    for n, result in enumerate(results.RESULTS):
        org = org_types[n % 6]
        column = org or "natural"
        make(unit_a, d(2025, 3, 1), org_type=org, replied=d(2025, 4, 1), result=result.key)
        expected.setdefault(result.key, {})[column] = 1
    make(unit_a, d(2024, 12, 1), replied=d(2025, 1, 20), result="disclose")
    make(unit_a, d(2025, 12, 15), org_type="commercial")
    table = annual_table(2025)
    assert table.ok, table.mismatches
    n = len(results.RESULTS)
    assert n == 21
    for result in results.RESULTS:
        values = dict(table.row(result.key).values)
        want = dict.fromkeys((*results.COLUMN_KEYS, "total"), 0)
        want.update(expected[result.key])
        if result.key == "disclose":
            want["natural"] += 1
        want["total"] = sum(v for k, v in want.items() if k != "total")
        assert values == want, result.key
    assert table.cell("received") == n + 1
    assert table.cell("carried_in") == 1
    assert table.cell("results_total") == n + 1
    assert table.cell("carried_out") == 1
    assert table.cell("carried_out", "commercial") == 1
    assert all(c.ok for c in check_three(table))


def test_the_checks_catch_a_broken_table(unit_a):
    make(unit_a, dt.date(2025, 3, 1), replied=dt.date(2025, 4, 1), result="disclose")
    table = annual_table(2025)
    assert all(c.ok for c in check_three(table))
    table.row("disclose").values["natural"] += 1  # 21 rows no longer add up to （七）
    failed = {c.name for c in check_three(table) if not c.ok}
    assert "三·自然人：（七）总计＝21项之和" in failed
    assert "三·各行：总计＝自然人＋法人或其他组织" in failed
    table.row("received").values["research"] += 1  # 一 + 二 ≠ 三（七） + 四
    table.row("received").values["total"] += 1
    failed = {c.name for c in check_three(table) if not c.ok}
    assert "三·科研机构：一＋二＝三（七）总计＋四" in failed


def test_unentered_figures_fail_a_check_until_entered():
    data = tables.build(AnnualReport(year=2025))
    assert not data.ok
    assert any("未填写：行政许可" in c.detail for c in data.checks)
    assert tables.build(AnnualReport(year=2025, licensing=0, penalty=0, enforcement=0, fees=0)).ok


def test_licensing_and_penalty_come_from_the_published_registers(unit_a):
    from gongkai.datasets.models import Dataset, Period, PeriodKind, PeriodStatus, Record

    dataset = Dataset.objects.create(
        slug="admin-penalty", title="行政处罚", unit=unit_a, period_kind=PeriodKind.REGISTER
    )
    period = Period.objects.create(
        dataset=dataset, key="register", status=PeriodStatus.PUBLISHED, published_revision=2
    )
    for n, (revision, day) in enumerate(
        [(2, "2025-03-01"), (2, "2025-11-30"), (2, "2024-12-31"), (1, "2025-05-05")]
    ):
        Record.objects.create(period=period, revision=revision, row=n, data={"decision_date": day})
    two = tables.build(AnnualReport(year=2025, unit=unit_a)).two
    penalty = next(r for b in two for r in b.rows if r.key == "penalty")
    licensing = next(r for b in two for r in b.rows if r.key == "licensing")
    assert penalty.values == [2]  # the published revision, decided in 2025
    assert licensing.values == [None]  # no register: staff enter it
    # a figure staff entered wins
    entered = tables.build(AnnualReport(year=2025, unit=unit_a, penalty=7)).two
    assert next(r for b in entered for r in b.rows if r.key == "penalty").values == [7]
