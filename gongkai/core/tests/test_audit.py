from __future__ import annotations

import pytest
from django.db import transaction

from gongkai.core.audit import AuditOutsideTransaction, audit_record
from gongkai.core.models import AuditEvent
from gongkai.core.request_context import client_ip
from gongkai.orgs import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_is_written_with_the_change_and_rolls_back_with_it(coordinator):
    unit = services.unit_create(actor=coordinator, name="审计测试局")
    event = AuditEvent.objects.get(action="unit.create")
    assert event.actor == coordinator and event.object_id == str(unit.pk)
    assert event.after["name"] == "审计测试局"

    with pytest.raises(RuntimeError), transaction.atomic():
        services.unit_update(actor=coordinator, unit=unit, contact_phone="1")
        raise RuntimeError("boom")
    assert not AuditEvent.objects.filter(action="unit.update").exists()
    unit.refresh_from_db()
    assert unit.contact_phone == ""


def test_audit_refuses_outside_transaction(coordinator):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=coordinator, action="x")


def test_audit_records_are_append_only(coordinator):
    services.unit_create(actor=coordinator, name="只追加局")
    event = AuditEvent.objects.first()
    event.summary = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(summary="x")


def test_audit_records_ip(coordinator):
    with client_ip("10.1.2.3"):
        services.unit_create(actor=coordinator, name="地址局")
    assert AuditEvent.objects.get(action="unit.create").ip_address == "10.1.2.3"


def test_x_real_ip_only_trusted_when_configured(rf, settings):
    from gongkai.core.request_context import ip_from_request

    request = rf.get("/", HTTP_X_REAL_IP="203.0.113.9", REMOTE_ADDR="127.0.0.1")
    settings.TRUST_X_REAL_IP = False
    assert ip_from_request(request) == "127.0.0.1"
    settings.TRUST_X_REAL_IP = True
    assert ip_from_request(request) == "203.0.113.9"
