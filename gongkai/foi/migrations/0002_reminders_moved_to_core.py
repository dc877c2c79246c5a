"""Application deadline reminders move to the reminder engine: copy every foi.Reminder into
core.Reminder under its event key (`foi.application:<application id>:<kind>:<due date>`), then
drop foi.Reminder."""

from django.db import migrations

from gongkai.core.reminders.migrating import moved_to_core

copy_to_core, copy_back = moved_to_core(
    app_label="foi",
    object_model="Application",
    fk="application",
    key_prefix="foi.application",
    source="foi",
    # the old Reminder.kind -> the notification kind it was sent as
    kinds={
        "due_soon": "foi.due_soon",
        "overdue": "foi.overdue",
        "escalation": "foi.escalation",
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("foi", "0001_initial"),
        ("core", "0004_reminder_and_notification_delivery"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Reminder"),
    ]
