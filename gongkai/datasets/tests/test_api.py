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
