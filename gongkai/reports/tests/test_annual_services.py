"""Writing and publishing an annual report, the DOCX, the case register and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.catalog.models import Column, ItemStatus, PublicState
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.foi.tests.test_statistics import make
from gongkai.reports import services
from gongkai.reports.annual import document, tables
from gongkai.reports.models import AnnualReport, ReviewCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def annual_column(unit_a):
    column = ColumnFactory(
        code="ndbg", name="政府信息公开工作年度报告", kind=Column.Kind.ANNUAL_REPORT
    )
    column.units.add(unit_a)
    return column


def _ready(report, actor):
    return services.annual_update(
        actor=actor,
        report=report,
        licensing=12,
        penalty=3,
        enforcement=0,
        fees="1.50",
        section_five="一是信息发布及时性有待提高。二是解读形式较单一。",
        section_six="无。",
    )


def test_a_report_is_drafted_edited_and_published(coordinator, unit_a, annual_column):
    make(unit_a, dt.date(2025, 3, 1), replied=dt.date(2025, 4, 1), result="disclose")
    report = services.annual_get_or_create(actor=coordinator, year=2025)
    assert report.unit is None and "新收政府信息公开申请1件" in report.section_one
    assert services.annual_get_or_create(actor=coordinator, year=2025) == report
    with pytest.raises(ValidationFailed, match="未通过校验"):
        services.annual_publish(actor=coordinator, report=report)
    report = _ready(report, coordinator)
    report = services.annual_publish(actor=coordinator, report=report)
    assert report.status == AnnualReport.Status.PUBLISHED
    item = report.item
    assert item.column == annual_column and item.unit == unit_a
    assert item.status == ItemStatus.PUBLISHED and item.public_state == PublicState.LIVE
    assert item.title == "珠海高新区管委会2025年政府信息公开工作年度报告"
    assert "结转下年度继续办理" in item.body and 'rowspan="22"' in item.body
    assert item.attachments.get().original_name.endswith(".docx")
    with pytest.raises(ValidationFailed, match="已发布"):
        services.annual_update(actor=coordinator, report=report, section_six="改")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.annual_create", "report.annual_update", "report.annual_publish"} <= actions


def test_publishing_needs_section_five_and_an_annual_column(coordinator, unit_a):
    report = services.annual_get_or_create(actor=coordinator, year=2025, unit=unit_a)
    services.annual_update(
        actor=coordinator, report=report, licensing=0, penalty=0, enforcement=0, fees=0
    )
    with pytest.raises(ValidationFailed, match="五、存在的主要问题及改进情况"):
        services.annual_publish(actor=coordinator, report=report)
    services.annual_update(actor=coordinator, report=report, section_five="无明显问题。")
    with pytest.raises(ValidationFailed, match="年度报告"):
        services.annual_publish(actor=coordinator, report=report)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and report.item is None


def test_who_may_write_which_report(liaison_a, reviewer_a, unit_a, unit_b, leader, coordinator):
    own = services.annual_get_or_create(actor=reviewer_a, year=2025, unit=unit_a)
    assert own.unit == unit_a
    assert services.annual_get_or_create(actor=liaison_a, year=2025, unit=unit_a) == own
    for user, unit in ((reviewer_a, unit_b), (reviewer_a, None), (liaison_a, None), (leader, None)):
        with pytest.raises(PermissionDenied):
            services.annual_get_or_create(actor=user, year=2025, unit=unit)
    with pytest.raises(ValidationFailed, match="年度"):
        services.annual_get_or_create(actor=reviewer_a, year=2099, unit=unit_a)
    # publishing submits and approves: the 公开办, not a liaison or a reviewer alone
    assert services.can_publish(coordinator, unit_a)
    assert not services.can_publish(liaison_a, unit_a)
    assert not services.can_publish(reviewer_a, unit_a)
    with pytest.raises(PermissionDenied):
        services.annual_publish(actor=reviewer_a, report=own)


def test_stale_edits_are_refused(coordinator):
    report = services.annual_get_or_create(actor=coordinator, year=2025)
    services.annual_update(actor=coordinator, report=report, expected_version=0, section_six="无。")
    with pytest.raises(ValidationFailed, match="已被他人修改"):
        services.annual_update(
            actor=coordinator, report=report, expected_version=0, section_six="x"
        )


def test_the_docx_has_the_printed_tables(coordinator, unit_a):
    make(unit_a, dt.date(2025, 3, 1), replied=dt.date(2025, 4, 1), result="partial")
    report = _ready(services.annual_get_or_create(actor=coordinator, year=2025), coordinator)
    data = tables.build(report)
    file = docx.Document(io.BytesIO(document.annual_docx(report, data)))
    section = file.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    text = "\n".join(p.text for p in file.paragraphs)
    for heading in (
        "一、总体情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "六、其他需要报告的事项",
    ):
        assert heading in text
    assert len(file.tables) == 3
    two, three, four = file.tables
    assert (
        two.cell(0, 0).text == "第二十条第（一）项" and two.cell(0, 3).text == "第二十条第（一）项"
    )
    assert two.cell(5, 1).text == "本年处理决定数量" and two.cell(5, 1)._tc is two.cell(5, 3)._tc
    assert two.cell(6, 0).text == "行政许可" and two.cell(6, 1).text == "12"
    # section 三: the 勾稽 note spans 3×3, 申请人情况 spans 7, 三、本年度办理结果 spans 22 rows
    note = three.cell(0, 0)
    assert note.text.startswith("（本列数据的勾稽关系为") and three.cell(2, 2)._tc is note._tc
    assert three.cell(0, 3)._tc is three.cell(0, 9)._tc and three.cell(0, 3).text == "申请人情况"
    results_head = three.cell(5, 0)
    assert results_head.text == "三、本年度办理结果"
    assert (
        three.cell(26, 0)._tc is results_head._tc and three.cell(27, 0)._tc is not results_head._tc
    )
    labels = [three.cell(r, 2).text for r in range(3, len(three.rows))]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels
    partial_row = labels.index("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") + 3
    assert three.cell(partial_row, 3).text == "1" and three.cell(partial_row, 9).text == "1"
    assert four.cell(0, 0).text == "行政复议" and four.cell(0, 5).text == "行政诉讼"
    assert four.cell(1, 5).text == "未经复议直接起诉" and four.cell(1, 10).text == "复议后起诉"
    assert [four.cell(3, c).text for c in range(15)] == ["0"] * 15


def test_the_case_register(coordinator, unit_a):
    with pytest.raises(ValidationFailed, match="审结日期"):
        services.case_create(
            actor=coordinator,
            unit=unit_a,
            kind="review",
            filed_date=dt.date(2025, 3, 1),
            outcome="maintained",
        )
    case = services.case_create(
        actor=coordinator,
        unit=unit_a,
        kind="review",
        filed_date=dt.date(2025, 3, 1),
        case_number="珠高复〔2025〕3号",
    )
    services.case_update(
        actor=coordinator, case=case, outcome="corrected", decided_date=dt.date(2025, 5, 1)
    )
    case.refresh_from_db()
    assert case.outcome == ReviewCase.Outcome.CORRECTED
    assert tables.build(AnnualReport(year=2025)).four["review"] == [0, 1, 0, 0, 1]


def test_cli_prints_every_table_as_json(unit_a, tmp_path):
    make(unit_a, dt.date(2025, 3, 1), replied=dt.date(2025, 4, 1), result="disclose")
    out = io.StringIO()
    target = tmp_path / "年报.docx"
    call_command("report", "annual", "--year", "2025", "--json", "--docx", str(target), stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) >= {"二", "三", "四", "checks"}
    row = next(r for r in payload["三"]["rows"] if r["label"] == "（一）予以公开")
    assert row["values"] == [1, 0, 0, 0, 0, 0, 1]
    assert payload["二"]["第二十条第（五）项"]["rows"] == [{"label": "行政许可", "values": [None]}]
    assert {"name", "ok"} <= set(payload["checks"][0])
    assert docx.Document(str(target)).tables
    out = io.StringIO()
    call_command("report", "annual", "--year", "2025", "--unit", unit_a.short_name, stdout=out)
    assert "通过" in out.getvalue()


def test_the_workbench_pages(login, coordinator, unit_a, annual_column):
    client = login(coordinator)
    assert client.get(reverse("reports:annual_list")).status_code == 200
    started = client.post(reverse("reports:annual_list"), {"year": 2025, "unit": ""})
    report = AnnualReport.objects.get()
    assert started["Location"] == reverse("reports:annual_detail", args=[report.pk])
    page = client.get(started["Location"]).content.decode()
    assert "校验未通过" in page and "未填写：行政许可" in page
    saved = client.post(
        started["Location"],
        {
            "version": 0,
            "section_one": "2025年，全区……",
            "licensing": 1,
            "penalty": 0,
            "enforcement": 0,
            "fees": "0",
            "section_five": "问题与改进。",
            "section_six": "无。",
        },
    )
    assert saved.status_code == 302
    assert "全部" in client.get(started["Location"]).content.decode()
    docx_response = client.get(reverse("reports:annual_docx", args=[report.pk]))
    assert docx_response.status_code == 200 and docx_response["Content-Disposition"]
    client.post(reverse("reports:annual_publish", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED
    public = client.get(report.item and f"/xxgk/item/{report.item.pk}/")
    assert public.status_code == 200 and "二、主动公开政府信息情况" in public.content.decode()
    assert client.get(reverse("reports:case_list")).status_code == 200


def test_reminders_to_publish_last_years_report(coordinator, liaison_a, unit_a, annual_column):
    from gongkai.core.models import Notification
    from gongkai.core.reminders import run_reminders

    summary = run_reminders(day=dt.date(2026, 1, 10), sources=["reports"])
    assert summary  # nothing due yet: 10 days before 31 January is 21 January
    assert not Notification.objects.filter(user=liaison_a).exists()
    run_reminders(day=dt.date(2026, 1, 22), sources=["reports"])
    note = Notification.objects.get(user=liaison_a)
    assert note.title == f"{unit_a.name}2025年政府信息公开工作年度报告须于1月31日前公布"
    run_reminders(day=dt.date(2026, 1, 23), sources=["reports"])  # once per event
    assert Notification.objects.filter(user=liaison_a).count() == 1
    run_reminders(day=dt.date(2026, 2, 2), sources=["reports"])
    assert Notification.objects.filter(user=liaison_a, title__endswith="逾期未公布").count() == 1
    assert Notification.objects.filter(user=coordinator, title__endswith="逾期未公布").exists()
    # the government's report: due 31 March, to the 公开办
    run_reminders(day=dt.date(2026, 3, 25), sources=["reports"])
    assert Notification.objects.filter(
        user=coordinator, title="珠海高新区管委会2025年政府信息公开工作年度报告须于3月31日前公布"
    ).exists()
    # a published report ends its reminders
    report = _ready(services.annual_get_or_create(actor=coordinator, year=2025), coordinator)
    services.annual_publish(actor=coordinator, report=report)
    before = Notification.objects.filter(user=coordinator).count()
    run_reminders(day=dt.date(2026, 4, 2), sources=["reports"])
    titles = list(
        Notification.objects.filter(user=coordinator)
        .order_by("-pk")
        .values_list("title", flat=True)
    )
    assert not any(t.startswith("珠海高新区管委会") and t.endswith("逾期未公布") for t in titles)
    assert Notification.objects.filter(user=coordinator).count() >= before
