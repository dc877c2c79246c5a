"""Section 三 of the annual report: exact rows and columns, carry-over across year ends, the
check 一 + 二 = 三（七）总计 + 四 per column."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from gongkai.foi import results, statistics
from gongkai.foi.models import Application, Status
from gongkai.foi.tests.factories import application
from gongkai.foi.tests.test_results import EXPECTED_ROWS

pytestmark = pytest.mark.django_db

ORG = {"applicant_type": "legal", "org_name": "某某公司", "legal_representative": "赵六"}
_n = iter(range(10_000))


def _aware(day: dt.date | dt.datetime | None) -> dt.datetime | None:
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return timezone.make_aware(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))


def make(unit, received, *, org_type=None, replied=None, closed=None, result=""):
    fields = {"id_type": "passport", "id_number": f"E{next(_n):08d}"}
    if org_type:
        fields.update(ORG, org_type=org_type)
    app = application(received=received, unit=unit, **fields)
    status = Status.REPLIED if replied else Status.CLOSED if closed else Status.PROCESSING
    Application.objects.filter(pk=app.pk).update(
        replied_at=_aware(replied), closed_at=_aware(closed), result=result, status=status
    )
    app.refresh_from_db()
    return app


@pytest.fixture
def dataset(unit_a, unit_b):
    d = dt.date
    return {
        "A": make(unit_a, d(2024, 12, 20), replied=d(2025, 1, 10), result="disclose"),
        "B": make(unit_a, d(2025, 3, 3), replied=d(2025, 3, 20), result="deny.state_secret"),
        "C": make(
            unit_a, d(2025, 12, 22), org_type="commercial", replied=d(2026, 1, 8), result="partial"
        ),
        "D": make(unit_a, d(2025, 12, 30), org_type="research"),
        "E": make(unit_a, d(2026, 2, 2), replied=d(2026, 2, 20), result="unable.not_held"),
        "F": make(unit_a, d(2026, 11, 20), org_type="legal_service"),
        "G": make(
            unit_a,
            d(2026, 6, 1),
            org_type="public_interest",
            closed=d(2026, 6, 30),
            result="other.fee_unpaid",
        ),
        "H": make(
            unit_a, d(2026, 3, 2), org_type="other", closed=d(2026, 3, 20), result="other.withdrawn"
        ),
        "I": make(unit_a, d(2024, 5, 6), replied=d(2026, 3, 2), result="reject.repeat"),
        # received on New Year's Eve, replied at 00:30 Beijing time on 1 January (16:30 UTC the day before)
        "K": make(
            unit_a, d(2025, 12, 31), replied=dt.datetime(2026, 1, 1, 0, 30), result="disclose"
        ),
        "J": make(unit_b, d(2026, 4, 1), replied=d(2026, 4, 20), result="disclose"),
    }


def _row(table, key):
    return dict(table.row(key).values)


def z(**values):
    out = dict.fromkeys((*results.COLUMN_KEYS, "total"), 0)
    out.update(values)
    out["total"] = sum(v for k, v in out.items() if k != "total")
    return out


def test_rows_in_printed_order_with_exact_labels():
    table = statistics.annual_table(2026)
    labels = [row.label for row in table.rows]
    expected = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
    ]
    seen = set()
    for _key, group, item in EXPECTED_ROWS:
        if item and group not in seen:
            seen.add(group)
            expected.append(group)
        expected.append(item or group)
    expected += ["（七）总计", "四、结转下年度继续办理"]
    assert labels == expected
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "3.危及“三安全一稳定”" in labels
    assert [label for _k, label in table.columns] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert (
        table.check_note == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    )
    # 21 data rows + （七）总计 under 三
    assert sum(1 for r in table.rows if r.key in results.RESULT_BY_KEY) == 21


def test_the_year_adds_up_with_carry_over_across_year_ends(dataset, unit_a):
    t26 = statistics.annual_table(2026, unit=unit_a)
    assert t26.ok, t26.mismatches
    t26.check()
    assert _row(t26, "received") == z(natural=1, legal_service=1, public_interest=1, other=1)
    assert _row(t26, "carried_in") == z(natural=2, commercial=1, research=1)
    assert _row(t26, "partial") == z(commercial=1)
    assert _row(t26, "unable.not_held") == z(natural=1)
    assert _row(t26, "other.fee_unpaid") == z(public_interest=1)
    assert _row(t26, "other.other") == z(other=1)  # closed as withdrawn
    assert _row(t26, "reject.repeat") == z(natural=1)
    assert _row(t26, "disclose") == z(natural=1)  # K, replied 1 January Beijing time
    assert _row(t26, "results_total") == z(natural=3, commercial=1, public_interest=1, other=1)
    assert _row(t26, "carried_out") == z(research=1, legal_service=1)
    for key, _label in results.ALL_COLUMNS:
        assert t26.cell("received", key) + t26.cell("carried_in", key) == t26.cell(
            "results_total", key
        ) + t26.cell("carried_out", key)

    t25 = statistics.annual_table(2025, unit=unit_a)
    t25.check()
    assert _row(t25, "received") == z(natural=2, commercial=1, research=1)
    assert _row(t25, "carried_in") == z(natural=2)
    assert _row(t25, "results_total") == z(natural=2)
    assert _row(t25, "carried_out") == z(natural=2, commercial=1, research=1)
    # what 2025 carries out is what 2026 carries in
    assert _row(t25, "carried_out") == _row(t26, "carried_in")
    t24 = statistics.annual_table(2024, unit=unit_a)
    t24.check()
    assert _row(t24, "carried_out") == _row(t25, "carried_in")


def test_all_units_and_one_unit(dataset, unit_b):
    everything = statistics.annual_table(2026)
    everything.check()
    assert everything.cell("disclose") == 2
    only_b = statistics.annual_table(2026, unit=unit_b)
    assert (
        only_b.cell("received") == 1
        and only_b.cell("disclose") == 1
        and only_b.cell("carried_in") == 0
    )


def test_mismatch_is_flagged(unit_a):
    make(unit_a, dt.date(2026, 5, 4), replied=dt.date(2025, 12, 1), result="disclose")  # bad data
    table = statistics.annual_table(2026)
    assert not table.ok
    assert ("自然人", 1, 0) in table.mismatches and ("总计", 1, 0) in table.mismatches
    assert any("早于" in w for w in table.warnings)
    with pytest.raises(statistics.StatisticsMismatch):
        table.check()


def test_xlsx_has_the_printed_layout(dataset):
    from openpyxl import load_workbook

    table = statistics.annual_table(2026)
    wb = load_workbook(io.BytesIO(statistics.annual_table_xlsx(table)))
    ws = wb.active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "申请人情况" in cells and "法人或其他组织" in cells and "社会公益组织" in cells
    partial = cells["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]
    assert ws.cell(row=partial.row, column=5).value == 1  # 商业企业
    assert ws.cell(row=partial.row, column=10).value == 1  # 总计
    total = cells["（七）总计"]
    assert ws.cell(row=total.row, column=10).value == table.cell("results_total")
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in cells


def test_statistics_page_and_download(
    client, login, settings, dataset, coordinator, liaison_a, liaison_b, unit_a, unit_b
):
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    url = "/workbench/foi/replies/statistics/"
    login(coordinator)
    page = client.get(url, {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in html
    assert "勾稽关系核对无误" in html
    xlsx = client.get(url + "xlsx", {"year": 2026})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # a unit's staff see their own unit only
    login(liaison_a)
    assert client.get(url).status_code == 200
    assert client.get(url, {"year": 2026, "unit": unit_a.pk}).status_code == 200
    refused = client.get(url, {"year": 2026, "unit": unit_b.pk})
    assert "勾稽关系核对无误" not in refused.content.decode()
    assert client.get(url + "xlsx", {"year": 2026, "unit": unit_b.pk}).status_code == 404
