"""The reminder engine with a test source: once per event key (run twice, a lost race), quiet
on days off (weekend, statutory holiday) and at work on a 调休 Saturday, dry run, the summary,
logs without personal data, preferences counted; the command over all sources."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from django.core.management import CommandError, call_command

from gongkai.core import schedule
from gongkai.core import tasks as core_tasks
from gongkai.core.models import Notification, NotificationPreference, Reminder
from gongkai.core.notifications import kinds
from gongkai.core.reminders import (
    RESULT,
    Due,
    DueReminder,
    already_sent,
    reminder_key,
    run_daily,
    run_reminders,
    sources,
)
from gongkai.orgs.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
THURSDAY = D(2026, 10, 29)
SATURDAY = D(2026, 10, 24)
HOLIDAY = D(2026, 10, 5)  # Monday in the National Day holiday
WORKED_SATURDAY = D(2026, 10, 10)  # 调休上班
KIND = "tests.reminder"


class FakeSource:
    """Reminds about each of `objects` (id -> due date) once per due date, to `users`."""

    name = "tests"
    label = "测试提醒"
    columns = ("编号", "期限")

    def __init__(self):
        self.objects: dict[int, D] = {}
        self.users: list = []
        self.skipped: dict[str, str] = {}
        self.skip: set[int] = set()

    def due(self, day):
        from gongkai.core.models import Reminder

        sent = set(Reminder.objects.filter(source=self.name).values_list("object_id", "due_date"))
        return Due(
            reminders=[
                DueReminder(
                    key=reminder_key("tests.object", pk, "due", due),
                    kind=KIND,
                    label="到期提醒",
                    recipients=list(self.users),
                    title=f"对象{pk}到期",
                    body="请办理。",
                    url=f"/workbench/tests/{pk}/",
                    object_id=pk,
                    due_date=due,
                    fields=(str(pk), due.isoformat()),
                    skip="已暂停" if pk in self.skip else "",
                )
                for pk, due in sorted(self.objects.items())
                if (pk, due) not in sent
            ],
            skipped_kinds=dict(self.skipped),
        )


@pytest.fixture
def source():
    kinds.register_kind(KIND, "测试提醒", group="测试")
    fake = sources.register_source(FakeSource())
    yield fake
    sources._sources.pop(fake.name, None)
    kinds._registry.pop(KIND, None)


@pytest.fixture
def staff(db):
    return [
        UserFactory(email="a@example.gov.cn", phone="13812345678"),
        UserFactory(email="b@example.gov.cn"),
        UserFactory(email=""),
    ]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(day=THURSDAY, **kwargs):
        kwargs.setdefault("sources", ["tests"])
        with django_capture_on_commit_callbacks(execute=True):
            return run_reminders(day=day, **kwargs)

    return _run


def test_sends_once_per_event(source, staff, run, mailoutbox):
    source.objects = {1: THURSDAY}
    source.users = staff
    first = run()
    assert first.sent == 1
    row = Reminder.objects.get()
    assert (row.key, row.source, row.kind, row.object_id, row.due_date) == (
        "tests.object:1:due:2026-10-29",
        "tests",
        KIND,
        1,
        THURSDAY,
    )
    assert row.recipients == [u.pk for u in staff]
    assert row.emailed == 2  # the third has no address
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 2

    second = run()
    assert second.sent == 0 and second.outcomes == []
    assert (Reminder.objects.count(), Notification.objects.count(), len(mailoutbox)) == (1, 3, 2)


def test_a_moved_due_date_is_a_new_event(source, staff, run):
    source.objects = {1: THURSDAY}
    source.users = staff[:1]
    run()
    source.objects = {1: D(2026, 11, 3)}
    assert run().sent == 1
    assert Reminder.objects.count() == 2


def test_lost_race_is_skipped(source, staff, run, monkeypatch, mailoutbox):
    source.objects = {1: THURSDAY}
    source.users = staff[:1]
    stale = source.due(THURSDAY)  # selected before the other worker committed
    Reminder.objects.create(
        key="tests.object:1:due:2026-10-29", source="tests", kind=KIND, object_id=1
    )
    monkeypatch.setattr(source, "due", lambda day: stale)
    summary = run()
    assert [o.result for o in summary.outcomes] == [RESULT.DUPLICATE]
    assert Reminder.objects.count() == 1
    assert not Notification.objects.exists() and mailoutbox == []


def test_dry_run_writes_and_sends_nothing(source, staff, run, mailoutbox):
    source.objects = {1: THURSDAY, 2: THURSDAY}
    source.users = staff
    summary = run(dry_run=True)
    assert summary.count(RESULT.WOULD_SEND) == 2 and summary.emails == 4
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert mailoutbox == []


def test_no_recipients_and_skipped_are_reported_not_recorded(source, staff, run):
    source.objects = {1: THURSDAY, 2: THURSDAY}
    source.skip = {2}
    summary = run()
    assert [o.result for o in summary.outcomes] == [RESULT.NO_RECIPIENTS, RESULT.SKIPPED]
    assert summary.outcomes[1].result_label == "未发送（已暂停）"
    assert not Reminder.objects.exists()
    source.users = staff[:1]
    assert run().sent == 1  # goes out once somebody is there


def test_emails_follow_preferences(source, staff, run, mailoutbox):
    source.objects = {1: THURSDAY}
    source.users = staff[:2]
    NotificationPreference.objects.create(user=staff[0], kind=KIND, email="digest")
    summary = run()
    assert summary.emails == 1
    assert Reminder.objects.get().emailed == 1
    assert [m.to for m in mailoutbox] == [["b@example.gov.cn"]]


def test_skipped_kinds_reach_the_summary(source, run):
    source.skipped = {"临期提醒": "2027年节假日安排尚未录入"}
    summary = run()
    assert summary.skipped_kinds == {"tests": {"临期提醒": "2027年节假日安排尚未录入"}}


def test_logs_carry_keys_and_counts_only(source, staff, run, caplog):
    source.objects = {1: THURSDAY}
    source.users = staff
    with caplog.at_level(logging.INFO, logger="gongkai"):
        run()
    assert "key=tests.object:1:due:2026-10-29" in caplog.text
    assert "recipients=3 emails=2" in caplog.text
    for user in staff:
        assert user.username not in caplog.text
    assert "@" not in caplog.text and "13812345678" not in caplog.text


def test_already_sent_matches_object_kind_and_due_date(source):
    from django.db.models import DateField, Value

    from gongkai.orgs.tests.factories import UnitFactory

    unit, other = UnitFactory(), UnitFactory()
    Reminder.objects.create(
        key="tests.object:x", source="tests", kind=KIND, object_id=unit.pk, due_date=THURSDAY
    )

    def remaining(due, kind=KIND):
        qs = type(unit).objects.filter(pk__in=[unit.pk, other.pk])
        qs = qs.annotate(due_date=Value(due, output_field=DateField()))
        return set(qs.exclude(already_sent("tests", kind)).values_list("pk", flat=True))

    assert remaining(THURSDAY) == {other.pk}
    assert remaining(D(2026, 11, 3)) == {unit.pk, other.pk}  # another due date: a new event
    assert remaining(THURSDAY, kind="tests.other") == {unit.pk, other.pk}


def test_escalations_of_every_source_go_to_the_coordinators(
    unit_a, liaison_a, coordinator, django_capture_on_commit_callbacks
):
    """A task 5 working days overdue and an application 3 working days overdue, one run."""
    from gongkai.foi.tests.factories import application
    from gongkai.plans.models import Task
    from gongkai.plans.tests.factories import item_with

    task = Task.objects.create(
        item=item_with(units=[unit_a]),
        unit=unit_a,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 10, 22),
        due_date=D(2026, 10, 22),
    )
    app = application(received=D(2026, 9, 28), unit=unit_a)  # due 2026-10-30
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_reminders(day=D(2026, 11, 4))
    escalation_kinds = ["plans.task_escalation", "foi.escalation"]
    escalations = Reminder.objects.filter(kind__in=escalation_kinds)
    assert sorted(escalations.values_list("source", "object_id")) == [
        ("foi", app.pk),
        ("plans", task.pk),
    ]
    assert all(r.recipients == [coordinator.pk] for r in escalations)
    titles = set(
        Notification.objects.filter(user=coordinator, kind__in=escalation_kinds).values_list(
            "title", flat=True
        )
    )
    assert titles == {f"逾期督办：{task.item.title}", f"申请逾期督办：{app.tracking_code}"}
    assert not Notification.objects.filter(user=liaison_a, title__contains="督办").exists()
    assert summary.count(RESULT.SENT, source="plans") == 2  # overdue + escalation
    assert summary.count(RESULT.SENT, source="foi") == 2


# -- working days --------------------------------------------------------------------------


@pytest.mark.parametrize("day", [SATURDAY, HOLIDAY])
def test_quiet_on_days_off(source, staff, day, mailoutbox, monkeypatch):
    source.objects = {1: day}
    source.users = staff
    assert run_daily(day) is None
    monkeypatch.setattr(schedule, "today", lambda: day)
    core_tasks.send_reminders.call_local()
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert mailoutbox == []


def test_sends_on_a_worked_saturday(source, staff, monkeypatch):
    source.objects = {1: WORKED_SATURDAY}
    source.users = staff[:1]
    monkeypatch.setattr(schedule, "today", lambda: WORKED_SATURDAY)
    core_tasks.send_reminders.call_local()
    assert Reminder.objects.get().due_date == WORKED_SATURDAY


def test_job_is_scheduled_at_0830_beijing_time():
    validate = core_tasks.send_reminders.task_class().validate_datetime
    assert validate(dt.datetime(2026, 10, 29, 0, 30))
    assert not validate(dt.datetime(2026, 10, 29, 8, 30))


# -- the command over all sources ----------------------------------------------------------


def test_command_prints_each_source(source, staff, django_capture_on_commit_callbacks):
    source.objects = {1: THURSDAY}
    source.users = staff
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-10-29", stdout=out)
    text = out.getvalue()
    assert "2026年10月29日的测试提醒" in text
    assert "到期提醒" in text and "已发送" in text
    assert "已发送提醒 1 条，邮件 2 封。" in text


def test_command_json_and_source(source, staff):
    source.objects = {1: THURSDAY}
    source.users = staff
    out = io.StringIO()
    call_command(
        "send_reminders",
        "--date",
        "2026-10-29",
        "--dry-run",
        "--source",
        "tests",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["sources"] == ["tests"] and data["dry_run"] is True
    assert data["would_send"] == 1 and data["emails"] == 2
    assert data["outcomes"][0]["key"] == "tests.object:1:due:2026-10-29"
    assert not Reminder.objects.exists()


def test_command_rejects_an_unknown_source_and_bad_dates(source):
    with pytest.raises(CommandError, match="没有名为 nosuch 的提醒来源"):
        call_command("send_reminders", "--source", "nosuch")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "29/10/2026")


def test_command_runs_every_registered_source(source):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-10-29", "--json", stdout=out)
    assert json.loads(out.getvalue())["sources"] == [
        "datasets",
        "foi",
        "interaction",
        "plans",
        "reports",
        "tests",
    ]
