"""The applicant's correction (补正, Art. 30) from the public status page: what to correct and by
when, the form, the restart of the reply period from the day it arrives online, the staff
timeline, the rate limit and the privacy rules of the public side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, Notification
from gongkai.core.uploads import check_upload
from gongkai.core.workdays import format_date
from gongkai.foi import selectors
from gongkai.foi.models import Application, Event, Letter, Status
from gongkai.foi.services import handling as h
from gongkai.foi.services import replies
from gongkai.foi.tests.factories import PHONE, VALID_ID, application

pytestmark = pytest.mark.django_db

LOOKUP = "/ysqgk/lookup/"
STATUS = "/ysqgk/status/"
CORRECTION = "/ysqgk/status/correction/"
NEW_TEXT = "2025年度高新区财政预算执行情况报告（区人大常委会审议稿）"


@pytest.fixture(autouse=True)
def public_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FOI_RATE_LIMITS = {"lookup": [(1000, 600)], "correction": [(1000, 600)]}
    from django.core.cache import cache

    cache.clear()


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def pending(unit_a, liaison_a):
    """An application of unit A awaiting the applicant's correction."""
    app = application(unit=unit_a, description="预算的那个文件")
    Application.objects.filter(pk=app.pk).update(handler=liaison_a)
    return h.application_request_correction(
        actor=liaison_a,
        application=app,
        items="请写明所需文件的名称、年度和制作机关。",
        deadline=today() + dt.timedelta(days=15),
    )


def lookup(client, app):
    response = client.post(LOOKUP, {"tracking_code": app.tracking_code, "phone": PHONE})
    assert response.status_code == 302


def pdf_file(name="补正说明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% correction\n", content_type="application/pdf")


def test_status_page_shows_what_to_correct_by_when_and_the_form(client, pending):
    lookup(client, pending)
    page = client.get(STATUS).content.decode()
    section = page.split('class="card foi-correction"')[1].split("</section>")[0]
    assert "需要补正的事项" in section
    assert "请写明所需文件的名称、年度和制作机关。" in section
    deadline = today() + dt.timedelta(days=15)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in section
    assert f'action="{CORRECTION}"' in section and 'enctype="multipart/form-data"' in section
    assert 'name="text"' in section and 'name="file"' in section
    assert "补正期间暂停计算" in page
    # privacy: nothing of the applicant beyond the masked name
    assert VALID_ID not in page and PHONE not in page and "张三" not in page
    assert "某市某区某路1号" not in page and "zhangsan@example.com" not in page


def test_online_correction_restarts_the_clock_and_reaches_the_staff(
    client, login, pending, liaison_a, reviewer_a
):
    lookup(client, pending)
    audits = AuditEvent.objects.count()
    response = client.post(CORRECTION, {"text": NEW_TEXT, "file": pdf_file()})
    assert response.status_code == 302 and response["Location"] == reverse("foi_public:status")

    app = Application.objects.get(pk=pending.pk)
    assert app.status == Status.PROCESSING
    assert app.description == NEW_TEXT
    assert app.normalized_text == "2025年高新区财政预算执行情况报告区人大常委会审议稿"
    event = app.events.get(kind=Event.Kind.CORRECTION_RECEIVED)
    assert event.date == today() and event.actor is None and event.public
    assert event.data["channel"] == "online"
    assert event.data["text"] == NEW_TEXT
    assert event.data["previous_description"] == "预算的那个文件"
    material = app.materials.get(pk=event.data["material"])
    assert (material.purpose, material.released, material.kind) == ("correction", False, "pdf")
    assert material.original_name == "补正说明.pdf" and material.uploaded_by is None
    # the reply period restarts from today (Art. 30)
    clock = selectors.clock_for(app)
    assert app.due_date == clock.due and clock.start == today()
    assert f"{format_date(today())}收到补正材料，重新计算，为第0日" in clock.steps
    # one audit record, by nobody (the applicant), without personal data
    audit = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == audits + 1
    assert audit.actor is None and audit.action == "foi.receive_correction"
    assert "网上提交补正" in audit.summary and NEW_TEXT not in audit.summary
    # the handling staff are told in the workbench
    notes = Notification.objects.filter(title__contains=app.tracking_code)
    assert {n.user for n in notes} == {liaison_a, reviewer_a}
    assert all("张三" not in n.title + n.body and PHONE not in n.body for n in notes)

    # the applicant sees it went through; the form is gone; the file is not "provided" back
    page = client.get(STATUS).content.decode()
    assert "您的补正已提交" in page
    assert "foi-correction" not in page and "收到补正" in page
    assert "补正说明.pdf" not in page
    assert client.get(reverse("foi_public:material", args=[material.pk])).status_code == 404

    # the staff see it on the timeline, with the file
    staff = login(liaison_a)
    detail = staff.get(reverse("foi:application_detail", args=[app.pk])).content.decode()
    history = detail.split("办理记录")[-1]
    assert "申请人通过网上提交补正" in history
    assert f"补正内容：{NEW_TEXT}" in history and "原内容描述：预算的那个文件" in history
    file_url = reverse("foi:replies:material", args=[app.pk, material.pk])
    assert file_url in history
    got = staff.get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")


def test_text_only_correction(client, pending):
    lookup(client, pending)
    assert client.post(CORRECTION, {"text": NEW_TEXT}).status_code == 302
    app = Application.objects.get(pk=pending.pk)
    assert app.status == Status.PROCESSING and not app.materials.exists()
    assert "material" not in app.events.get(kind=Event.Kind.CORRECTION_RECEIVED).data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请填写补正后的内容描述"),
        ({"text": "太短"}, "内容描述至少5个字"),
        (
            {"text": NEW_TEXT, "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00\x03\x00\x00\xff")},
            "类型不被接受",
        ),
    ],
)
def test_invalid_correction_is_refused_next_to_the_field(client, pending, data, message):
    lookup(client, pending)
    response = client.post(CORRECTION, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "补正未提交" in page and message in page
    assert 'aria-invalid="true"' in page
    app = Application.objects.get(pk=pending.pk)
    assert app.status == Status.CORRECTION and app.description == "预算的那个文件"
    assert not app.materials.exists()


def test_correction_needs_a_lookup_and_a_pending_correction(client, unit_a):
    app = application(unit=unit_a)
    response = client.post(CORRECTION, {"text": NEW_TEXT})
    assert response.status_code == 302 and "expired=1" in response["Location"]
    lookup(client, app)
    assert "foi-correction" not in client.get(STATUS).content.decode()
    response = client.post(CORRECTION, {"text": NEW_TEXT})
    assert response.status_code == 302 and response["Location"] == reverse("foi_public:status")
    app.refresh_from_db()
    assert app.status == Status.PROCESSING and app.description != NEW_TEXT
    assert not app.events.filter(kind=Event.Kind.CORRECTION_RECEIVED).exists()


def test_correction_is_rate_limited(client, settings, pending):
    settings.FOI_RATE_LIMITS = {"lookup": [(1000, 600)], "correction": [(2, 600)]}
    lookup(client, pending)
    for _ in range(2):
        assert client.post(CORRECTION, {"text": "短"}).status_code == 200
    response = client.post(CORRECTION, {"text": NEW_TEXT})
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert Application.objects.get(pk=pending.pk).status == Status.CORRECTION


def test_after_the_deadline_is_accepted_and_marked(client, unit_a, liaison_a):
    received = today() - dt.timedelta(days=5)
    app = application(received=received, unit=unit_a)
    h.application_request_correction(
        actor=liaison_a,
        application=app,
        items="请写明文件名称",
        deadline=received + dt.timedelta(days=2),
        on=received + dt.timedelta(days=1),
    )
    lookup(client, app)
    page = client.get(STATUS).content.decode()
    assert "补正期限已过" in page
    assert client.post(CORRECTION, {"text": NEW_TEXT}).status_code == 302
    event = app.events.get(kind=Event.Kind.CORRECTION_RECEIVED)
    assert event.data["after_deadline"] is True


def test_service_online_rules(pending, liaison_a):
    with pytest.raises(ValueError):
        h.application_receive_correction(
            actor=liaison_a, application=pending, text=NEW_TEXT, online=True
        )
    with pytest.raises(PermissionDenied):  # no actor and not the online path
        h.application_receive_correction(actor=None, application=pending, text=NEW_TEXT)
    with pytest.raises(ValidationFailed, match="补正后的内容描述"):
        h.application_receive_correction(actor=None, application=pending, text=" ", online=True)
    bad = check_upload(SimpleUploadedFile("x.gif", b"GIF89a\x01\x00"))
    with pytest.raises(ValidationFailed, match="类型不被接受"):
        h.application_receive_correction(
            actor=None, application=pending, text=NEW_TEXT, online=True, upload=bad
        )
    app = h.application_receive_correction(
        actor=None,
        application=pending,
        text=NEW_TEXT,
        online=True,
        on=today() - dt.timedelta(days=3),  # ignored: it arrives today
    )
    assert app.events.get(kind=Event.Kind.CORRECTION_RECEIVED).date == today()
    with pytest.raises(ValidationFailed, match="当前状态不能登记收到补正"):
        h.application_receive_correction(actor=None, application=app, text=NEW_TEXT, online=True)


def test_reply_materials_reach_the_applicant_only_with_the_reply(
    client, unit_a, liaison_a, reviewer_a
):
    app = application(unit=unit_a)
    letter = replies.reply_draft(
        actor=liaison_a,
        app=app,
        result="partial",
        reasons="涉及个人隐私的部分已删除。",
        materials=[check_upload(pdf_file("删除个人信息后.pdf"))],
    )
    lookup(client, app)
    assert "删除个人信息后.pdf" not in client.get(STATUS).content.decode()  # a draft
    material = app.materials.get()
    assert client.get(reverse("foi_public:material", args=[material.pk])).status_code == 404
    replies.reply_approve(actor=reviewer_a, letter=letter)
    assert "删除个人信息后.pdf" not in client.get(STATUS).content.decode()  # not delivered
    replies.reply_deliver(actor=liaison_a, app=app, method="online", date=today())
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.RELEASED
    page = client.get(STATUS).content.decode()
    assert "删除个人信息后.pdf" in page and "政府信息公开申请答复书" in page
    assert client.get(reverse("foi_public:material", args=[material.pk])).status_code == 200
