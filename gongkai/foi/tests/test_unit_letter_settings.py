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


def test_art_35_explain_notice_from_the_panel(
    client, login, liaison_a, reviewer_a, unit_a, settings, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from gongkai.foi.models import Letter
    from gongkai.foi.tests.factories import application
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    settings.MEDIA_ROOT = tmp_path / "media"
    app = application(received=timezone.localdate() - dt.timedelta(days=3), unit=unit_a)
    login(liaison_a)
    url = f"/workbench/foi/{app.pk}/reply/notice/explain/"
    client.post(url, {"deadline": timezone.localdate().isoformat()})
    assert not Letter.objects.exists()
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(url, {"deadline": later})
    letter = Letter.objects.get(kind="notice.explain")
    assert response.status_code == 302 and letter.status == Letter.Status.DRAFT
    assert "第三十五条" in letter.body and "说明申请理由" in letter.body
    login(reviewer_a)
    page = client.get(f"/workbench/foi/{app.pk}/reply/letters/{letter.pk}/").content.decode()
    assert "审核通过" in page
    client.post(f"/workbench/foi/{app.pk}/reply/letters/{letter.pk}/approve/")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED and letter.number


def test_referral_letter_to_the_agency_that_holds_the_information(
    client, login, liaison_a, unit_a, settings, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from gongkai.foi.models import Letter
    from gongkai.foi.tests.factories import application
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    settings.MEDIA_ROOT = tmp_path / "media"
    app = application(received=timezone.localdate() - dt.timedelta(days=3), unit=unit_a)
    login(liaison_a)
    url = f"/workbench/foi/{app.pk}/reply/notice/referral/"
    client.post(url, {"agency": "  "})
    assert not Letter.objects.exists()
    client.post(url, {"agency": "高新区住房和城乡建设局"})
    letter = Letter.objects.get(kind="notice.referral")
    assert letter.addressee == "高新区住房和城乡建设局"
    assert (
        letter.body.startswith("高新区住房和城乡建设局：") and "第三十六条第（五）项" in letter.body
    )
    assert "张三" not in letter.body


def test_letter_page_warns_when_the_unit_is_not_configured(
    client, login, liaison_a, unit_a, settings, tmp_path
):
    import datetime as dt

    from gongkai.foi import letters
    from gongkai.foi.models import Letter
    from gongkai.foi.tests.factories import application
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    title, body = letters.render_letter(
        "reply.deny", letters.letter_context(app, result="deny.third_party")
    )
    letter = Letter.objects.create(application=app, kind="reply.deny", title=title, body=body)
    login(liaison_a)
    url = f"/workbench/foi/{app.pk}/reply/letters/{letter.pk}/"
    assert "尚未设置行政复议机关" in client.get(url).content.decode()
    UnitLetterSettings.objects.create(unit=unit_a, review_body="某区人民政府", court="某区人民法院")
    assert "尚未设置行政复议机关" not in client.get(url).content.decode()
