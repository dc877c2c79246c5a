"""Registering applications: Art. 29 fields, Art. 31 receipt dates, encryption, tracking codes,
audit without personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.foi import crypto
from gongkai.foi.models import Application, Event
from gongkai.foi.services import application_register, intake
from gongkai.foi.tests.factories import PHONE, VALID_ID, application, application_fields

pytestmark = pytest.mark.django_db

SEP28 = dt.date(2026, 9, 28)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def kinds(app):
    return list(app.events.values_list("kind", "date"))


def test_in_person_received_on_arrival(coordinator):
    app = application(actor=coordinator, channel="in_person", arrived_at=at(SEP28))
    assert app.received_date == SEP28
    assert app.due_date == dt.date(2026, 10, 30)
    assert app.status == "registered"
    assert kinds(app) == [(Event.Kind.ARRIVED, SEP28), (Event.Kind.RECEIVED, SEP28)]
    assert app.created_by == coordinator


def test_signed_post_received_on_signing_day(coordinator):
    app = application(actor=coordinator, channel="post_signed", arrived_at=at(SEP28, 16))
    assert app.received_date == SEP28


def test_arrival_late_evening_utc_is_the_beijing_day(coordinator):
    # 2026-09-27 17:30 UTC is 2026-09-28 01:30 in Beijing
    utc = dt.datetime(2026, 9, 27, 17, 30, tzinfo=dt.UTC)
    app = application(actor=coordinator, channel="in_person", arrived_at=utc)
    assert app.received_date == SEP28


@pytest.mark.parametrize("channel", ["post_ordinary", "fax", "email"])
def test_confirmation_channels_need_the_confirmation_date(coordinator, channel):
    with pytest.raises(ValidationFailed) as err:
        application(actor=coordinator, channel=channel, arrived_at=at(SEP28))
    assert "confirmed_on" in err.value.extra["fields"]
    assert "第三十一条" in err.value.extra["fields"]["confirmed_on"]

    app = application(
        actor=coordinator, channel=channel, arrived_at=at(SEP28), confirmed_on=dt.date(2026, 9, 30)
    )
    assert app.received_date == dt.date(2026, 9, 30)
    assert app.due_date == dt.date(2026, 11, 3)
    # arrival and confirmation are both kept
    assert kinds(app) == [(Event.Kind.ARRIVED, SEP28), (Event.Kind.RECEIVED, dt.date(2026, 9, 30))]
    received = app.events.get(kind=Event.Kind.RECEIVED)
    assert received.data["confirmed_on"] == "2026-09-30"
    assert timezone.localtime(app.arrived_at).date() == SEP28


def test_confirmation_date_sets_the_clock(coordinator):
    app = application(
        actor=coordinator,
        channel="post_ordinary",
        arrived_at=at(SEP28),
        confirmed_on=dt.date(2026, 9, 30),
    )
    from gongkai.core.workdays import add_workdays

    assert app.due_date == add_workdays(dt.date(2026, 9, 30), 20)


def test_confirmation_before_arrival_refused(coordinator):
    with pytest.raises(ValidationFailed) as err:
        application(
            actor=coordinator,
            channel="fax",
            arrived_at=at(SEP28),
            confirmed_on=dt.date(2026, 9, 27),
        )
    assert "不能早于" in err.value.extra["fields"]["confirmed_on"]


def test_online_waits_for_confirmation():
    app = application(actor=None, channel="online", arrived_at=at(SEP28))
    assert app.received_date is None and app.due_date is None
    assert kinds(app) == [(Event.Kind.ARRIVED, SEP28)]
    assert app.created_by is None
    audit = AuditEvent.objects.get(action="foi.application_register")
    assert audit.actor is None and audit.actor_label == "系统"


def test_required_fields_reported_together():
    with pytest.raises(ValidationFailed) as err:
        application_register(
            actor=None,
            channel="online",
            arrived_at=at(SEP28),
            **application_fields(applicant_name="", id_number="", phone="", description=""),
        )
    fields = err.value.extra["fields"]
    assert set(fields) >= {"applicant_name", "id_number", "phone", "description"}
    assert fields["description"].startswith("请填写所需政府信息")
    assert "申请内容不完整" in err.value.message
    assert not Application.objects.exists()


def test_legal_person_needs_organisation():
    with pytest.raises(ValidationFailed) as err:
        application(applicant_type="legal", org_name="", org_type="")
    assert set(err.value.extra["fields"]) == {"org_name", "org_type"}
    app = application(applicant_type="legal", org_name="某某律师事务所", org_type="legal_service")
    assert app.org_name == "某某律师事务所"


def test_delivery_needs_its_address():
    with pytest.raises(ValidationFailed) as err:
        application(delivery="post", address="")
    assert "address" in err.value.extra["fields"]
    with pytest.raises(ValidationFailed) as err:
        application(delivery="email", email="")
    assert "email" in err.value.extra["fields"]


def test_resident_id_check_digit():
    assert intake.resident_id_valid(VALID_ID)
    with pytest.raises(ValidationFailed) as err:
        application(id_number="110105194912310021")
    assert err.value.extra["fields"]["id_number"] == "居民身份证号码格式不正确，请核对"
    # other documents are not checked against the GB 11643 rule
    assert application(id_type="passport", id_number="E12345678").id_number_tail == "5678"


def test_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        application_register(
            actor=None, channel="online", arrived_at=at(SEP28), nickname="x", **application_fields()
        )


def test_identity_number_encrypted_hashed_tail():
    app = application(id_number=" 110105 19491231 002x ")
    assert VALID_ID not in app.id_number_encrypted
    assert crypto.decrypt_id(app.id_number_encrypted) == VALID_ID
    assert app.id_number_hash == crypto.id_hash(VALID_ID)
    assert app.id_number_hash != hashlib.sha256(VALID_ID.encode()).hexdigest()
    assert app.id_number_tail == "002X"
    # the same person, written differently, matches
    assert crypto.id_hash("１１０１０５１９４９１２３１００２ｘ") == app.id_number_hash


def test_tracking_code_shape_and_randomness():
    codes = {application().tracking_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert code.startswith("YSQ") and len(code) == 15
        assert set(code[3:]) <= set(intake.TRACKING_ALPHABET)
        assert not set(code[3:]) & set("01OIL")


def test_tracking_code_collision_retried(monkeypatch):
    first = application()
    draws = iter([first.tracking_code, first.tracking_code, "YSQ23456789ABCD"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(draws))
    second = application()
    assert second.tracking_code == "YSQ23456789ABCD"


def test_audit_and_logs_free_of_personal_data(coordinator, caplog):
    caplog.set_level(logging.DEBUG)
    app = application(actor=coordinator, applicant_name="李四", address="幸福路8号")
    audit = AuditEvent.objects.get(action="foi.application_register")
    assert audit.object_id == str(app.pk)
    assert app.tracking_code in audit.summary
    blob = " ".join([audit.summary, str(audit.before), str(audit.after), audit.object_repr])
    logs = caplog.text
    for secret in (VALID_ID, VALID_ID[-4:], PHONE, "李四", "幸福路"):
        assert secret not in blob
        assert secret not in logs
    assert "registered" in logs  # the log line exists, only without personal data


def test_future_arrival_refused():
    with pytest.raises(ValidationFailed) as err:
        application(arrived_at=timezone.now() + dt.timedelta(days=2))
    assert "arrived_at" in err.value.extra["fields"]


# -- crypto ------------------------------------------------------------------------------------


def test_mask_id():
    assert crypto.mask_id("002X") == "**************002X"
    assert crypto.mask_id("") == "—"


def test_key_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FOI_ENCRYPTION_KEY = old
    token = crypto.encrypt_id(VALID_ID)
    settings.FOI_ENCRYPTION_KEY = new
    with pytest.raises(crypto.DecryptionFailed) as err:
        crypto.decrypt_id(token)
    assert VALID_ID not in err.value.message
    settings.FOI_ENCRYPTION_KEY = f"{new},{old}"
    assert crypto.decrypt_id(token) == VALID_ID
    rotated = crypto.rotate_token(token)
    settings.FOI_ENCRYPTION_KEY = new
    assert crypto.decrypt_id(rotated) == VALID_ID


def test_derived_key_when_unset(settings):
    settings.FOI_ENCRYPTION_KEY = ""
    token = crypto.encrypt_id(VALID_ID)
    assert Fernet(crypto.derived_encryption_key()).decrypt(token.encode()).decode() == VALID_ID
    # the hash key is a different derivation from the encryption key
    settings.SECRET_KEY = settings.SECRET_KEY + "-other"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_id(token)


def test_hash_key_is_separate(settings):
    settings.FOI_ENCRYPTION_KEY = ""
    before = crypto.id_hash(VALID_ID)
    settings.FOI_HASH_KEY = "another-hash-secret"
    assert crypto.id_hash(VALID_ID) != before
    assert len(before) == 64
