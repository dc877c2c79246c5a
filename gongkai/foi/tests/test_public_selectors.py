"""The applicant's reads (`gongkai.foi.selectors.public`): plain frozen data, only what the
status page shows, only this application's released letters and materials."""

from __future__ import annotations

import dataclasses

import pytest

from gongkai.foi.models import Application, Event, Letter, Status
from gongkai.foi.selectors import public
from gongkai.foi.services import event_record
from gongkai.foi.tests.factories import PHONE, VALID_ID, application, letter, material

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("A", "A"), ("", "")]
)
def test_mask_name(name, masked):
    assert public.mask_name(name) == masked


def test_lookup_needs_the_code_and_the_phone():
    app = application(channel="online")
    find = public.application_id_for_lookup
    assert find(tracking_code=app.tracking_code, phone=PHONE) == app.pk
    assert find(tracking_code=app.tracking_code, phone="138 0013 8000") == app.pk
    assert find(tracking_code=app.tracking_code, phone="13900139000") is None
    assert find(tracking_code=app.tracking_code, phone="") is None
    assert find(tracking_code="YSQ-NOPE", phone=PHONE) is None


def test_the_status_is_frozen_plain_data_without_personal_data():
    app = application(channel="online", applicant_name="张三丰")
    status = public.public_application(app.pk)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.status = Status.CLOSED
    assert not any(isinstance(v, Application) for v in vars(status).values())
    assert status.tracking_code == app.tracking_code and status.applicant_display == "张**"
    assert status.status_label == "已登记" and "确认收到申请的日期" in status.status_text
    shown = repr(status)
    for private in (VALID_ID, PHONE, "zhangsan@example.com", "某市某区某路1号", "张三丰"):
        assert private not in shown
    assert public.public_application(999_999) is None


def test_an_organisation_shows_its_name_and_the_masked_agent():
    app = application(channel="online")
    Application.objects.filter(pk=app.pk).update(
        applicant_type="legal", org_name="某某科技有限公司"
    )
    assert public.public_application(app.pk).applicant_display == "某某科技有限公司（经办人 张*）"


def test_only_public_events_and_released_letters_are_listed():
    app = application(channel="online")
    event_record(application=app, kind=Event.Kind.NOTE, date=app.arrived_at.date(), public=False)
    letter(app, status=Letter.Status.DRAFT, title="草稿")
    released = letter(app, title="答复书", pdf=b"%PDF-1.4")
    text_only = letter(app, kind="notice.correction", title="补正告知书")
    other = letter(application(channel="online"), title="别人的")
    status = public.public_application(app.pk)
    assert "备注" not in [e.label for e in status.timeline]
    assert [(lt.id, lt.formats) for lt in status.letters] == [
        (released.pk, ("pdf",)),
        (text_only.pk, ("txt",)),
    ]
    assert (
        public.released_letter_download(application_id=app.pk, letter_id=other.pk, fmt="pdf")
        is None
    )
    assert (
        public.released_letter_download(application_id=app.pk, letter_id=released.pk, fmt="docx")
        is None
    )
    assert (
        public.released_letter_download(application_id=app.pk, letter_id=released.pk, fmt="exe")
        is None
    )
    got = public.released_letter_download(application_id=app.pk, letter_id=released.pk, fmt="pdf")
    assert got.filename == "答复书.pdf" and got.stored_name and got.content is None
    text = public.released_letter_download(application_id=app.pk, letter_id=text_only.pk, fmt="txt")
    assert text.content == "答复正文".encode() and text.content_type.startswith("text/plain")


def test_materials_only_once_a_reply_has_reached_the_applicant():
    app = application(channel="online")
    shown = material(app, original_name="预算表.xlsx", kind="xlsx", data=b"data")
    hidden = material(app, released=False, original_name="内部.xlsx")
    letter(app, kind="notice.correction", title="补正告知书")
    assert public.public_application(app.pk).materials == ()
    assert public.released_material_download(application_id=app.pk, material_id=shown.pk) is None
    letter(app)
    status = public.public_application(app.pk)
    assert [(m.id, m.name, m.size) for m in status.materials] == [(shown.pk, "预算表.xlsx", 4)]
    got = public.released_material_download(application_id=app.pk, material_id=shown.pk)
    assert got.filename == "预算表.xlsx" and got.content_type.endswith("spreadsheetml.sheet")
    assert public.released_material_download(application_id=app.pk, material_id=hidden.pk) is None


def test_the_correction_target_only_while_correction_is_asked():
    app = application(channel="online")
    assert public.correction_target(app.pk) is None
    Application.objects.filter(pk=app.pk).update(status=Status.CORRECTION)
    assert public.correction_target(app.pk).pk == app.pk
