"""The data migrations that move plans.Reminder and foi.Reminder into core.Reminder: rows keep
their event, recipients, email count and time under the engine's key, so nothing already sent
is sent again after the upgrade; the way back restores them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from gongkai.core.models import Reminder

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("plans", "0002_task_review_and_late_reason"), ("foi", "0001_initial")]
AFTER = [("plans", "0003_reminders_moved_to_core"), ("foi", "0002_reminders_moved_to_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def objects(unit_a):
    from gongkai.foi.tests.factories import application
    from gongkai.plans.models import Task
    from gongkai.plans.tests.factories import item_with

    task = Task.objects.create(
        item=item_with(units=[unit_a]),
        unit=unit_a,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 10, 28),
        due_date=dt.date(2026, 10, 28),
    )
    app = application(received=dt.date(2026, 9, 28), unit=unit_a)
    return task, app


def test_old_reminders_move_to_core_and_back(objects, liaison_a):
    task, app = objects
    sent_at = timezone.make_aware(dt.datetime(2026, 10, 29, 8, 30))
    try:
        old = migrate(BEFORE)
        PlansReminder = old.get_model("plans", "Reminder")
        FoiReminder = old.get_model("foi", "Reminder")
        PlansReminder.objects.create(
            task_id=task.pk,
            kind="overdue",
            due_date=dt.date(2026, 10, 28),
            recipients=[liaison_a.pk],
            emailed=1,
        )
        PlansReminder.objects.update(sent_at=sent_at)
        FoiReminder.objects.create(
            application_id=app.pk,
            kind="due_soon",
            due_date=dt.date(2026, 10, 30),
            recipients=[liaison_a.pk],
            emailed=0,
        )

        migrate(AFTER)
        rows = {
            r.key: (r.source, r.kind, r.object_id, r.due_date, r.recipients, r.emailed)
            for r in Reminder.objects.all()
        }
        assert rows == {
            f"plans.task:{task.pk}:overdue:2026-10-28": (
                "plans",
                "plans.task_overdue",
                task.pk,
                dt.date(2026, 10, 28),
                [liaison_a.pk],
                1,
            ),
            f"foi.application:{app.pk}:due_soon:2026-10-30": (
                "foi",
                "foi.due_soon",
                app.pk,
                dt.date(2026, 10, 30),
                [liaison_a.pk],
                0,
            ),
        }
        assert Reminder.objects.get(source="plans").sent_at == sent_at
        assert "plans_reminder" not in connection.introspection.table_names()

        # the engine's selection sees them as sent (on the current schema: later migrations
        # may add columns the engine's queries read)
        migrate(leaf_nodes())
        from gongkai.foi import reminders as foi_reminders
        from gongkai.plans import reminders as plans_reminders

        keys = {r.key for r in plans_reminders.reminders_due(dt.date(2026, 10, 29))}
        assert f"plans.task:{task.pk}:overdue:2026-10-28" not in keys
        keys = {r.key for r in foi_reminders.reminders_due(dt.date(2026, 10, 26))}
        assert f"foi.application:{app.pk}:due_soon:2026-10-30" not in keys

        # and back
        old = migrate(BEFORE)
        assert list(old.get_model("plans", "Reminder").objects.values_list("task_id", "kind")) == [
            (task.pk, "overdue")
        ]
        assert list(
            old.get_model("foi", "Reminder").objects.values_list("application_id", "kind")
        ) == [(app.pk, "due_soon")]
        assert not Reminder.objects.exists()
    finally:
        migrate(leaf_nodes())
