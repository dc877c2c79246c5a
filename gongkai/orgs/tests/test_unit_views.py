"""Views and the staff API apply the same per-unit permissions as the services."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_liaison_cannot_read_or_change_other_unit_through_views(login, liaison_a, unit_a, unit_b):
    client = login(liaison_a)
    assert client.get(reverse("workbench:unit_detail", args=[unit_a.pk])).status_code == 200
    assert client.get(reverse("workbench:unit_detail", args=[unit_b.pk])).status_code == 404
    assert client.get(reverse("workbench:unit_edit", args=[unit_b.pk])).status_code == 404
    response = client.post(
        reverse("workbench:unit_edit", args=[unit_b.pk]),
        {"contact_phone": "110", "address": "x"},
    )
    assert response.status_code == 404
    unit_b.refresh_from_db()
    assert unit_b.contact_phone == ""
    listing = client.get(reverse("workbench:unit_list")).content.decode()
    assert unit_a.name in listing and unit_b.name not in listing
    assert client.get(reverse("workbench:unit_create")).status_code == 403


def test_liaison_edits_own_unit_contact(login, liaison_a, unit_a):
    client = login(liaison_a)
    response = client.post(
        reverse("workbench:unit_edit", args=[unit_a.pk]),
        {"contact_phone": "0756-3300001", "address": "唐家湾"},
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.contact_phone == "0756-3300001"
    event = AuditEvent.objects.get(action="unit.update")
    assert event.actor == liaison_a and event.unit == unit_a
    assert event.after == {"contact_phone": "0756-3300001", "address": "唐家湾"}


def test_liaison_cannot_read_or_change_other_unit_through_api(login, liaison_a, unit_a, unit_b):
    client = login(liaison_a)
    listed = client.get("/api/staff/units").json()
    assert [u["id"] for u in listed] == [unit_a.pk]
    assert client.get(f"/api/staff/units/{unit_b.pk}").status_code == 404
    response = client.patch(
        f"/api/staff/units/{unit_b.pk}",
        data=json.dumps({"contact_phone": "110"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    unit_b.refresh_from_db()
    assert unit_b.contact_phone == ""
    ok = client.patch(
        f"/api/staff/units/{unit_a.pk}",
        data=json.dumps({"contact_phone": "0756-1"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["contact_phone"] == "0756-1"


def test_api_refuses_anonymous(client, unit_a):
    assert client.get("/api/staff/units").status_code == 401


def test_coordinator_creates_unit(login, coordinator):
    client = login(coordinator)
    response = client.post(
        reverse("workbench:unit_create"),
        {
            "name": "珠海高新区测试局",
            "short_name": "区测试局",
            "aliases": "测试局、测局",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    from gongkai.orgs.models import Unit

    unit = Unit.objects.get(name="珠海高新区测试局")
    assert unit.aliases == ["测试局", "测局"]


def test_bad_unit_code_shows_chinese_error(login, coordinator):
    client = login(coordinator)
    response = client.post(
        reverse("workbench:unit_create"), {"name": "某局", "code": "123", "sort_order": 1}
    )
    assert response.status_code == 200
    assert "机构代码无效" in response.content.decode()
