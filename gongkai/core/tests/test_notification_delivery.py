"""Delivery of notifications after commit: email by each user's preference for the kind (at
once, in the daily digest, not at all), SMS when chosen, the digest job, failures that never
break the state change, and no addresses or numbers in the logs."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import transaction

from gongkai.core import schedule
from gongkai.core import tasks as core_tasks
from gongkai.core.models import EmailStatus, Notification, NotificationPreference
from gongkai.core.notifications import delivery, kinds, notify, sms
from gongkai.core.notifications import jobs as notification_jobs
from gongkai.orgs.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KIND = "tests.delivery"
QUIET = "tests.quiet"  # email_by_default=False
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def test_kinds(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@example.gov.cn"
    settings.GONGKAI_BASE_URL = "https://gongkai.example.gov.cn"
    settings.GONGKAI_SMS_BACKEND = "gongkai.core.notifications.sms.MemorySmsBackend"
    sms.MemorySmsBackend.outbox = []
    kinds.register_kind(KIND, "测试通知", group="测试")
    kinds.register_kind(QUIET, "静默通知", group="测试", email_by_default=False)
    yield
    kinds._registry.pop(KIND, None)
    kinds._registry.pop(QUIET, None)


@pytest.fixture
def user(db):
    return UserFactory(email="staff@example.gov.cn", phone=PHONE)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() in a transaction, with the on-commit delivery run as after a real commit."""

    def _send(users, *, kind=KIND, title="任务即将到期：公开财政预算", url="/workbench/plans/"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return notify(kind=kind, users=users, title=title, body="完成时限：11月3日", url=url)

    return _send


def prefer(user, kind=KIND, *, email="immediate", sms_on=False):
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": email, "sms": sms_on}
    )


def status(note):
    note.refresh_from_db()
    return note.email_status


# -- email by preference ---------------------------------------------------------------------


def test_default_is_immediate_email_with_link(user, send, mailoutbox):
    [note] = send([user])
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["staff@example.gov.cn"]
    assert mail.subject == "【政务公开】任务即将到期：公开财政预算"
    assert "完成时限：11月3日" in mail.body
    assert "https://gongkai.example.gov.cn/workbench/plans/" in mail.body
    assert status(note) == EmailStatus.SENT and note.emailed_at is not None
    assert sms.MemorySmsBackend.outbox == []  # SMS is opt-in


def test_kind_without_email_by_default_sends_none(user, send, mailoutbox):
    [note] = send([user], kind=QUIET)
    assert mailoutbox == []
    assert status(note) == EmailStatus.NONE


def test_user_without_address_gets_only_the_in_app_notice(send, mailoutbox):
    nobody = UserFactory(email="")
    [note] = send([nobody])
    assert mailoutbox == [] and status(note) == EmailStatus.NONE


def test_preference_none_sends_no_email(user, send, mailoutbox):
    prefer(user, email="none")
    [note] = send([user])
    assert mailoutbox == [] and status(note) == EmailStatus.NONE


def test_preference_immediate_overrides_a_quiet_kind(user, send, mailoutbox):
    prefer(user, QUIET, email="immediate")
    send([user], kind=QUIET)
    assert len(mailoutbox) == 1


def test_preferences_are_per_user(user, send, mailoutbox):
    other = UserFactory(email="other@example.gov.cn")
    prefer(user, email="none")
    send([user, other])
    assert [m.to for m in mailoutbox] == [["other@example.gov.cn"]]


def test_nothing_before_commit(user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notify(kind=KIND, users=[user], title="标题")
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1


def test_delivering_the_same_ids_twice_emails_once(user, send, mailoutbox):
    [note] = send([user])
    delivery.deliver_notifications([note.pk])
    assert len(mailoutbox) == 1


def test_email_failure_is_logged_without_address_and_keeps_the_notification(
    user, send, mailoutbox, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise OSError("smtp down for staff@example.gov.cn")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with caplog.at_level(logging.INFO, logger="gongkai.core.notifications"):
        [note] = send([user])
    assert Notification.objects.filter(pk=note.pk).exists()
    assert status(note) == EmailStatus.FAILED
    assert "email failed: OSError" in caplog.text
    assert "@" not in caplog.text and PHONE not in caplog.text


def test_a_broken_delivery_never_raises_into_the_caller(user, send, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("preferences table missing")

    monkeypatch.setattr(delivery, "preferences_for", broken)
    with caplog.at_level(logging.ERROR, logger="gongkai.core.notifications"):
        [note] = send([user])  # no exception
    assert Notification.objects.filter(pk=note.pk).exists()
    assert "delivery of notifications" in caplog.text


# -- the daily digest ------------------------------------------------------------------------


def test_digest_collects_and_sends_once(user, send, mailoutbox):
    prefer(user, email="digest")
    first = send([user], title="任务即将到期：甲")[0]
    second = send([user], title="任务已逾期：乙", url="/workbench/plans/tasks/7/")[0]
    assert mailoutbox == []
    assert status(first) == status(second) == EmailStatus.DIGEST

    counts = delivery.send_digests()
    assert counts == {"users": 1, "emails": 1, "notifications": 2, "failed": 0}
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["staff@example.gov.cn"]
    assert mail.subject == "【政务公开】每日通知汇总（2条）"
    assert "测试通知：任务即将到期：甲" in mail.body and "测试通知：任务已逾期：乙" in mail.body
    assert "https://gongkai.example.gov.cn/workbench/plans/tasks/7/" in mail.body
    assert status(first) == status(second) == EmailStatus.SENT

    assert delivery.send_digests()["emails"] == 0  # never twice
    assert len(mailoutbox) == 1

    third = send([user], title="任务已验收：丙")[0]
    delivery.send_digests()
    assert len(mailoutbox) == 2 and "丙" in mailoutbox[1].body and "甲" not in mailoutbox[1].body
    assert status(third) == EmailStatus.SENT


def test_digest_failure_keeps_them_for_the_next_digest(user, send, mailoutbox, monkeypatch):
    prefer(user, email="digest")
    [note] = send([user])
    with monkeypatch.context() as m:
        m.setattr("django.core.mail.EmailMessage.send", lambda *a, **k: 0)
        assert delivery.send_digests()["failed"] == 1
    assert status(note) == EmailStatus.DIGEST
    assert delivery.send_digests()["emails"] == 1
    assert len(mailoutbox) == 1


def test_digest_job_runs_on_working_days_only(user, send, mailoutbox, monkeypatch):
    prefer(user, email="digest")
    send([user])
    assert core_tasks.run_digests(dt.date(2026, 10, 24)) is None  # Saturday
    assert core_tasks.run_digests(dt.date(2026, 10, 5)) is None  # National Day holiday, Monday
    assert mailoutbox == []
    monkeypatch.setattr(schedule, "today", lambda: dt.date(2026, 10, 10))  # worked Saturday
    core_tasks.send_notification_digests.call_local()
    assert len(mailoutbox) == 1


def test_digest_job_is_scheduled_at_0800_beijing_time():
    validate = core_tasks.send_notification_digests.task_class().validate_datetime
    assert validate(dt.datetime(2026, 10, 29, 0, 0))  # huey hands naive UTC
    assert not validate(dt.datetime(2026, 10, 29, 8, 0))


# -- SMS -------------------------------------------------------------------------------------


def test_sms_when_chosen_with_kind_label_and_title(user, send, settings):
    settings.SITE_NAME = "高新区政务公开"
    prefer(user, sms_on=True)
    send([user])
    assert sms.MemorySmsBackend.outbox == [
        (PHONE, "【高新区政务公开】测试通知：任务即将到期：公开财政预算")
    ]


def test_sms_needs_a_phone_and_is_per_kind(user, send):
    prefer(user, QUIET, sms_on=True)
    send([user])  # KIND: SMS not chosen
    assert sms.MemorySmsBackend.outbox == []
    no_phone = UserFactory(phone="")
    prefer(no_phone, QUIET, sms_on=True)
    send([no_phone, user], kind=QUIET)
    assert [phone for phone, _ in sms.MemorySmsBackend.outbox] == [PHONE]


def test_sms_text_is_short():
    text = sms.sms_text("任务临期提醒", "很长的标题" * 30)
    assert len(text) == sms.MAX_LENGTH and text.endswith("…")


def test_console_backend_logs_a_masked_number(caplog):
    with caplog.at_level(logging.INFO, logger="gongkai.core.notifications.sms"):
        sms.ConsoleSmsBackend().send(PHONE, "【政务公开】测试")
    assert "138****5678" in caplog.text
    assert "8 characters" in caplog.text
    assert PHONE not in caplog.text


def test_console_backend_is_the_default(user, send, settings, caplog):
    settings.GONGKAI_SMS_BACKEND = sms.DEFAULT_BACKEND
    prefer(user, sms_on=True)
    with caplog.at_level(logging.INFO, logger="gongkai.core.notifications"):
        send([user])
    assert "138****5678" in caplog.text and PHONE not in caplog.text


def test_sms_backend_failure_is_logged_masked(user, send, settings, caplog, monkeypatch):
    def broken(self, phone, text):
        raise ConnectionError(f"gateway refused {phone}")

    monkeypatch.setattr(sms.MemorySmsBackend, "send", broken)
    prefer(user, sms_on=True)
    with caplog.at_level(logging.INFO, logger="gongkai.core.notifications"):
        send([user])
    assert "sms to 138****5678 failed: ConnectionError" in caplog.text
    assert PHONE not in caplog.text


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("+86 138-1234-5678", "138****5678"), ("12345", "*****")],
)
def test_mask_phone(phone, masked):
    assert sms.mask_phone(phone) == masked


# -- handing over to the job queue -------------------------------------------------------------


def test_notify_queues_the_delivery(user, send, monkeypatch, mailoutbox):
    queued = []
    monkeypatch.setattr(notification_jobs, "deliver_notifications_task", queued.append)
    [note] = send([user])
    assert queued == [[note.pk]]
    assert mailoutbox == [] and status(note) == EmailStatus.PENDING


def test_delivers_in_process_when_the_queue_is_down(user, send, monkeypatch, mailoutbox, caplog):
    def down(ids):
        raise ConnectionError("redis down")

    monkeypatch.setattr(notification_jobs, "deliver_notifications_task", down)
    with caplog.at_level(logging.WARNING, logger="gongkai.core.notifications"):
        [note] = send([user])
    assert "delivering now" in caplog.text
    assert len(mailoutbox) == 1 and status(note) == EmailStatus.SENT


def test_deliver_now_skips_the_queue(user, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(notification_jobs, "deliver_notifications_task", queued.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [note] = notify(kind=KIND, users=[user], title="标题", deliver_now=True)
    assert queued == [] and status(note) == EmailStatus.SENT
