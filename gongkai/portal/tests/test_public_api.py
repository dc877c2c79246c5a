"""The open API at /api/v1/: no login, published data only, documented by OpenAPI."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import Column, Validity
from gongkai.catalog.tests.factories import ColumnFactory

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(coordinator):
    return h.world(coordinator)


def assert_no_hidden(raw: str) -> None:
    for state, title in h.HIDDEN_TITLES.items():
        assert title not in raw, f"{state} item in the API: {title}"


def test_openapi_document_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/columns",
        "/api/v1/columns/{code}/items",
        "/api/v1/items/{item_id}",
        "/api/v1/search",
        "/api/v1/messages",
        "/api/v1/messages/statistics",
        "/api/v1/messages/{message_id}",
        "/api/v1/consultations",
        "/api/v1/consultations/{consultation_id}",
        "/api/v1/datasets",
        "/api/v1/datasets/{slug}",
        "/api/v1/datasets/{slug}/periods/{key}/records",
        "/api/v1/datasets/{slug}/periods/{key}/records.csv",
    }
    for path in schema["paths"].values():
        assert set(path) == {"get"}
        assert "security" not in path["get"]  # open: no login
    params = schema["paths"]["/api/v1/columns/{code}/items"]["get"]["parameters"]
    assert {p["name"] for p in params} == {"code", "page"}
    assert {"200", "404", "410"} <= set(
        schema["paths"]["/api/v1/items/{item_id}"]["get"]["responses"]
    )


def test_docs_page_describes_the_endpoints_without_scripts(client, db):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "GET /api/v1/columns/{code}/items" in html and "GET /api/v1/items/{item_id}" in html
    assert 'href="/api/v1/openapi.json"' in html
    assert "<script" not in html


def test_columns_lists_public_columns(client, db):
    root = ColumnFactory(code="fdzdgk", name="法定主动公开内容")
    ColumnFactory(code="zcwj", name="政策文件", parent=root, kind=Column.Kind.POLICY)
    ColumnFactory(code="off", is_active=False)
    data = client.get("/api/v1/columns").json()
    assert [(c["code"], c["parent_code"]) for c in data] == [("fdzdgk", None), ("zcwj", "fdzdgk")]
    assert data[1]["url"] == "http://testserver/xxgk/zcwj/"
    assert data[1]["feed_url"] == "http://testserver/xxgk/zcwj/rss.xml"


def test_column_items_hold_live_items_only(client, w):
    response = client.get("/api/v1/columns/tzgg/items")
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 2
    assert sorted(i["title"] for i in data["items"]) == sorted([h.LIVE_TITLE, h.REVISED_OLD_TITLE])
    assert {i["id"] for i in data["items"]} == {w.live.pk, w.revision.pk}
    assert_no_hidden(response.content.decode())


def test_column_items_page_by_twenty(client, coordinator):
    column = ColumnFactory(code="gzdt")
    for n in range(21):
        h.live(actor=coordinator, column=column, title=f"动态{n}")
    first = client.get("/api/v1/columns/gzdt/items").json()
    second = client.get("/api/v1/columns/gzdt/items?page=2").json()
    assert (first["count"], first["pages"], len(first["items"])) == (21, 2, 20)
    assert [i["title"] for i in second["items"]] == ["动态0"]
    assert client.get("/api/v1/columns/gzdt/items?page=3").status_code == 404
    assert client.get("/api/v1/columns/gzdt/items?page=0").status_code == 422
    assert client.get("/api/v1/columns/nope/items").status_code == 404


def test_item_detail_is_the_current_published_version(client, w):
    data = client.get(f"/api/v1/items/{w.revision.pk}").json()
    assert data["state"] == "live" and data["title"] == h.REVISED_OLD_TITLE
    assert "修订中" not in data["body_html"]
    assert data["metadata"]["index_number"] == w.revision.index_number
    assert data["url"] == f"http://testserver/xxgk/item/{w.revision.pk}/"


@pytest.mark.parametrize("name", ["draft", "submitted", "approved"])
def test_unpublished_items_are_404(client, w, name, login, coordinator):
    assert client.get(f"/api/v1/items/{getattr(w, name).pk}").status_code == 404
    login(coordinator)  # a staff session sees no more through the open API
    assert client.get(f"/api/v1/items/{getattr(w, name).pk}").status_code == 404


def test_withdrawn_item_comes_with_its_notice_and_removed_is_410(client, w):
    data = client.get(f"/api/v1/items/{w.withdrawn.pk}").json()
    assert data["state"] == "withdrawn"
    assert data["withdrawal"]["explanation"] == "该通知内容已调整"
    response = client.get(f"/api/v1/items/{w.removed.pk}")
    assert response.status_code == 410
    assert response.json()["detail"] == "含有不应公开的内容"
    assert h.REMOVED_TITLE not in response.content.decode()
    assert client.get("/api/v1/items/987654").status_code == 404


def test_item_detail_has_validity_attachments_and_interpretations(
    client, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    readings = ColumnFactory(code="zcjd", kind=Column.Kind.INTERPRETATION)
    new = h.live(actor=coordinator, column=policies, title="新办法")
    old = h.draft(
        actor=coordinator,
        column=policies,
        title="旧办法",
        written_date=dt.date(2026, 1, 5),
        doc_number="高新〔2026〕1号",
    )
    att = h.attach(actor=coordinator, item=old, name="附件一.pdf")
    from gongkai.catalog.services import item_approve, item_submit

    old = item_approve(
        actor=coordinator, item=item_submit(actor=coordinator, item=old), publish=True
    )
    reading = h.live(actor=coordinator, column=readings, title="旧办法解读", interprets=old)
    h.mark_validity(
        old, Validity.ABOLISHED, dt.date(2026, 9, 28), replaced_by=new, note="被新办法替代"
    )
    data = client.get(f"/api/v1/items/{old.pk}").json()
    assert data["validity"] == {
        "status": "abolished",
        "label": "已废止",
        "date": "2026-09-28",
        "note": "被新办法替代",
        "replaced_by": {
            "id": new.pk,
            "title": "新办法",
            "url": f"http://testserver/xxgk/item/{new.pk}/",
        },
    }
    assert data["metadata"]["doc_number"] == "高新〔2026〕1号"
    assert data["metadata"]["written_date"] == "2026-01-05"
    assert data["attachments"] == [
        {
            "id": att.pk,
            "name": "附件一.pdf",
            "kind": "pdf",
            "size": att.size,
            "url": f"http://testserver/xxgk/item/{old.pk}/attachments/{att.pk}/",
        }
    ]
    assert [i["id"] for i in data["interpretations"]] == [reading.pk]
    assert client.get(f"/api/v1/items/{reading.pk}").json()["interprets"]["id"] == old.pk


def test_staff_api_still_needs_a_login(client, db):
    assert client.get("/api/staff/units").status_code == 401
