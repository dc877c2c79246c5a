"""Task reminders move to the reminder engine: copy every plans.Reminder into core.Reminder
under its event key (`plans.task:<task id>:<kind>:<due date>`), then drop plans.Reminder."""

from django.db import migrations

SOURCE = "plans"
KEY_PREFIX = "plans.task"
#: the old Reminder.kind -> the notification kind it was sent as
KINDS = {
    "before_due": "plans.task_before_due",
    "due": "plans.task_due",
    "overdue": "plans.task_overdue",
    "escalation": "plans.task_escalation",
}


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("plans", "Reminder")
    New = apps.get_model("core", "Reminder")
    rows = [
        New(
            key=f"{KEY_PREFIX}:{r.task_id}:{r.kind}:{r.due_date.isoformat()}",
            source=SOURCE,
            kind=KINDS[r.kind],
            object_id=r.task_id,
            due_date=r.due_date,
            recipients=r.recipients,
            emailed=r.emailed,
            sent_at=r.sent_at,
        )
        for r in Old.objects.order_by("pk").iterator()
    ]
    New.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    Old = apps.get_model("plans", "Reminder")
    New = apps.get_model("core", "Reminder")
    Task = apps.get_model("plans", "Task")
    events = {v: k for k, v in KINDS.items()}
    rows = New.objects.filter(source=SOURCE)
    live = set(Task.objects.filter(pk__in=rows.values("object_id")).values_list("pk", flat=True))
    Old.objects.bulk_create(
        [
            Old(
                task_id=r.object_id,
                kind=events[r.kind],
                due_date=r.due_date,
                recipients=r.recipients,
                emailed=r.emailed,
                sent_at=r.sent_at,
            )
            for r in rows.order_by("pk").iterator()
            if r.object_id in live and r.kind in events
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_task_review_and_late_reason"),
        ("core", "0004_reminder_and_notification_delivery"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Reminder"),
    ]
