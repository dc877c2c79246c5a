"""The reminder source for message deadlines and `gongkai messages deadline`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.models import Notification, Reminder
from gongkai.core.reminders import run_reminders
from gongkai.interaction import reminders

from .factories import message

pytestmark = pytest.mark.django_db
D = dt.date


def test_due_soon_overdue_and_escalation(unit_a, liaison_a, reviewer_a, coordinator):
    m = message(unit=unit_a, kind="consult", received=D(2026, 11, 2))  # due 2026-11-09
    assert m.due_date == D(2026, 11, 9)
    kinds = {r.kind for r in reminders.reminders_due(D(2026, 11, 6))}
    assert kinds == {"interaction.due_soon"}
    due = reminders.reminders_due(D(2026, 11, 10))
    assert {r.kind for r in due} == {"interaction.overdue"}
    assert {u.pk for u in due[0].recipients} == {liaison_a.pk, reviewer_a.pk}
    late = reminders.reminders_due(D(2026, 11, 12))
    assert {r.kind for r in late} == {"interaction.overdue", "interaction.escalation"}
    esc = next(r for r in late if r.kind == "interaction.escalation")
    assert [u.pk for u in esc.recipients] == [coordinator.pk]
    assert "王小明" not in esc.title + esc.body and m.tracking_code in esc.title
    run_reminders(day=D(2026, 11, 12), sources=["interaction"])
    assert Reminder.objects.filter(source="interaction").count() == 2
    assert Notification.objects.filter(kind="interaction.escalation", user=coordinator).exists()
    assert reminders.reminders_due(D(2026, 11, 12)) == []  # never twice


def test_cli_json(capsys):
    call_command("messages", "deadline", "--received", "2026-09-28", "--kind", "投诉", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["due"] == "2026-10-16" and data["workdays"] == 10 and len(data["steps"]) == 2


def test_cli_text_and_extension(capsys):
    call_command(
        "messages", "deadline", "--received", "2026-09-28", "--kind", "咨询", "--extension", "5"
    )
    out = capsys.readouterr().out
    assert "本区规定" in out and "延期5个工作日" in out


@pytest.mark.parametrize(
    "args,text",
    [
        (["--received", "2026-13-01", "--kind", "咨询"], "不是有效日期"),
        (["--received", "2026-09-28", "--kind", "表扬"], "留言类型“表扬”无效"),
        (["--received", "2026-09-28", "--kind", "咨询", "--extension", "99"], "延期天数"),
    ],
)
def test_cli_bad_input(args, text):
    with pytest.raises(CommandError, match=text):
        call_command("messages", "deadline", *args)
