"""The public pages of 依申请公开: guide, form, confirmation, lookup, status and downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.foi.models import Application, Event, Letter, Material
from gongkai.foi.services import event_record
from gongkai.foi.tests.factories import VALID_ID, application
from gongkai.foi.views.public import CONFIRMATION_KEY, LOOKUP_KEY

pytestmark = pytest.mark.django_db

APPLY = "/ysqgk/apply/"
LOOKUP = "/ysqgk/lookup/"
STATUS = "/ysqgk/status/"
CODE_RE = re.compile(r'id="tracking-code">(YSQ[0-9A-Z]+)<')


@pytest.fixture(autouse=True)
def public_settings(monkeypatch, settings, tmp_path):
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FOI_RATE_LIMITS = {
        "apply": [(1000, 600)],
        "apply_post": [(1000, 600)],
        "lookup": [(1000, 600)],
    }
    from django.core.cache import cache

    cache.clear()


def form_data(**overrides) -> dict:
    values = {
        "applicant_type": "natural",
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "email": "",
        "address": "",
        "postcode": "",
        "description": "2025年度本区财政预算执行情况",
        "doc_number_sought": "",
        "form_wanted": "electronic",
        "delivery": "online",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "declaration": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def submit(client, **overrides):
    return client.post(APPLY, form_data(**overrides))


def lookup(client, code, phone="13800138000"):
    return client.post(LOOKUP, {"tracking_code": code, "phone": phone})


# ------------------------------------------------------------------------------------------------
# Guide


def test_guide_states_the_art_12_contents_and_links(client, settings):
    settings.GONGKAI_GUIDE = {
        "office": "高新区政务公开办公室",
        "address": "高新区创新路1号",
        "postcode": "519085",
        "hours": "工作日 9:00—17:00",
        "phone": "0756-3612345",
        "fax": "0756-3612346",
        "email": "gongkai@example.gov.cn",
    }
    response = client.get("/ysqgk/")
    assert response.status_code == 200
    page = response.content.decode()
    for value in settings.GONGKAI_GUIDE.values():
        assert value in page
    for text in (
        "网上申请",
        "当面提交",
        "信函邮寄",
        "传真",
        "电子邮件",
        "基本渠道",
        "文号",  # Art. 29 content
        "20个工作日",
        "不超过20个工作日",
        "补正",
        "信息处理费",
        "不收取费用",
        "行政复议",
        "行政诉讼",
        "阅读困难",
        "视听障碍",
        "双方确认",
    ):
        assert text in page, text
    assert f'href="{reverse("foi_public:apply")}"' in page
    assert f'href="{reverse("foi_public:lookup")}"' in page


def test_guide_without_settings_shows_placeholders(client, settings):
    settings.GONGKAI_GUIDE = {}
    page = client.get("/ysqgk/").content.decode()
    assert settings.SITE_OWNER in page
    assert "待公布" in page


def test_public_pages_have_no_inline_script_or_style(client):
    for url in ("/ysqgk/", APPLY, LOOKUP):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " style=" not in page and "<style" not in page, url


# ------------------------------------------------------------------------------------------------
# Form


def test_form_page_has_labels_captcha_and_script(client):
    page = client.get(APPLY).content.decode()
    for label in (
        "申请人类型",
        "姓名",
        "证件类型",
        "证件号码",
        "联系电话",
        "验证码",
        "获取信息的方式",
    ):
        assert label in page
    assert 'class="captcha"' in page and 'alt="验证码图片"' in page
    assert "gongkai/js/foi-apply.js" in page
    assert 'id="org-fields"' in page


def test_successful_application_is_registered_online_and_code_shown_once(client):
    response = submit(client, phone="138-0013-8000")
    assert response.status_code == 302
    assert response["Location"] == reverse("foi_public:confirmation")
    assert "?" not in response["Location"]
    app = Application.objects.get()
    assert app.channel == "online"
    assert app.received_date is None  # Art. 31: 双方确认 by staff
    assert app.phone == "13800138000"
    assert app.id_number_tail == VALID_ID[-4:]
    assert VALID_ID not in app.id_number_encrypted
    assert app.submitted_ip_hash and "127.0.0.1" not in app.submitted_ip_hash
    assert app.events.filter(kind=Event.Kind.ARRIVED).exists()

    page = client.get(response["Location"]).content.decode()
    assert CODE_RE.search(page).group(1) == app.tracking_code
    assert "双方确认" in page and "20个工作日" in page

    again = client.get(response["Location"]).content.decode()
    assert app.tracking_code not in again
    assert "只在提交后显示一次" in again


def test_errors_are_chinese_next_to_the_field_and_nothing_is_stored(client):
    audits = AuditEvent.objects.count()
    response = submit(client, id_number="110105194912310021", delivery="email", email="")
    assert response.status_code == 200
    page = response.content.decode()
    assert "居民身份证号码校验位不正确" in page
    assert "选择以电子邮件获取信息的，请填写电子邮箱" in page
    assert "申请未提交" in page
    # the message sits inside the field's own block
    block = page.split('id="field-id_number"')[1].split('<div class="field"')[0]
    assert "校验位不正确" in block
    assert 'aria-invalid="true"' in block
    assert Application.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    # what was typed is kept (but never the captcha answer)
    assert 'value="张三"' in page


def test_refresh_captcha_without_javascript_keeps_the_input(client):
    response = client.post(APPLY, {**form_data(), "refresh_captcha": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="张三"' in page
    assert "errorlist" not in page
    assert Application.objects.count() == 0


def test_legal_person_application(client):
    from gongkai.orgs.codes import uscc_make

    code = uscc_make(category="91", serial="MA4W12345")
    response = submit(
        client,
        applicant_type="legal",
        applicant_name="李四",
        org_name="某某律师事务所",
        org_type="legal_service",
        legal_representative="王五",
        id_type="uscc",
        id_number=code,
        delivery="post",
        form_wanted="paper",
        address="某市某路2号",
        postcode="519000",
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert (app.applicant_type, app.org_type, app.id_type) == ("legal", "legal_service", "uscc")
    assert app.org_name == "某某律师事务所" and app.legal_representative == "王五"


def test_submission_rate_limit_answers_429_in_chinese(client, settings):
    settings.FOI_RATE_LIMITS = {"apply": [(2, 600)], "apply_post": [(100, 600)]}
    assert submit(client).status_code == 302
    assert submit(client).status_code == 302
    response = submit(client)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Application.objects.count() == 2


def test_default_limits_are_five_applications_per_ten_minutes(client, settings):
    settings.FOI_RATE_LIMITS = {}
    for _ in range(5):
        assert submit(client).status_code == 302
    assert submit(client).status_code == 429
    assert Application.objects.count() == 5


def test_post_rate_limit_counts_failed_attempts_too(client, settings):
    settings.FOI_RATE_LIMITS = {"apply": [(100, 600)], "apply_post": [(3, 600)]}
    for _ in range(3):
        assert submit(client, captcha_1="WRONG").status_code == 200
    assert submit(client).status_code == 429
    assert Application.objects.count() == 0


def test_rate_limit_is_per_client_address(client, settings):
    settings.FOI_RATE_LIMITS = {"apply": [(1, 600)], "apply_post": [(100, 600)]}
    assert submit(client).status_code == 302
    assert submit(client).status_code == 429
    other = client.post(APPLY, form_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


# ------------------------------------------------------------------------------------------------
# Lookup and status


def test_lookup_with_code_and_phone_shows_the_status(client):
    app = application(channel="online", applicant_name="张三丰", phone="0756-1234567")
    response = lookup(client, app.tracking_code.lower(), phone="(0756) 1234567")
    assert response.status_code == 302
    assert response["Location"] == STATUS
    page = client.get(STATUS).content.decode()
    assert app.tracking_code in page
    assert "张**" in page and "张三丰" not in page
    assert "已登记" in page
    assert "待工作人员与您确认" in page
    assert "1234567" not in page


def test_wrong_code_or_phone_says_the_same_thing(client):
    app = application(channel="online")
    wrong_phone = lookup(client, app.tracking_code, phone="13900000000")
    wrong_code = lookup(client, "YSQ" + "2" * 12)
    for response in (wrong_phone, wrong_code):
        assert response.status_code == 200
        assert "查询码或联系电话不正确" in response.content.decode()
    assert LOOKUP_KEY not in client.session
    assert client.get(STATUS).status_code == 302
    # an application with an empty phone can never be looked up with an empty phone
    Application.objects.filter(pk=app.pk).update(phone="")
    assert lookup(client, app.tracking_code, phone="").status_code == 200


def test_lookup_rate_limit(client, settings):
    settings.FOI_RATE_LIMITS = {"lookup": [(3, 600)]}
    app = application(channel="online")
    for _ in range(3):
        lookup(client, "YSQWRONGWRONG")
    response = lookup(client, app.tracking_code)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_status_needs_a_lookup_in_this_session_and_expires(client):
    assert client.get(STATUS)["Location"].startswith(LOOKUP)
    app = application(channel="online")
    lookup(client, app.tracking_code)
    assert client.get(STATUS).status_code == 200
    session = client.session
    session[LOOKUP_KEY] = {**session[LOOKUP_KEY], "until": 0}
    session.save()
    response = client.get(STATUS)
    assert response.status_code == 302 and "expired=1" in response["Location"]
    assert "查询已过期" in client.get(response["Location"]).content.decode()


def test_another_browser_cannot_see_the_status(client, django_user_model):
    from django.test import Client

    app = application(channel="online")
    lookup(client, app.tracking_code)
    assert client.get(STATUS).status_code == 200
    assert Client().get(STATUS).status_code == 302


def test_end_lookup_forgets_the_application(client):
    app = application(channel="online")
    lookup(client, app.tracking_code)
    client.post(reverse("foi_public:lookup_end"))
    assert client.get(STATUS).status_code == 302


def test_timeline_shows_public_events_with_chinese_dates_and_due_date(client):
    app = application(received=dt.date(2026, 10, 28))
    event_record(
        app, kind=Event.Kind.NOTE, date=dt.date(2026, 10, 29), note="内部备注", public=False
    )
    event_record(app, kind=Event.Kind.EXTENDED, date=dt.date(2026, 11, 2), data={"workdays": 20})
    Application.objects.filter(pk=app.pk).update(
        due_date=dt.date(2026, 11, 26), status="processing"
    )
    lookup(client, app.tracking_code)
    page = client.get(STATUS).content.decode()
    assert "2026年11月26日" in page  # due date
    assert "2026年10月28日" in page and "确认收到" in page
    assert "2026年11月2日" in page and "延期答复" in page
    assert "内部备注" not in page and "备注" not in page.split("办理记录")[1].split("文书和材料")[0]
    assert "正在办理" in page


def test_only_released_letters_and_materials_of_this_application_download(client):
    app = application(channel="online")
    other = application(channel="online")
    released = Letter.objects.create(
        application=app,
        kind="reply.disclose",
        title="政府信息公开申请答复书",
        body="答复正文",
        status=Letter.Status.RELEASED,
    )
    released.pdf.save("reply.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    draft = Letter.objects.create(
        application=app,
        kind="reply.disclose",
        title="草稿答复书",
        body="草稿",
        status=Letter.Status.DRAFT,
    )
    draft.pdf.save("draft.pdf", ContentFile(b"%PDF-1.4 draft"), save=True)
    text_only = Letter.objects.create(
        application=app,
        kind="notice.correction",
        title="补正告知书",
        body="请补正。",
        status=Letter.Status.RELEASED,
    )
    foreign = Letter.objects.create(
        application=other,
        kind="reply.disclose",
        title="别人的答复书",
        body="x",
        status=Letter.Status.RELEASED,
    )
    foreign.pdf.save("other.pdf", ContentFile(b"%PDF other"), save=True)
    material = Material(
        application=app,
        purpose="provided",
        original_name="预算表.xlsx",
        kind="xlsx",
        size=4,
        sha256="0" * 64,
        released=True,
    )
    material.file.save("budget.xlsx", ContentFile(b"data"), save=True)
    hidden = Material(
        application=app,
        purpose="provided",
        original_name="内部.xlsx",
        kind="xlsx",
        size=4,
        sha256="1" * 64,
        released=False,
    )
    hidden.file.save("internal.xlsx", ContentFile(b"nope"), save=True)

    assert client.get(reverse("foi_public:letter", args=[released.pk, "pdf"])).status_code == 404
    lookup(client, app.tracking_code)
    page = client.get(STATUS).content.decode()
    assert "政府信息公开申请答复书" in page and "补正告知书" in page and "预算表.xlsx" in page
    assert "草稿答复书" not in page and "别人的答复书" not in page and "内部.xlsx" not in page

    response = client.get(reverse("foi_public:letter", args=[released.pk, "pdf"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = client.get(reverse("foi_public:letter", args=[text_only.pk, "txt"]))
    assert text.status_code == 200 and "请补正。" in text.content.decode()
    assert client.get(reverse("foi_public:letter", args=[released.pk, "docx"])).status_code == 404
    assert client.get(reverse("foi_public:letter", args=[draft.pk, "pdf"])).status_code == 404
    assert client.get(reverse("foi_public:letter", args=[foreign.pk, "pdf"])).status_code == 404
    got = client.get(reverse("foi_public:material", args=[material.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"data"
    assert client.get(reverse("foi_public:material", args=[hidden.pk])).status_code == 404


def test_confirmation_and_status_pages_are_not_cached(client):
    submit(client)
    assert CONFIRMATION_KEY in client.session
    response = client.get(reverse("foi_public:confirmation"))
    assert "no-store" in response["Cache-Control"]
    app = Application.objects.get()
    lookup(client, app.tracking_code)
    assert "no-store" in client.get(STATUS)["Cache-Control"]
