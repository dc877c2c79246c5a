"""Per-unit letter settings: review body, court, number pattern and contact."""

from __future__ import annotations

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.foi.models import UnitLetterSettings
from gongkai.foi.services.replies import unit_letter_settings_save

pytestmark = pytest.mark.django_db

GOOD = {
    "review_body": "珠海市高新区管理委员会",
    "court": "珠海市香洲区人民法院",
    "number_pattern": "高新甲依申复〔{year}〕{seq}号",
    "contact_person": "王某",
    "contact_phone": "0756-3612345",
}


def test_saved_once_with_audit_and_refusals(coordinator, liaison_a, unit_a):
    with pytest.raises(PermissionDenied):
        unit_letter_settings_save(actor=liaison_a, unit=unit_a, **GOOD)
    for bad, message in (
        ({"review_body": ""}, "复议机关"),
        ({"review_body": "上一级行政机关或者本级人民政府"}, "修订后的《行政复议法》"),
        ({"number_pattern": "高新〔{year}〕号"}, "{seq}"),
        ({"number_pattern": "高新〔{yr}〕{seq}号"}, "占位符"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            unit_letter_settings_save(actor=coordinator, unit=unit_a, **{**GOOD, **bad})
    assert not UnitLetterSettings.objects.exists()
    saved = unit_letter_settings_save(actor=coordinator, unit=unit_a, **GOOD)
    assert saved.review_body == GOOD["review_body"]
    unit_letter_settings_save(actor=coordinator, unit=unit_a, **{**GOOD, "court": "某法院"})
    assert UnitLetterSettings.objects.get().court == "某法院"
    assert AuditEvent.objects.filter(action="foi.unit_letter_settings").count() == 2


def test_settings_pages(client, login, coordinator, liaison_a, unit_a, settings):
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    url = f"/workbench/foi/replies/unit-settings/{unit_a.pk}/"
    login(liaison_a)
    assert client.get(url).status_code == 403
    login(coordinator)
    assert "未设置" in client.get("/workbench/foi/replies/unit-settings/").content.decode()
    assert client.post(url, GOOD).status_code == 302
    page = client.get("/workbench/foi/replies/unit-settings/").content.decode()
    assert GOOD["review_body"] in page and GOOD["court"] in page
