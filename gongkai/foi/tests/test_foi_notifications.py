"""Each hand-off of an application notifies exactly the people who act next, once, inside the
service's transaction — never the actor, never another unit's staff — and no notification
carries the applicant's personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.models import Notification
from gongkai.core.workdays import add_workdays
from gongkai.foi import notifications as kinds
from gongkai.foi.models import Application
from gongkai.foi.services import handling as h
from gongkai.foi.services import replies
from gongkai.foi.tests.factories import PHONE, VALID_ID, application
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.django_db

D = dt.date
SEP28 = D(2026, 9, 28)
#: Everything the test applications say about their applicant.
PERSONAL = (
    "张三",
    VALID_ID,
    VALID_ID[-4:],
    PHONE,
    "zhangsan@example.com",
    "某市某区某路1号",
    "100000",
    "2025年度本区财政预算执行情况的报告",
    "某某科技有限公司",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(staff):
    """The shared `staff` (conftest.py) and a second 公开办 user."""
    return {**staff, "coordinator2": user_with_role(Role.COORDINATOR, username="coord2")}


def sent(kind) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).select_related("user"))


def assert_sent_once(kind, users) -> list[Notification]:
    notes = sent(kind)
    assert sorted(n.user.pk for n in notes) == sorted(u.pk for u in set(users))
    return notes


def assert_no_personal_data():
    notes = list(Notification.objects.all())
    assert notes
    for n in notes:
        text = f"{n.title}\n{n.body}\n{n.url}"
        for secret in PERSONAL:
            assert secret not in text, (n.kind, secret)


# ---------------------------------------------------------------------------------------------
# Registration


def test_online_application_notifies_the_coordinators(staff):
    app = application(
        channel="online",
        arrived_at=timezone.now() - dt.timedelta(hours=2),
        applicant_type="legal",
        org_type="commercial",
        org_name="某某科技有限公司",
    )
    notes = assert_sent_once(
        kinds.APPLICATION_REGISTERED, {staff["coordinator"], staff["coordinator2"]}
    )
    for n in notes:
        assert n.title == f"收到新的政府信息公开申请：{app.tracking_code}"
        assert n.url == reverse("foi:application_detail", args=[app.pk])
        assert "申请渠道：网上申请" in n.body
        assert "待确认" in n.body  # an online application awaits confirmation of receipt
    assert Notification.objects.count() == 2
    assert_no_personal_data()


def test_staff_entry_notifies_the_other_coordinators(staff):
    app = application(actor=staff["coordinator"], received=SEP28)
    notes = assert_sent_once(kinds.APPLICATION_REGISTERED, {staff["coordinator2"]})
    assert "2026年9月28日" in notes[0].body and app.tracking_code in notes[0].body
    assert_no_personal_data()


def test_refused_registration_notifies_nobody(staff):
    with pytest.raises(ValidationFailed):
        application(phone="")
    assert not Notification.objects.exists()


# ---------------------------------------------------------------------------------------------
# Assignment


def test_assignment_notifies_the_unit_and_the_handler(staff, unit_a):
    app = application(received=SEP28)
    Notification.objects.all().delete()
    handler = staff["coordinator2"]  # a 公开办 user may handle a case too
    app = h.application_assign(
        actor=staff["coordinator"], application=app, unit=unit_a, handler=handler
    )
    notes = assert_sent_once(
        kinds.APPLICATION_ASSIGNED,
        {staff["liaison"], staff["liaison2"], staff["reviewer"], staff["reviewer2"], handler},
    )
    for n in notes:
        assert n.title == f"政府信息公开申请已分办：{app.tracking_code}"
        assert "高新区甲局" in n.body and "2026年10月30日" in n.body
        assert n.url == reverse("foi:application_detail", args=[app.pk])
    assert Notification.objects.count() == 5
    assert_no_personal_data()


def test_new_handler_within_the_unit_is_told_alone(staff, unit_a):
    app = application(received=SEP28)
    app = h.application_assign(actor=staff["coordinator"], application=app, unit=unit_a)
    Notification.objects.all().delete()
    app = h.application_assign(
        actor=staff["liaison"], application=app, unit=unit_a, handler=staff["liaison2"]
    )
    assert_sent_once(kinds.APPLICATION_ASSIGNED, {staff["liaison2"]})
    # the same handler again: nothing new to hand over
    h.application_assign(
        actor=staff["liaison"], application=app, unit=unit_a, handler=staff["liaison2"]
    )
    assert Notification.objects.count() == 1


def test_reassignment_to_another_unit_notifies_that_unit(staff, unit_a, unit_b):
    app = application(received=SEP28)
    app = h.application_assign(actor=staff["coordinator"], application=app, unit=unit_a)
    Notification.objects.all().delete()
    h.application_assign(actor=staff["coordinator"], application=app, unit=unit_b)
    assert_sent_once(kinds.APPLICATION_ASSIGNED, {staff["liaison_b"], staff["reviewer_b"]})


def test_refused_or_rolled_back_assignment_notifies_nobody(staff, unit_a):
    app = application(received=SEP28)
    Notification.objects.all().delete()
    with pytest.raises(ValidationFailed):
        h.application_assign(
            actor=staff["coordinator"], application=app, unit=unit_a, version=app.version + 1
        )
    with pytest.raises(RuntimeError), transaction.atomic():
        h.application_assign(actor=staff["coordinator"], application=app, unit=unit_a)
        assert Notification.objects.count() == 4
        raise RuntimeError("the caller's transaction fails")
    assert not Notification.objects.exists()
    assert Application.objects.get(pk=app.pk).unit_id is None


# ---------------------------------------------------------------------------------------------
# Corrections


def correction_requested(unit, actor):
    app = application(received=SEP28, unit=unit)
    return h.application_request_correction(
        actor=actor,
        application=app,
        items="请写明文件名称或文号",
        deadline=D(2026, 10, 30),
        on=add_workdays(SEP28, 7),
    )


def test_correction_recorded_by_the_unit_notifies_nobody(staff, unit_a):
    app = correction_requested(unit_a, staff["liaison"])
    Notification.objects.all().delete()
    h.application_receive_correction(
        actor=staff["liaison"], application=app, text="《某某通知》", on=D(2026, 10, 22)
    )
    assert not Notification.objects.exists()


def test_correction_recorded_by_the_coordinator_notifies_the_unit(staff, unit_a):
    app = correction_requested(unit_a, staff["liaison"])
    Notification.objects.all().delete()
    h.application_receive_correction(
        actor=staff["coordinator"], application=app, text="《某某通知》", on=D(2026, 10, 22)
    )
    notes = assert_sent_once(
        kinds.CORRECTION_RECEIVED,
        {staff["liaison"], staff["liaison2"], staff["reviewer"], staff["reviewer2"]},
    )
    assert all(n.title == f"收到申请人的补正：{app.tracking_code}" for n in notes)
    assert all("2026年10月22日" in n.body and "《某某通知》" not in n.body for n in notes)
    assert_no_personal_data()


def test_online_correction_notifies_the_handling_staff(staff, unit_a):
    app = correction_requested(unit_a, staff["liaison"])
    app = h.application_assign(
        actor=staff["coordinator"], application=app, unit=unit_a, handler=staff["coordinator2"]
    )
    Notification.objects.all().delete()
    h.application_receive_correction(actor=None, application=app, text="补正后的描述", online=True)
    notes = assert_sent_once(
        kinds.CORRECTION_RECEIVED,
        {
            staff["liaison"],
            staff["liaison2"],
            staff["reviewer"],
            staff["reviewer2"],
            staff["coordinator2"],
        },
    )
    assert all(n.title == f"申请人已网上提交补正：{app.tracking_code}" for n in notes)
    assert all("补正后的描述" not in n.body for n in notes)
    assert_no_personal_data()


# ---------------------------------------------------------------------------------------------
# Reply letters


@pytest.fixture
def handled(staff, unit_a):
    """An application of unit A with 联络员 2 as its handler; no notifications left over."""
    app = application(received=SEP28)
    app = h.application_assign(
        actor=staff["coordinator"], application=app, unit=unit_a, handler=staff["liaison2"]
    )
    Notification.objects.all().delete()
    return app


def letter_url(letter):
    return reverse("foi:replies:letter", args=[letter.application_id, letter.pk])


def test_drafted_letter_notifies_who_may_approve(staff, handled):
    letter = replies.reply_draft(actor=staff["liaison"], app=handled, result="disclose")
    notes = assert_sent_once(
        kinds.LETTER_PENDING,
        {staff["reviewer"], staff["reviewer2"], staff["coordinator"], staff["coordinator2"]},
    )
    for n in notes:
        assert n.title == f"答复书待审批：{handled.tracking_code}"
        assert n.url == letter_url(letter)
        assert "高新区甲局" in n.body and "予以公开" in n.body
    assert Notification.objects.count() == 4
    assert_no_personal_data()


def test_approved_letter_notifies_drafter_handler_and_liaisons(staff, handled):
    letter = replies.reply_draft(actor=staff["reviewer2"], app=handled, result="disclose")
    Notification.objects.all().delete()
    replies.reply_approve(actor=staff["reviewer"], letter=letter)
    notes = assert_sent_once(
        kinds.LETTER_APPROVED, {staff["reviewer2"], staff["liaison"], staff["liaison2"]}
    )
    assert all(n.title == f"答复书已审批，请登记送达：{handled.tracking_code}" for n in notes)
    assert Notification.objects.count() == 3
    assert_no_personal_data()


def test_returned_letter_notifies_drafter_and_handler(staff, handled):
    letter = replies.reply_draft(actor=staff["liaison"], app=handled, result="disclose")
    Notification.objects.all().delete()
    replies.reply_return(actor=staff["reviewer"], letter=letter, reason="申请人张三的地址写错了")
    notes = assert_sent_once(kinds.LETTER_RETURNED, {staff["liaison"], staff["liaison2"]})
    assert all(n.title == f"答复书被退回：{handled.tracking_code}" for n in notes)
    assert all("地址写错了" not in n.body for n in notes)  # the reason stays on the page
    assert Notification.objects.count() == 2
    assert_no_personal_data()


def test_returned_letter_of_departed_drafter_goes_to_the_unit(staff, unit_a):
    app = application(received=SEP28, unit=unit_a)  # no handler
    drafter = user_with_role(Role.LIAISON, unit=unit_a)
    letter = replies.reply_draft(actor=drafter, app=app, result="disclose")
    Membership.objects.filter(user=drafter).update(unit=UnitFactory())
    Notification.objects.all().delete()
    replies.reply_return(actor=staff["reviewer"], letter=letter, reason="请修改")
    assert_sent_once(
        kinds.LETTER_RETURNED, {staff["liaison"], staff["liaison2"], staff["reviewer2"]}
    )


def test_refused_or_rolled_back_letter_steps_notify_nobody(staff, handled):
    with pytest.raises(ValidationFailed):
        replies.reply_draft(actor=staff["liaison"], app=handled, result="")
    assert not Notification.objects.exists()
    letter = replies.reply_draft(actor=staff["liaison"], app=handled, result="disclose")
    Notification.objects.all().delete()
    with pytest.raises(ValidationFailed):
        replies.reply_return(actor=staff["reviewer"], letter=letter, reason=" ")
    with pytest.raises(RuntimeError), transaction.atomic():
        replies.reply_approve(actor=staff["reviewer"], letter=letter)
        assert Notification.objects.filter(kind=kinds.LETTER_APPROVED).exists()
        raise RuntimeError("the caller's transaction fails")
    assert not Notification.objects.exists()


def test_other_units_and_leaders_are_never_told(staff, handled):
    letter = replies.reply_draft(actor=staff["liaison"], app=handled, result="disclose")
    replies.reply_approve(actor=staff["reviewer"], letter=letter)
    application(channel="online", arrived_at=timezone.now() - dt.timedelta(hours=1))
    told = set(Notification.objects.values_list("user", flat=True))
    assert told
    for outsider in ("liaison_b", "reviewer_b", "leader"):
        assert staff[outsider].pk not in told, outsider
