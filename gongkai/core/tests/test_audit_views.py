from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.orgs import services

pytestmark = pytest.mark.django_db


def test_coordinator_browses_and_filters(login, coordinator, unit_a, unit_b):
    services.unit_update(actor=coordinator, unit=unit_a, contact_phone="1")
    services.unit_update(actor=coordinator, unit=unit_b, contact_phone="2")
    client = login(coordinator)
    page = client.get(reverse("workbench:audit_list")).content.decode()
    assert unit_a.short_name in page and unit_b.short_name in page
    filtered = client.get(reverse("workbench:audit_list"), {"unit": unit_b.pk}).content.decode()
    assert "共 1 条记录" in filtered


def test_liaison_sees_only_own_unit_events(login, coordinator, liaison_a, unit_a, unit_b):
    services.unit_update(actor=coordinator, unit=unit_a, contact_phone="1", address="甲地址")
    services.unit_update(actor=coordinator, unit=unit_b, contact_phone="2", address="乙地址")
    page = login(liaison_a).get(reverse("workbench:audit_list")).content.decode()
    assert "甲地址" in page and "乙地址" not in page


def test_leader_has_no_audit_page(login, leader):
    assert login(leader).get(reverse("workbench:audit_list")).status_code == 403


def test_bad_filter_input_is_not_an_error(login, coordinator):
    client = login(coordinator)
    response = client.get(
        reverse("workbench:audit_list"), {"date_from": "not-a-date", "unit": "abc", "page": "x"}
    )
    assert response.status_code == 200
