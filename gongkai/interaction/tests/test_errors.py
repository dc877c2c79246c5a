"""Error reports: routing to the page's owner, forwarded reports with reference and deadline,
resolve and close, permissions, statistics by unit."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.tests.factories import published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import Notification
from gongkai.interaction.models import ErrorStatus
from gongkai.interaction.selectors import public as public_selectors
from gongkai.interaction.selectors import staff as sel
from gongkai.interaction.services import errors as es

pytestmark = pytest.mark.django_db
D = dt.date


def test_routed_to_the_items_unit_else_the_coordinators(unit_a, liaison_a, coordinator):
    item = published_item(unit=unit_a)
    r = es.error_report_submit(
        kind="typo", url=f"https://gov.example/xxgk/item/{item.pk}/", description="错字"
    )
    assert r.unit == unit_a
    assert Notification.objects.filter(user=liaison_a, kind="interaction.error_reported").exists()
    shell = es.error_report_submit(kind="link", url="/xxgk/", description="链接打不开")
    assert shell.unit is None
    assert Notification.objects.filter(user=coordinator, kind="interaction.error_reported").exists()


def test_default_deadline_three_working_days_configurable(settings):
    assert es.default_due(D(2026, 9, 30)) == D(2026, 10, 10)  # over the National Day holiday
    settings.INTERACTION_ERROR_DEADLINE_WORKDAYS = 1
    assert es.default_due(D(2026, 11, 6)) == D(2026, 11, 9)


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"kind": "nonsense"}, "kind"),
        ({"url": ""}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"description": ""}, "description"),
        ({"description": "<script>x</script>"}, "description"),
    ],
)
def test_bad_input(kw, field):
    data = {"kind": "typo", "url": "/xxgk/", "description": "有错字"} | kw
    with pytest.raises(ValidationFailed) as exc:
        es.error_report_submit(**data)
    assert field in exc.value.extra["fields"]


def test_forwarded_report_with_reference_and_deadline(coordinator, liaison_a):
    with pytest.raises(PermissionDenied):
        es.error_report_register(
            actor=liaison_a,
            source="national",
            reference_number="ZC1",
            kind="typo",
            url="/xxgk/",
            description="错字",
        )
    with pytest.raises(ValidationFailed):
        es.error_report_register(
            actor=coordinator,
            source="national",
            reference_number="",
            kind="typo",
            url="/xxgk/",
            description="错字",
        )
    r = es.error_report_register(
        actor=coordinator,
        source="national",
        reference_number="ZC2026120300123",
        kind="outdated",
        url="/xxgk/",
        description="内容过期",
        received_date=D(2026, 12, 1),
    )
    assert r.due_date == D(2026, 12, 4) and r.reference_number == "ZC2026120300123"
    r2 = es.error_report_register(
        actor=coordinator,
        source="city",
        reference_number="S-9",
        kind="other",
        url="/",
        description="其他",
        received_date=D(2026, 12, 1),
        due_date=D(2026, 12, 2),
    )
    assert r2.due_date == D(2026, 12, 2)


def test_resolve_close_and_permissions(unit_a, unit_b, liaison_a, liaison_b, coordinator):
    item = published_item(unit=unit_a)
    r = es.error_report_submit(kind="typo", url=f"/xxgk/item/{item.pk}/", description="错字")
    assert list(sel.error_list(user=liaison_b)) == []
    with pytest.raises(PermissionDenied):
        es.error_report_resolve(actor=liaison_b, report=r, outcome="fixed", answer="已改")
    with pytest.raises(ValidationFailed):
        es.error_report_close(actor=coordinator, report=r)
    r = es.error_report_resolve(actor=liaison_a, report=r, outcome="fixed", answer="已改正错别字")
    assert r.status == ErrorStatus.FIXED and r.resolved_date
    with pytest.raises(PermissionDenied):
        es.error_report_close(actor=liaison_a, report=r)
    r = es.error_report_close(actor=coordinator, report=r)
    assert r.status == ErrorStatus.CLOSED
    stats = public_selectors.error_statistics(r.received_date.year)
    assert stats == [{"unit": unit_a.name, "received": 1, "resolved": 1}]


def test_reassign(coordinator, unit_b, liaison_b):
    r = es.error_report_submit(kind="typo", url="/xxgk/", description="错字")
    r = es.error_report_reassign(actor=coordinator, report=r, unit=unit_b)
    assert list(sel.error_list(user=liaison_b)) == [r]
    r = es.error_report_resolve(actor=liaison_b, report=r, outcome="answered", answer="经核实无误")
    assert r.status == ErrorStatus.ANSWERED
