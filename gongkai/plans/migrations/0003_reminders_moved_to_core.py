"""Task reminders move to the reminder engine: copy every plans.Reminder into core.Reminder
under its event key (`plans.task:<task id>:<kind>:<due date>`), then drop plans.Reminder."""

from django.db import migrations

from gongkai.core.reminders.migrating import moved_to_core

copy_to_core, copy_back = moved_to_core(
    app_label="plans",
    object_model="Task",
    fk="task",
    key_prefix="plans.task",
    source="plans",
    # the old Reminder.kind -> the notification kind it was sent as
    kinds={
        "before_due": "plans.task_before_due",
        "due": "plans.task_due",
        "overdue": "plans.task_overdue",
        "escalation": "plans.task_escalation",
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_task_review_and_late_reason"),
        ("core", "0004_reminder_and_notification_delivery"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Reminder"),
    ]
