"""Import of XLSX and CSV files: encodings, header finding, typed values, errors by row and
column in Chinese, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.datasets.models import Period, PeriodStatus, Record
from gongkai.datasets.services.imports import import_rows, record_add, record_delete
from gongkai.datasets.tests.factories import (
    WATER_HEADER,
    builtin_dataset,
    credit_code,
    csv_bytes,
    water_rows,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def water(unit_a):
    return builtin_dataset("water-quality", unit_a)


def run(actor, dataset, data: bytes, name="data.csv", **kwargs):
    return import_rows(actor=actor, dataset=dataset, stream=io.BytesIO(data), name=name, **kwargs)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_imports(liaison_a, water, encoding):
    data = csv_bytes([WATER_HEADER, *water_rows(n=4)], encoding=encoding)
    result = run(liaison_a, water, data)
    assert result.ok, result.errors
    assert result.imported == 4 and result.period_key == "2026-10"
    period = Period.objects.get(dataset=water, key="2026-10")
    assert period.status == PeriodStatus.DRAFT and period.draft_rows == 4
    first = Record.objects.filter(period=period).order_by("row").first()
    assert first.data["source_name"] == "竹仙洞水库" and first.data["water_class"] == "Ⅱ类"
    assert first.row == 2  # spreadsheet row numbers
    assert AuditEvent.objects.filter(action="datasets.import").count() == 1


def test_xlsx_with_merged_title_row_excel_dates_numbers_as_text(liaison_a, unit_a):
    housing = builtin_dataset("housing-transactions", unit_a)
    header = [
        "月份",
        "区域",
        "用途",
        "成交套数（套）",
        "成交面积（平方米）",
        "成交均价（元/平方米）",
    ]
    rows = [
        [dt.datetime(2026, 10, 1), "唐家湾", "住宅", "120", "10,532.5", 23150],  # text numbers
        ["2026年10月", "淇澳", "商业", 8, 812.25, "18900"],
        [46296, "金鼎", "办公", 3.0, "300", None],  # Excel serial date 2026-10-01, int as float
    ]
    data = xlsx_bytes([header, *rows], title_row="2026年10月房地产交易情况", width=6)
    result = run(liaison_a, housing, data, name="fdc.xlsx")
    assert result.ok, result.errors
    assert result.kind == "xlsx" and result.header.row == 2
    records = list(Record.objects.order_by("row").values_list("data", flat=True))
    assert records[0] == {
        "month": "2026-10",
        "area": "唐家湾",
        "use": "住宅",
        "units": 120,
        "floor_area": "10532.50",
        "avg_price": "23150",
    }
    assert records[1]["month"] == "2026-10" and records[1]["floor_area"] == "812.25"
    assert records[2]["units"] == 3 and records[2]["avg_price"] is None


def test_headers_in_another_order_and_unknown_columns_are_mapped_by_name(liaison_a, water):
    header = ["水质类别", "序号", "水源名称", "监测月份", "水源类型", "达标情况"]
    data = csv_bytes([header, ["III类", "1", "竹仙洞水库", "2026/10", "湖库", "达标"]])
    result = run(liaison_a, water, data)
    assert result.ok, result.errors
    assert result.header.unknown == ["序号"]
    record = Record.objects.get()
    assert record.data["water_class"] == "Ⅲ类"  # ASCII Roman numerals accepted as the alias
    assert record.data["section"] is None


def test_broken_file_lists_every_error_and_imports_nothing(liaison_a, unit_a):
    penalty = builtin_dataset("admin-penalty", unit_a)
    good_code = credit_code()
    bad_code = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    labels = [f.label for f in penalty.fields.all()]
    base = {
        "行政相对人名称": "某某食品有限公司",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": good_code,
        "行政处罚决定书文号": "珠高市监罚〔2026〕12号",
        "违法行为类型": "生产经营不符合食品安全标准的食品",
        "违法事实": "经抽检不合格",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚类别": "罚款",
        "处罚内容": "罚款人民币5万元",
        "罚款金额": "5",
        "处罚决定日期": "2026-10-09",
        "处罚有效期": "2027-10-08",
        "处罚机关": "珠海高新区市场监督管理局",
        "处罚机关统一社会信用代码": good_code,
        "数据来源单位": "珠海高新区市场监督管理局",
        "数据来源单位统一社会信用代码": good_code,
    }

    def row(**changes):
        values = {**base, **changes}
        return [values.get(label, "") for label in labels]

    rows = [
        row(),  # row 2: fine
        row(**{"行政处罚决定书文号": ""}),  # row 3: missing required
        row(**{"行政相对人类别": "企业"}),  # row 4: wrong enum
        row(**{"处罚决定日期": "2026-13-45"}),  # row 5: bad date
        row(**{"统一社会信用代码": bad_code}),  # row 6: bad check digit
        row(),  # row 7: duplicate of row 2
        row(**{"证件号码": "440402199003071235"}),  # row 8: bad ID check digit
    ]
    result = run(liaison_a, penalty, csv_bytes([labels, *rows]))
    assert not result.ok and result.imported == 0 and result.rows == 7
    found = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert found[(3, "行政处罚决定书文号")] == "必填项为空"
    assert "不是可选值" in found[(4, "行政相对人类别")]
    assert "日期" in found[(5, "处罚决定日期")]
    assert found[(6, "统一社会信用代码")].startswith("统一社会信用代码校验位不正确")
    assert found[(7, "")] == "与第2行完全相同（重复行）"
    assert found[(8, "证件号码")] == "身份证号码校验位或出生日期不正确"
    assert "440402" not in str(result.errors)  # an ID number is never echoed
    assert not Record.objects.exists() and not Period.objects.filter(draft_rows__gt=0).exists()
    assert not AuditEvent.objects.filter(action="datasets.import").exists()


def test_an_error_after_many_good_rows_rolls_all_back(liaison_a, water):
    rows = water_rows(n=5000)
    rows.append(["2026-10", "坏数据", "海洋", "", "Ⅱ类", "达标", "", ""])
    result = run(liaison_a, water, csv_bytes([WATER_HEADER, *rows]))
    assert result.error_count == 1 and result.errors[0]["row"] == 5002
    assert result.imported == 0 and Record.objects.count() == 0


def test_missing_required_column_and_no_header(liaison_a, water):
    result = run(liaison_a, water, csv_bytes([WATER_HEADER[:4], *[r[:4] for r in water_rows()]]))
    missing = {e["column"] for e in result.errors if e["message"] == "缺少必填列"}
    assert missing == {"水质类别", "达标情况"} and result.imported == 0
    with pytest.raises(ValidationFailed, match="没有找到表头行"):
        run(liaison_a, water, csv_bytes([["a", "b"], ["1", "2"]]))


def test_month_must_match_the_chosen_period(liaison_a, water):
    result = run(
        liaison_a, water, csv_bytes([WATER_HEADER, *water_rows("2026-09", 2)]), period_key="2026-10"
    )
    assert {e["message"] for e in result.errors} == {"监测月份“2026-09”与导入期间“2026-10”不一致"}
    with pytest.raises(ValidationFailed, match="格式不正确"):
        run(liaison_a, water, csv_bytes([WATER_HEADER]), period_key="2026-13")


def test_hostile_files_are_refused_in_chinese(liaison_a, water):
    with pytest.raises(ValidationFailed, match="xls"):
        run(liaison_a, water, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="a.xls")
    with pytest.raises(ValidationFailed, match="不是 XLSX 或 CSV"):
        run(liaison_a, water, b"%PDF-1.7\n...", name="a.csv")
    with pytest.raises(ValidationFailed, match="无法读取Excel"):
        run(liaison_a, water, b"PK\x03\x04broken zip", name="a.xlsx")
    # bytes that are neither UTF-8 nor GB18030
    with pytest.raises(ValidationFailed, match="编码"):
        run(liaison_a, water, "监测月份\n".encode() + b"\x81\x20\xff\xfe\x80", name="a.csv")
    result = run(liaison_a, water, csv_bytes([WATER_HEADER]))
    assert [e["message"] for e in result.errors] == ["表头下没有数据行"]


def test_dry_run_writes_nothing_and_previews(liaison_a, water):
    result = run(liaison_a, water, csv_bytes([WATER_HEADER, *water_rows(n=30)]), dry_run=True)
    assert result.ok and result.rows == 30 and result.imported == 0 and len(result.preview) == 20
    assert result.preview[0]["cells"][:3] == ["2026-10", "竹仙洞水库", "湖库"]
    assert not Period.objects.exists() and not Record.objects.exists()


def test_reimport_replaces_the_draft(liaison_a, water):
    run(liaison_a, water, csv_bytes([WATER_HEADER, *water_rows(n=5)]))
    run(liaison_a, water, csv_bytes([WATER_HEADER, *water_rows(n=2)]))
    period = Period.objects.get()
    assert period.draft_rows == 2 and Record.objects.count() == 2


def test_only_the_owner_unit_may_import(liaison_b, leader, water):
    data = csv_bytes([WATER_HEADER, *water_rows()])
    for user in (liaison_b, leader):
        with pytest.raises(PermissionDenied):
            run(user, water, data)


def test_manual_entry_and_delete(liaison_a, water):
    values = dict(zip([f.name for f in water.fields.all()], water_rows(n=1)[0], strict=True))
    record = record_add(actor=liaison_a, dataset=water, period_key=None, values=values)
    assert record.period.key == "2026-10" and record.period.draft_rows == 1
    with pytest.raises(ValidationFailed) as exc:
        record_add(
            actor=liaison_a,
            dataset=water,
            period_key="2026-10",
            values={**values, "water_class": "六类"},
        )
    assert "不是可选值" in exc.value.extra["errors"]["water_class"]
    assert Period.objects.get().draft_rows == 1
    record_delete(actor=liaison_a, record=record)
    assert Period.objects.get().draft_rows == 0 and not Record.objects.exists()


def test_the_downloaded_template_filled_in_imports(liaison_a, unit_a):
    import openpyxl

    from gongkai.datasets.exports import template_xlsx

    housing = builtin_dataset("housing-transactions", unit_a)
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(housing)))
    assert [c.value for c in wb["数据"][1]][3] == "*成交套数（套）"
    wb["数据"].append(["2026-10", "唐家湾", "住宅", 12, 1300.5, 21000])
    wb["数据"].append(["2026-10", "淇澳", "车位", 3, 36, None])
    out = io.BytesIO()
    wb.save(out)
    result = run(liaison_a, housing, out.getvalue(), name="模板.xlsx")
    assert result.ok, result.errors
    assert result.imported == 2 and not result.header.unknown and not result.header.missing


def test_utf16_and_tab_separated_and_ragged_rows(liaison_a, water):
    text = "\t".join(WATER_HEADER) + "\n" + "\t".join(water_rows(n=1)[0][:6]) + "\n"
    result = run(liaison_a, water, text.encode("utf-16"))
    assert result.ok, result.errors
    assert result.encoding == "utf-16" and result.imported == 1
    assert Record.objects.get().data["exceed_items"] is None  # the short row's missing cells


def test_credit_standard_rules_across_fields(liaison_a, unit_a):
    licensing = builtin_dataset("admin-licensing", unit_a)
    labels = [f.label for f in licensing.fields.all()]
    code = credit_code()
    base = {
        "行政相对人名称": "某某",
        "行政许可决定文书名称": "食品经营许可决定书",
        "许可类别": "普通",
        "许可内容": "食品经营",
        "许可决定日期": "2026-10-09",
        "有效期自": "2026-10-09",
        "有效期至": "2031-10-08",
        "许可机关": "珠海高新区市场监督管理局",
        "许可机关统一社会信用代码": code,
        "当前状态": "有效",
        "数据来源单位": "珠海高新区市场监督管理局",
        "数据来源单位统一社会信用代码": code,
    }

    def row(n, **changes):
        values = {**base, "行政许可决定文书号": f"许〔2026〕{n}号", **changes}
        return [values.get(label, "") for label in labels]

    rows = [
        row(1, 行政相对人类别="法人及非法人组织"),  # row 2: no 统一社会信用代码
        row(2, 行政相对人类别="自然人"),  # row 3: no 证件号码
        row(3, 行政相对人类别="自然人", 证件类型="护照号", 证件号码="E12345678"),  # fine
        row(4, 行政相对人类别="自然人", 证件类型="身份证", 证件号码="E12345678"),  # row 5: bad
    ]
    result = run(liaison_a, licensing, csv_bytes([labels, *rows]))
    found = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert found == {
        (2, "统一社会信用代码"): "行政相对人类别为“法人及非法人组织”时必填",
        (3, "证件号码"): "行政相对人类别为“自然人”时必填",
        (5, "证件号码"): "身份证号码应为18位",
    }
    result = run(liaison_a, licensing, csv_bytes([labels, rows[2]]))
    assert result.ok and Record.objects.get().data["id_number"] == "E12345678"
