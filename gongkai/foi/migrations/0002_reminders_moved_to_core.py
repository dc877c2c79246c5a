"""Application deadline reminders move to the reminder engine: copy every foi.Reminder into
core.Reminder under its event key (`foi.application:<application id>:<kind>:<due date>`), then
drop foi.Reminder."""

from django.db import migrations

SOURCE = "foi"
KEY_PREFIX = "foi.application"
#: the old Reminder.kind -> the notification kind it was sent as
KINDS = {
    "due_soon": "foi.due_soon",
    "overdue": "foi.overdue",
    "escalation": "foi.escalation",
}


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("foi", "Reminder")
    New = apps.get_model("core", "Reminder")
    rows = [
        New(
            key=f"{KEY_PREFIX}:{r.application_id}:{r.kind}:{r.due_date.isoformat()}",
            source=SOURCE,
            kind=KINDS[r.kind],
            object_id=r.application_id,
            due_date=r.due_date,
            recipients=r.recipients,
            emailed=r.emailed,
            sent_at=r.sent_at,
        )
        for r in Old.objects.order_by("pk").iterator()
    ]
    New.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    Old = apps.get_model("foi", "Reminder")
    New = apps.get_model("core", "Reminder")
    Application = apps.get_model("foi", "Application")
    events = {v: k for k, v in KINDS.items()}
    rows = New.objects.filter(source=SOURCE)
    live = set(Application.objects.filter(pk__in=rows.values("object_id")).values_list("pk", flat=True))
    Old.objects.bulk_create(
        [
            Old(
                application_id=r.object_id,
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
        ("foi", "0001_initial"),
        ("core", "0004_reminder_and_notification_delivery"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Reminder"),
    ]
