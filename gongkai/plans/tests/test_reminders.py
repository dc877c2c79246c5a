"""Task reminders (the "plans" source of the reminder engine): selection per kind on the real
2026 calendar, sending (Reminder rows, in-app notifications, emails after commit), never twice,
the daily job and the command.

2026-10-29 is a Thursday. Three working days later is 2026-11-03 (Tuesday); five working days
before it is 2026-10-22. 2026-10-03 is a National Day holiday; 2026-10-10 (Saturday) is worked.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.management import CommandError, call_command

from gongkai.core import schedule, workdays
from gongkai.core import tasks as core_tasks
from gongkai.core.models import Notification, Reminder
from gongkai.core.reminders import RESULT, run_daily, run_reminders
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.tests.factories import UnitFactory, UserFactory
from gongkai.plans import notifications, reminders, services
from gongkai.plans.models import Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2026, 10, 29)  # Thursday
BEFORE = notifications.TASK_BEFORE_DUE
DUE = notifications.TASK_DUE
OVERDUE = notifications.TASK_OVERDUE
ESCALATION = notifications.TASK_ESCALATION
ALL_KINDS = (BEFORE, DUE, OVERDUE, ESCALATION)


@pytest.fixture(autouse=True)
def fresh_calendar(settings):
    settings.PLANS_REMIND_BEFORE_WORKDAYS = 3
    settings.PLANS_ESCALATE_AFTER_WORKDAYS = 5
    settings.GONGKAI_BASE_URL = "https://gongkai.example.gov.cn/"
    settings.DEFAULT_FROM_EMAIL = "noreply@example.gov.cn"
    workdays._loaded = None
    yield
    workdays._loaded = None


def with_email(user, email):
    user.email = email
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(unit_a, liaison_a, reviewer_a, coordinator, liaison_b):
    """A liaison and a reviewer of 甲局, a liaison of 乙局 and a coordinator, all with email."""
    with_email(liaison_a, "liaison_a@example.gov.cn")
    with_email(reviewer_a, "reviewer_a@example.gov.cn")
    with_email(liaison_b, "liaison_b@example.gov.cn")
    with_email(coordinator, "coord@example.gov.cn")
    return {
        "liaison": liaison_a,
        "reviewer": reviewer_a,
        "coordinator": coordinator,
        "other": liaison_b,
    }


def make_task(unit, due, *, status=TaskStatus.NOT_STARTED, title=None):
    item = item_with(units=[unit], **({"title": title} if title else {}))
    return Task.objects.create(
        item=item,
        unit=unit,
        period_start=D(2026, 1, 1),
        period_end=due,
        period_label="2026年",
        due_date=due,
        status=status,
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """The engine on the plans source, with the after-commit callbacks (the emails) run, as
    after a real commit."""

    def _send(day=DAY, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return run_reminders(day=day, sources=["plans"], **kwargs)

    return _send


def sent(kind=None):
    qs = Reminder.objects.filter(source="plans")
    return qs.filter(kind=kind) if kind else qs


def record(task, event, due):
    """A reminder recorded earlier (by an earlier run or another worker)."""
    return Reminder.objects.create(
        key=reminders.source.key(task.pk, event, due),
        source="plans",
        kind=f"plans.task_{event}",
        object_id=task.pk,
        due_date=due,
    )


def task_items(kind):
    """(item, due date) of the tasks reminded with `kind`."""
    tasks = Task.objects.filter(pk__in=sent(kind).values("object_id"))
    return set(tasks.values_list("item", "due_date"))


def inbox(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def mail_to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


# -- each kind on its day, to the right people ----------------------------------------------------


def test_before_due_fires_exactly_n_workdays_ahead_to_liaisons(people, unit_a, send, mailoutbox):
    task = make_task(unit_a, D(2026, 11, 3), title="公开2026年财政预算执行情况")

    assert send(D(2026, 10, 28)).sent == 0  # four working days ahead: not yet
    assert not Reminder.objects.exists()

    summary = send(DAY)
    assert summary.sent == 1
    reminder = Reminder.objects.get()
    assert (reminder.object_id, reminder.kind, reminder.due_date) == (
        task.pk,
        BEFORE,
        D(2026, 11, 3),
    )
    assert reminder.key == f"plans.task:{task.pk}:before_due:2026-11-03"
    assert reminder.recipients == [people["liaison"].pk]
    assert reminder.emailed == 1
    assert inbox(people["liaison"]) == ["任务即将到期：公开2026年财政预算执行情况"]
    assert inbox(people["reviewer"]) == inbox(people["other"]) == inbox(people["coordinator"]) == []
    notification = Notification.objects.get()
    assert notification.url == f"/workbench/plans/tasks/{task.pk}/"

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["liaison_a@example.gov.cn"]
    assert mail.from_email == "noreply@example.gov.cn"
    assert mail.subject == "【政务公开】任务即将到期：公开2026年财政预算执行情况"
    assert "任务：公开2026年财政预算执行情况" in mail.body
    assert "责任单位：高新区甲局" in mail.body
    assert "完成时限：2026年11月3日" in mail.body
    assert "状态：未开始（即将到期）" in mail.body
    assert f"https://gongkai.example.gov.cn/workbench/plans/tasks/{task.pk}/" in mail.body


def test_before_due_catches_up_a_missed_day_but_only_once(people, unit_a, send):
    soon = make_task(unit_a, D(2026, 10, 30))  # one working day ahead: the job missed its day
    already = make_task(unit_a, D(2026, 11, 2))
    record(already, "before_due", D(2026, 11, 2))
    send(DAY)
    assert set(sent(BEFORE).values_list("object_id", flat=True)) == {soon.pk, already.pk}
    assert sent(BEFORE).count() == 2
    assert inbox(people["liaison"]) == [f"任务即将到期：{soon.item.title}"]


def test_due_on_the_day_goes_to_liaisons(people, unit_a, send, mailoutbox):
    task = make_task(unit_a, DAY)
    send(DAY)
    reminder = Reminder.objects.get()
    assert (reminder.object_id, reminder.kind, reminder.due_date) == (task.pk, DUE, DAY)
    assert reminder.recipients == [people["liaison"].pk]
    assert [m.to for m in mailoutbox] == [["liaison_a@example.gov.cn"]]
    assert mailoutbox[0].subject.startswith("【政务公开】任务今日到期：")
    assert "完成时限：2026年10月29日" in mailoutbox[0].body


def test_overdue_goes_to_liaisons_and_reviewers_once_per_due_date(people, unit_a, send, mailoutbox):
    task = make_task(unit_a, D(2026, 10, 28), status=TaskStatus.IN_PROGRESS)
    send(DAY)
    reminder = Reminder.objects.get()
    assert (reminder.object_id, reminder.kind) == (task.pk, OVERDUE)
    assert sorted(reminder.recipients) == sorted([people["liaison"].pk, people["reviewer"].pk])
    assert sorted(m.to[0] for m in mailoutbox) == [
        "liaison_a@example.gov.cn",
        "reviewer_a@example.gov.cn",
    ]
    assert "状态：进行中（已逾期1个工作日）" in mailoutbox[0].body
    assert inbox(people["coordinator"]) == []

    # the next working days: no daily spam
    assert send(D(2026, 10, 30)).sent == 0
    assert send(D(2026, 11, 2)).sent == 0
    assert Reminder.objects.count() == 1 and len(mailoutbox) == 2


def test_escalation_to_coordinators_after_m_workdays(people, unit_a, send, mailoutbox):
    late5 = make_task(unit_a, D(2026, 10, 22))  # 5 working days overdue on 10-29
    late4 = make_task(unit_a, D(2026, 10, 23))  # 4
    send(DAY)
    escalation = sent(ESCALATION).get()
    assert escalation.object_id == late5.pk
    assert escalation.recipients == [people["coordinator"].pk]
    assert set(sent(OVERDUE).values_list("object_id", flat=True)) == {late5.pk, late4.pk}
    assert inbox(people["coordinator"]) == [f"逾期督办：{late5.item.title}"]
    coord_mail = mail_to(mailoutbox, "coord@example.gov.cn")
    assert len(coord_mail) == 1
    assert coord_mail[0].subject == f"【政务公开】逾期督办：{late5.item.title}"
    assert "已逾期5个工作日" in coord_mail[0].body
    # liaisons are not sent the escalation
    assert not any("逾期督办" in t for t in inbox(people["liaison"]))

    # the next day the 4-day one reaches 5 and is escalated; the first is not escalated again
    send(D(2026, 10, 30))
    assert set(sent(ESCALATION).values_list("object_id", flat=True)) == {late5.pk, late4.pk}
    assert sent(ESCALATION).count() == 2


def test_escalation_threshold_is_configurable(people, unit_a, send, settings):
    settings.PLANS_ESCALATE_AFTER_WORKDAYS = 1
    make_task(unit_a, D(2026, 10, 28))
    send(DAY)
    assert sent(ESCALATION).count() == 1


def test_before_due_workdays_is_configurable(people, unit_a, send, settings):
    settings.PLANS_REMIND_BEFORE_WORKDAYS = 1
    make_task(unit_a, D(2026, 11, 3))
    send(DAY)
    assert not sent(BEFORE).exists()
    make_task(unit_a, D(2026, 10, 30))
    send(DAY)
    assert sent(BEFORE).count() == 1


# -- never twice ----------------------------------------------------------------------------------


def test_running_twice_sends_nothing_new(people, unit_a, unit_b, send, mailoutbox):
    make_task(unit_a, D(2026, 11, 3))
    make_task(unit_a, DAY)
    make_task(unit_a, D(2026, 10, 22))
    make_task(unit_b, D(2026, 10, 28))
    first = send(DAY)
    # 甲局: before_due, due, overdue (liaison + reviewer), escalation (coordinator); 乙局: overdue
    assert first.sent == 5
    counts = (Reminder.objects.count(), len(mailoutbox), Notification.objects.count())
    assert counts == (5, 6, 6)

    second = send(DAY)
    assert second.sent == 0 and second.outcomes == []
    assert (Reminder.objects.count(), len(mailoutbox), Notification.objects.count()) == counts


def test_lost_race_with_another_worker_is_skipped(people, unit_a, send, mailoutbox, monkeypatch):
    task = make_task(unit_a, DAY)
    stale = reminders.source.due(DAY)  # selected before the other worker committed
    record(task, "due", DAY)
    monkeypatch.setattr(reminders.source, "due", lambda day: stale)

    summary = send(DAY)
    assert [o.result for o in summary.outcomes] == [RESULT.DUPLICATE]
    assert summary.sent == 0
    assert Reminder.objects.count() == 1
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_emails_wait_for_the_commit(people, unit_a, django_capture_on_commit_callbacks, mailoutbox):
    make_task(unit_a, DAY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_reminders(day=DAY, sources=["plans"])
    assert mailoutbox == []  # not before commit
    assert Notification.objects.count() == 1
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_failed_email_is_logged_and_recorded(people, unit_a, send, monkeypatch, caplog):
    make_task(unit_a, DAY)

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with caplog.at_level(logging.ERROR, logger="gongkai.core.notifications"):
        send(DAY)
    reminder = Reminder.objects.get()
    assert reminder.emailed == 0
    assert Notification.objects.get().email_status == "failed"  # the in-app notice still went out
    assert "email failed" in caplog.text
    assert "@" not in caplog.text


# -- who gets nothing ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [TaskStatus.SUBMITTED, TaskStatus.COMPLETED])
def test_submitted_and_completed_tasks_get_nothing(people, unit_a, send, mailoutbox, status):
    for due in (D(2026, 11, 3), DAY, D(2026, 10, 28), D(2026, 10, 1)):
        make_task(unit_a, due, status=status)
    assert reminders.reminders_due(DAY) == []
    assert send(DAY).outcomes == []
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mailoutbox == []


def test_returned_tasks_are_still_open(people, unit_a, send):
    make_task(unit_a, DAY, status=TaskStatus.RETURNED)
    send(DAY)
    assert sent(DUE).count() == 1


def test_removed_items_get_nothing(people, unit_a, send):
    task = make_task(unit_a, DAY)
    task.item.is_removed = True
    task.item.save()
    assert send(DAY).outcomes == []


def test_changed_due_date_is_a_new_event(people, unit_a, send):
    task = make_task(unit_a, D(2026, 10, 28))
    send(DAY)
    assert list(sent().values_list("kind", "due_date")) == [(OVERDUE, D(2026, 10, 28))]
    Task.objects.filter(pk=task.pk).update(due_date=D(2026, 11, 3))  # extended
    send(DAY)
    assert sorted(sent().values_list("kind", "due_date")) == [
        (BEFORE, D(2026, 11, 3)),
        (OVERDUE, D(2026, 10, 28)),
    ]


def test_users_without_email_get_only_in_app_notifications(unit_a, liaison_a, send, mailoutbox):
    assert liaison_a.email == ""
    make_task(unit_a, DAY)
    summary = send(DAY)
    assert summary.sent == 1 and summary.emails == 0
    assert Reminder.objects.get().emailed == 0
    assert Reminder.objects.get().recipients == [liaison_a.pk]
    assert inbox(liaison_a) != []
    assert mailoutbox == []


def test_inactive_users_get_nothing(unit_a, liaison_a, reviewer_a, send):
    liaison_a.is_active = False
    liaison_a.save()
    make_task(unit_a, D(2026, 10, 28))  # overdue: liaison and reviewer
    send(DAY)
    assert Reminder.objects.get().recipients == [reviewer_a.pk]
    assert inbox(liaison_a) == []


def test_no_recipients_is_not_recorded_and_goes_out_once_someone_is_assigned(unit_a, send):
    make_task(unit_a, DAY)  # 甲局 has nobody yet
    summary = send(DAY)
    assert [o.result for o in summary.outcomes] == [RESULT.NO_RECIPIENTS]
    assert not Reminder.objects.exists()
    liaison = UserFactory()
    Membership.objects.create(user=liaison, role=Role.LIAISON, unit=unit_a)
    assert send(DAY).sent == 1
    assert inbox(liaison) != []


# -- tasks from the ledger, all rule kinds by due date ---------------------------------------------


def test_ledger_tasks_of_every_kind_are_reminded_by_due_date(people, unit_a, coordinator, send):
    plan = PlanFactory(year=2026)
    monthly = item_with(plan=plan, units=[unit_a], rules=[{"kind": "monthly", "day": "end"}])
    continuous = item_with(plan=plan, units=[unit_a], rules=[{"kind": "continuous"}])
    event = item_with(plan=plan, units=[unit_a], rules=[{"kind": "event", "workdays": 3}])
    services.ledger_generate(actor=coordinator, plan=plan)
    event_task = services.task_create_for_event(
        actor=coordinator,
        rule=event.rules.get(),
        unit=unit_a,
        event_date=D(2026, 10, 26),
        note="废止文件",
    )
    assert event_task.due_date == DAY

    send(DAY)
    by_kind = {k: task_items(k) for k in ALL_KINDS}
    # October's monthly task is due on Friday 10-30 (31st is a Saturday)
    assert by_kind[BEFORE] == {(monthly.pk, D(2026, 10, 30))}
    assert by_kind[DUE] == {(event.pk, DAY)}
    # January to September are overdue, and all by at least five working days
    assert len(by_kind[OVERDUE]) == 9 and {i for i, _ in by_kind[OVERDUE]} == {monthly.pk}
    assert by_kind[ESCALATION] == by_kind[OVERDUE]
    continuous_tasks = Task.objects.filter(item=continuous).values("pk")
    assert not sent().filter(object_id__in=continuous_tasks).exists()

    # the continuous task (due 2026-12-31) is reminded three working days before the year's end
    send(D(2026, 12, 28))
    assert (
        sent(BEFORE).filter(object_id__in=continuous_tasks, due_date=D(2026, 12, 31)).count() == 1
    )


def test_before_due_skipped_when_the_nth_workday_is_in_an_uncovered_year(
    people, unit_a, send, caplog
):
    assert not workdays.is_covered(2027)
    make_task(unit_a, D(2026, 12, 31))
    make_task(unit_a, D(2026, 12, 29))  # due on the day itself still goes out
    with caplog.at_level(logging.WARNING, logger="gongkai.plans.reminders"):
        summary = send(D(2026, 12, 29))
    assert not sent(BEFORE).exists()
    assert sent(DUE).count() == 1
    assert "临期提醒" in summary.skipped_kinds["plans"]
    assert "before_due skipped" in caplog.text


# -- the daily job ----------------------------------------------------------------------------------


def test_job_does_nothing_on_a_holiday(people, unit_a, monkeypatch, mailoutbox):
    make_task(unit_a, D(2026, 10, 3))  # due on the holiday itself, and some overdue ones
    make_task(unit_a, D(2026, 9, 1))
    assert run_daily(D(2026, 10, 3)) is None
    monkeypatch.setattr(schedule, "today", lambda: D(2026, 10, 3))
    core_tasks.send_reminders.call_local()
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mailoutbox == []


def test_job_runs_on_a_worked_weekend_day(people, unit_a, monkeypatch):
    task = make_task(unit_a, D(2026, 10, 10))  # Saturday, worked in exchange for National Day
    monkeypatch.setattr(schedule, "today", lambda: D(2026, 10, 10))
    core_tasks.send_reminders.call_local()
    assert list(sent().values_list("object_id", "kind")) == [(task.pk, DUE)]


def test_job_runs_through_huey(
    people, unit_a, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    make_task(unit_a, DAY)
    monkeypatch.setattr(schedule, "today", lambda: DAY)
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.send_reminders()  # huey runs it at once in the test settings
    assert sent(DUE).count() == 1
    assert len(mailoutbox) == 1


def test_job_uses_weekdays_to_decide_in_an_uncovered_year(people, unit_a, caplog, send):
    assert not workdays.is_covered(2031)
    make_task(unit_a, D(2031, 1, 6))
    with caplog.at_level(logging.WARNING, logger="gongkai.core.schedule"):
        assert run_daily(D(2031, 1, 4)) is None  # Saturday
        assert "Monday to Friday" in caplog.text
        summary = run_daily(D(2031, 1, 6))  # Monday
    assert summary is not None and summary.sent == 1
    assert sent(DUE).count() == 1
    assert "临期提醒" in summary.skipped_kinds["plans"]  # the reminders themselves never guess


def test_job_is_scheduled_at_0830_beijing_time():
    # huey's scheduler passes naive UTC (its default); 00:30 UTC is 08:30 in Beijing
    assert schedule.at_0830_local(dt.datetime(2026, 10, 29, 0, 30))
    assert not schedule.at_0830_local(dt.datetime(2026, 10, 29, 8, 30))
    assert not schedule.at_0830_local(dt.datetime(2026, 10, 29, 0, 31))
    validate = core_tasks.send_reminders.task_class().validate_datetime
    assert validate(dt.datetime(2026, 10, 29, 0, 30))
    assert not validate(dt.datetime(2026, 10, 29, 8, 30))


# -- the command ------------------------------------------------------------------------------------


def test_command_dry_run_writes_and_sends_nothing(
    people, unit_a, mailoutbox, django_capture_on_commit_callbacks
):
    make_task(unit_a, D(2026, 11, 3), title="公开重大建设项目批准信息")
    make_task(unit_a, D(2026, 10, 22))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-10-29", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "试运行" in text
    assert "临期提醒" in text and "逾期提醒" in text and "逾期督办" in text
    assert "公开重大建设项目批准信息" in text
    assert "将发送" in text and "将发送提醒 3 条" in text
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mailoutbox == []


def test_command_sends_and_prints(people, unit_a, mailoutbox, django_capture_on_commit_callbacks):
    make_task(unit_a, DAY)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-10-29", stdout=out)
    assert "已发送提醒 1 条，邮件 1 封" in out.getvalue()
    assert "到期提醒" in out.getvalue()
    assert sent(DUE).count() == 1 and len(mailoutbox) == 1

    again = io.StringIO()
    call_command("send_reminders", "--date", "2026-10-29", stdout=again)
    assert "已发送提醒 0 条" in again.getvalue()
    assert Reminder.objects.count() == 1


def test_command_warns_on_a_day_off_and_rejects_bad_dates(unit_a):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-10-03", "--dry-run", stdout=out)
    assert "2026年10月3日不是工作日" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "29/10/2026")


def test_logs_carry_no_personal_data(people, unit_a, send, caplog):
    make_task(unit_a, D(2026, 10, 22))
    with caplog.at_level(logging.INFO, logger="gongkai"):
        send(DAY)
    assert "reminder plans.task_overdue sent" in caplog.text
    assert "reminder plans.task_escalation sent" in caplog.text
    for user in people.values():
        assert user.email not in caplog.text
        assert user.username not in caplog.text
    assert "高新区甲局" not in caplog.text


def test_other_units_staff_are_not_reminded(people, unit_a, send):
    other_unit = UnitFactory()
    make_task(other_unit, DAY)
    make_task(unit_a, DAY)
    send(DAY)
    assert len(inbox(people["liaison"])) == 1
    assert inbox(people["other"]) == []
