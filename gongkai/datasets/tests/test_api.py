"""The open API of 数据发布: published data only, identity numbers masked, OpenAPI listed."""

from __future__ import annotations

import io

import pytest

from gongkai.datasets.models import Period
from gongkai.datasets.services.imports import import_rows
from gongkai.datasets.services.periods import period_publish, period_submit
from gongkai.datasets.tests.factories import WATER_HEADER, builtin_dataset, csv_bytes, water_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(staff, unit_a):
    water = builtin_dataset("water-quality", unit_a)
    builtin_dataset("blacklist", unit_a)  # never published: not listed
    import_rows(
        actor=staff["liaison"],
        dataset=water,
        stream=io.BytesIO(csv_bytes([WATER_HEADER, *water_rows(n=7)])),
        name="w.csv",
    )
    period = Period.objects.get()
    period_submit(actor=staff["liaison"], period=period)
    return period_publish(actor=staff["reviewer"], period=period)


def test_list_detail_records_and_csv(client, published):
    listing = client.get("/api/v1/datasets").json()
    assert [d["slug"] for d in listing] == ["water-quality"]
    assert [f["label"] for f in listing[0]["fields"]][:3] == ["监测月份", "水源名称", "水源类型"]
    detail = client.get("/api/v1/datasets/water-quality").json()
    assert detail["periods"][0]["key"] == "2026-10" and detail["periods"][0]["rows"] == 7
    page = client.get(
        "/api/v1/datasets/water-quality/periods/2026-10/records?compliance=达标"
    ).json()
    assert page["count"] == 6 and page["records"][0]["source_name"] == "竹仙洞水库"
    response = client.get("/api/v1/datasets/water-quality/periods/2026-10/records.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").count("\n") == 8


def test_unknown_or_unpublished_is_404(client, published):
    assert client.get("/api/v1/datasets/blacklist").status_code == 404
    assert client.get("/api/v1/datasets/water-quality/periods/2026-09/records").status_code == 404
    assert (
        client.get("/api/v1/datasets/water-quality/periods/2026-10/records?page=9").status_code
        == 404
    )


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/datasets" in paths
    assert "/api/v1/datasets/{slug}/periods/{key}/records" in paths


def test_identity_numbers_are_masked_in_the_api(client, staff, unit_a):
    from gongkai.core.pii import id_check_char
    from gongkai.datasets.tests.factories import credit_code

    licensing = builtin_dataset("admin-licensing", unit_a)
    labels = [f.label for f in licensing.fields.all()]
    code = credit_code()
    number = "44040219900307123" + id_check_char("44040219900307123")
    values = {
        "行政相对人名称": "某某小吃店",
        "行政相对人类别": "个体工商户",
        "统一社会信用代码": code,
        "证件类型": "身份证",
        "证件号码": number,
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": "珠高市监许〔2026〕1号",
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
    import_rows(
        actor=staff["liaison"],
        dataset=licensing,
        stream=io.BytesIO(csv_bytes([labels, [values.get(label, "") for label in labels]])),
        name="xk.csv",
    )
    period = Period.objects.get(dataset=licensing)
    period_submit(actor=staff["liaison"], period=period)
    period_publish(actor=staff["reviewer"], period=period)
    base = "/api/v1/datasets/admin-licensing/periods/register/records"
    page = client.get(base).json()
    assert page["records"][0]["id_number"] == "440*************" + number[-2:]
    assert [f["public"] for f in page["fields"] if f["name"] == "id_number"] == [False]
    assert client.get(base + f"?q={number}").json()["count"] == 0
    assert client.get(base + f"?id_number={number}").json()["count"] == 1  # ignored filter
    assert number not in client.get(base + ".csv").content.decode("utf-8-sig")
