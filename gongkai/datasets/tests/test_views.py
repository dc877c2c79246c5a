"""Workbench pages (upload → preview → confirm, hand entry, review) and the public pages
(table, facets, sorting, chart, downloads; identity numbers masked)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.datasets.models import Period, PeriodStatus, Record
from gongkai.datasets.services.imports import import_rows
from gongkai.datasets.services.periods import period_publish, period_submit
from gongkai.datasets.tests.factories import (
    WATER_HEADER,
    builtin_dataset,
    credit_code,
    csv_bytes,
    water_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def water(unit_a):
    return builtin_dataset("water-quality", unit_a)


def publish(staff, dataset, header, rows, name="d.csv", **kwargs) -> Period:
    result = import_rows(
        actor=staff["liaison"],
        dataset=dataset,
        stream=io.BytesIO(csv_bytes([header, *rows])),
        name=name,
        **kwargs,
    )
    assert result.ok, result.errors
    period = Period.objects.get(dataset=dataset, key=result.period_key)
    period_submit(actor=staff["liaison"], period=period)
    return period_publish(actor=staff["reviewer"], period=period)


def test_upload_preview_confirm(login, staff, water):
    client = login(staff["liaison"])
    data = csv_bytes([WATER_HEADER, *water_rows(n=3)], encoding="gbk")
    response = client.post(
        "/workbench/datasets/water-quality/import/",
        {"file": SimpleUploadedFile("水质.csv", data), "period": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "全部 3 行校验通过" in body and "竹仙洞水库" in body and "gb18030" in body
    assert not Record.objects.exists()
    token = response.context["token"]
    response = client.post("/workbench/datasets/water-quality/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/datasets/water-quality/periods/2026-10/"
    assert Record.objects.count() == 3
    # the token is spent
    response = client.post("/workbench/datasets/water-quality/import/confirm/", {"token": token})
    assert Record.objects.count() == 3


def test_upload_with_errors_shows_them_and_offers_no_confirm(login, staff, water):
    client = login(staff["liaison"])
    rows = water_rows(n=2)
    rows[1][4] = "六类"
    response = client.post(
        "/workbench/datasets/water-quality/import/",
        {"file": SimpleUploadedFile("w.csv", csv_bytes([WATER_HEADER, *rows]))},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "发现 1 处错误" in body and "“六类”不是可选值" in body and "确认导入" not in body


def test_other_units_and_the_public_cannot_reach_staff_pages(login, staff, water, client):
    assert client.get("/workbench/datasets/water-quality/").status_code == 302  # to login
    response = login(staff["liaison_b"]).get("/workbench/datasets/water-quality/")
    assert response.status_code == 404


def test_template_download_has_headers_and_dropdowns(login, staff, water):
    response = login(staff["liaison"]).get("/workbench/datasets/water-quality/template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in wb["数据"][1]]
    assert header == [
        "*监测月份",
        "*水源名称",
        "*水源类型",
        "监测断面",
        "*水质类别",
        "*达标情况",
        "超标项目",
        "备注",
    ]
    assert wb["数据"].data_validations.dataValidation
    # the template's own header row imports (required marks are ignored)
    assert "填写说明" in wb.sheetnames


def test_hand_entry_form(login, staff, water):
    client = login(staff["liaison"])
    values = dict(zip([f.name for f in water.fields.all()], water_rows(n=1)[0], strict=True))
    response = client.post(
        "/workbench/datasets/water-quality/entry/", {**values, "water_class": "X"}
    )
    assert response.status_code == 422 and "不是可选值" in response.content.decode()
    response = client.post(
        "/workbench/datasets/water-quality/entry/", {**values, "period": "2026-10"}
    )
    assert response.status_code == 302 and Record.objects.count() == 1


def test_review_through_the_pages(login, staff, water, client):
    import_rows(
        actor=staff["liaison"],
        dataset=water,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *water_rows()])),
        name="w.csv",
    )
    url = "/workbench/datasets/water-quality/periods/2026-10/"
    login(staff["liaison"]).post(url + "submit/")
    assert Period.objects.get().status == PeriodStatus.SUBMITTED
    page = login(staff["reviewer"]).get(url)
    assert "审核通过并发布" in page.content.decode() and "未发现个人信息" in page.content.decode()
    client.post(url + "publish/")
    assert Period.objects.get().status == PeriodStatus.PUBLISHED


def test_public_period_page_table_facets_sort_chart(staff, water, client):
    publish(staff, water, WATER_HEADER, water_rows(n=10))
    response = client.get("/sjfb/water-quality/2026-10/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "集中式生活饮用水水源水质监测" in body and "竹仙洞水库" in body
    assert 'id="dataset-chart-data"' in body and "echarts.min.js" in body
    chart = response.context["chart"]
    assert chart["type"] == "line" and chart["categories"] == ["2026年10月"]
    assert chart["levels"] == ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"]
    assert {"name": "竹仙洞水库", "data": ["Ⅱ类"]} in chart["series"]
    facets = {f["field"].name: f["values"] for f in response.context["facets"]}
    assert {v["value"]: v["count"] for v in facets["compliance"]} == {"达标": 8, "不达标": 2}
    filtered = client.get("/sjfb/water-quality/2026-10/?compliance=不达标")
    assert filtered.context["page"].paginator.count == 2
    ordered = client.get("/sjfb/water-quality/2026-10/?sort=-source_name")
    first = ordered.context["rows"][0]
    assert first[1] == max(r[1] for r in ordered.context["rows"])
    assert client.get("/sjfb/").status_code == 200
    assert "water-quality" in client.get("/sjfb/").content.decode()


def test_public_downloads_of_the_filtered_view(staff, water, client):
    publish(staff, water, WATER_HEADER, water_rows(n=10))
    base = "/sjfb/water-quality/2026-10/?compliance=不达标&format="
    csv_response = client.get(base + "csv")
    assert csv_response.status_code == 200 and "attachment" in csv_response["Content-Disposition"]
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("监测月份,水源名称") and len(text.splitlines()) == 3
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get(base + "xlsx").content))
    assert xlsx.active.max_row == 3
    data = json.loads(client.get(base + "json").content)
    assert data["dataset"] == "water-quality" and len(data["records"]) == 2
    assert client.get(base + "exe").status_code == 404


def test_identity_numbers_are_masked_and_not_searchable(staff, unit_a, client):
    penalty = builtin_dataset("admin-penalty", unit_a)
    labels = [f.label for f in penalty.fields.all()]
    code = credit_code()
    values = {
        "行政相对人名称": "某某小吃店",
        "行政相对人类别": "个体工商户",
        "统一社会信用代码": code,
        "证件类型": "身份证",
        "证件号码": "44040219900307123X",
        "行政处罚决定书文号": "珠高市监罚〔2026〕1号",
        "违法行为类型": "未按规定公示",
        "违法事实": "未公示许可证",
        "处罚依据": "《食品安全法》",
        "处罚类别": "警告",
        "处罚内容": "警告",
        "处罚决定日期": "2026-10-09",
        "处罚有效期": "2027-10-08",
        "处罚机关": "珠海高新区市场监督管理局",
        "处罚机关统一社会信用代码": code,
        "数据来源单位": "珠海高新区市场监督管理局",
        "数据来源单位统一社会信用代码": code,
    }
    from gongkai.core.pii import id_check_char

    number = "44040219900307123" + id_check_char("44040219900307123")
    values["证件号码"] = number
    publish(staff, penalty, labels, [[values.get(label, "") for label in labels]])
    assert Record.objects.get().data["id_number"] == number  # staff keep it
    page = client.get("/sjfb/admin-penalty/register/")
    body = page.content.decode()
    assert "某某小吃店" in body and number not in body and "440*************" in body
    assert (
        client.get(f"/sjfb/admin-penalty/register/?q={number}").context["page"].paginator.count == 0
    )
    for fmt in ("csv", "json"):
        assert number not in client.get(
            f"/sjfb/admin-penalty/register/?format={fmt}"
        ).content.decode("utf-8-sig")
    # the register's date range
    assert (
        client.get("/sjfb/admin-penalty/register/?from=2026-10-10").context["page"].paginator.count
        == 0
    )
    assert (
        client.get("/sjfb/admin-penalty/register/?from=2026-10-01&to=2026-10-31")
        .context["page"]
        .paginator.count
        == 1
    )


def test_unpublished_is_not_public(staff, water, client):
    import_rows(
        actor=staff["liaison"],
        dataset=water,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *water_rows()])),
        name="w.csv",
    )
    assert client.get("/sjfb/water-quality/").status_code == 404
    assert client.get("/sjfb/water-quality/2026-10/").status_code == 404


def test_charts_over_months(staff, water, unit_a, client):
    publish(staff, water, WATER_HEADER, water_rows("2026-09", 5))
    rows = water_rows("2026-10", 5)
    rows[0][4] = "Ⅲ类"
    publish(staff, water, WATER_HEADER, rows)
    chart = client.get("/sjfb/water-quality/2026-10/").context["chart"]
    assert chart["categories"] == ["2026年9月", "2026年10月"]
    assert {"name": "竹仙洞水库", "data": ["Ⅱ类", "Ⅲ类"]} in chart["series"]
    # the September page does not show October
    assert client.get("/sjfb/water-quality/2026-09/").context["chart"]["categories"] == [
        "2026年9月"
    ]

    housing = builtin_dataset("housing-transactions", unit_a)
    header = ["月份", "区域", "用途", "成交套数", "成交面积", "成交均价"]
    for month, units in (("2026-09", (10, 5)), ("2026-10", (7, 1))):
        rows = [
            [month, "唐家湾", "住宅", units[0], "1000.5", 20000],
            [month, "淇澳", "商业", units[1], 99.5, ""],
        ]
        publish(staff, housing, header, rows)
    chart = client.get("/sjfb/housing-transactions/2026-10/").context["chart"]
    assert chart["categories"] == ["2026年9月", "2026年10月"]
    assert chart["series"][0] == {"name": "成交套数（套）", "data": [15, 8]}
    assert chart["series"][1] == {"name": "成交面积（平方米）", "data": [1100.0, 1100.0]}


def test_credit_platform_export_is_whole_filtered_by_date_and_audited(staff, unit_a, login, client):
    from gongkai.core.models import AuditEvent
    from gongkai.core.pii import id_check_char

    licensing = builtin_dataset("admin-licensing", unit_a)
    labels = [f.label for f in licensing.fields.all()]
    code = credit_code()
    number = "44040219900307123" + id_check_char("44040219900307123")

    def row(n, decided):
        values = {
            "行政相对人名称": f"某某小吃店{n}",
            "行政相对人类别": "个体工商户",
            "统一社会信用代码": code,
            "证件类型": "身份证",
            "证件号码": number,
            "行政许可决定文书名称": "食品经营许可决定书",
            "行政许可决定文书号": f"珠高市监许〔2026〕{n}号",
            "许可类别": "普通",
            "许可内容": "食品经营",
            "许可决定日期": decided,
            "有效期自": decided,
            "有效期至": "2031-10-08",
            "许可机关": "珠海高新区市场监督管理局",
            "许可机关统一社会信用代码": code,
            "当前状态": "有效",
            "数据来源单位": "珠海高新区市场监督管理局",
            "数据来源单位统一社会信用代码": code,
        }
        return [values.get(label, "") for label in labels]

    publish(staff, licensing, labels, [row(1, "2026-09-10"), row(2, "2026-10-09")])
    url = "/workbench/datasets/admin-licensing/periods/register/export/"
    response = login(staff["liaison"]).get(url + "?from=2026-10-01&to=2026-10-31&format=csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["行政相对人名称", "行政相对人类别", "统一社会信用代码"]
    assert len(lines) == 2 and number in lines[1] and "某某小吃店2" in lines[1]
    assert AuditEvent.objects.filter(action="datasets.credit_export").count() == 1
    xlsx = login(staff["liaison"]).get(url + "?format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3
    assert login(staff["liaison_b"]).get(url).status_code == 404


def test_feed_lists_publications_and_corrections(staff, water, client):
    publish(staff, water, WATER_HEADER, water_rows(n=3))
    import_rows(
        actor=staff["liaison"],
        dataset=water,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *water_rows(n=4)])),
        name="w.csv",
    )
    period = Period.objects.get()
    period_submit(actor=staff["liaison"], period=period)
    period_publish(actor=staff["reviewer"], period=period, change_note="补充一个水源")
    body = client.get("/sjfb/rss.xml").content.decode()
    assert "集中式生活饮用水水源水质监测（2026年10月）" in body
    assert "【更正】" in body and "更正说明：补充一个水源" in body
    assert "竹仙洞水库" not in body  # titles and counts only


def test_settings_bind_a_plan_item_coordinator_only(login, staff, water, unit_b):
    from gongkai.core.models import AuditEvent
    from gongkai.plans.tests.factories import item_with

    item = item_with(units=[water.unit], title="每月发布水源水质监测信息")
    url = "/workbench/datasets/water-quality/settings/"
    assert login(staff["liaison"]).get(url).status_code == 403
    client = login(staff["coordinator"])
    assert "每月发布水源水质监测信息" in client.get(url).content.decode()
    response = client.post(url, {"unit": water.unit_id, "plan_item": item.pk, "column": ""})
    assert response.status_code == 302
    water.refresh_from_db()
    assert water.plan_item == item and water.column is None
    assert AuditEvent.objects.filter(action="datasets.dataset_update").count() == 1


def test_coordinator_creates_a_dataset_from_field_lines(login, staff, unit_a):
    from gongkai.datasets.models import Dataset

    assert login(staff["liaison"]).get("/workbench/datasets/new/").status_code == 403
    client = login(staff["coordinator"])
    lines = "month|月份|月份||是\nindicator|指标名称|文本||是\nvalue|数值|数值|亿元\nkind|类别|枚举||是|甲、乙"
    bad = client.post(
        "/workbench/datasets/new/",
        {
            "slug": "gdp",
            "title": "地区生产总值",
            "unit": unit_a.pk,
            "period_kind": "monthly",
            "fields": "x|X|颜色",
        },
    )
    assert bad.status_code == 422 and "类型“颜色”无效" in bad.content.decode()
    response = client.post(
        "/workbench/datasets/new/",
        {
            "slug": "gdp",
            "title": "地区生产总值",
            "unit": unit_a.pk,
            "period_kind": "monthly",
            "fields": lines,
        },
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(slug="gdp")
    fields = list(dataset.fields.values_list("name", "type", "unit", "required", "choices"))
    assert fields == [
        ("month", "month", "", True, []),
        ("indicator", "text", "", True, []),
        ("value", "decimal", "亿元", False, []),
        ("kind", "enum", "", True, ["甲", "乙"]),
    ]


def test_downloads_never_carry_a_formula(staff, water, client):
    rows = water_rows(n=2)
    rows[0][7] = '=HYPERLINK("http://x","点击")'
    rows[1][7] = "@SUM(1)"
    publish(staff, water, WATER_HEADER, rows)
    text = client.get("/sjfb/water-quality/2026-10/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    xlsx = openpyxl.load_workbook(
        io.BytesIO(client.get("/sjfb/water-quality/2026-10/?format=xlsx").content)
    )
    notes = [xlsx.active.cell(row=r, column=8).value for r in (2, 3)]
    assert notes == ['\'=HYPERLINK("http://x","点击")', "'@SUM(1)"]
    assert xlsx.active.cell(row=2, column=8).data_type == "s"


def test_the_reviewers_home_lists_data_waiting_for_review(login, staff, water):
    import_rows(
        actor=staff["liaison"],
        dataset=water,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *water_rows()])),
        name="w.csv",
    )
    period_submit(actor=staff["liaison"], period=Period.objects.get())
    body = login(staff["reviewer"]).get("/workbench/").content.decode()
    assert "待审核的数据" in body and "集中式生活饮用水水源水质监测（2026年10月）" in body
    assert "/workbench/datasets/water-quality/periods/2026-10/" in body
    other = login(staff["reviewer_b"]).get("/workbench/").content.decode()
    assert "集中式生活饮用水水源水质监测（2026年10月）" not in other
