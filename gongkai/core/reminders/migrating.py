"""Moving an app's own reminder table into `core.Reminder` (and back), for data migrations.

An app that kept its sent reminders in its own model (`<app>.Reminder`: a foreign key to the
object reminded about, `kind`, `due_date`, `recipients`, `emailed`, `sent_at`) moves them to the
engine with

    forwards, backwards = moved_to_core(app_label="plans", object_model="Task", fk="task",
                                        key_prefix="plans.task", source="plans", kinds={...})
    operations = [migrations.RunPython(forwards, backwards), migrations.DeleteModel("Reminder")]

Only historical models (`apps.get_model`) are used, so the functions stay valid however the
current models change. Rows keep their event, recipients, email count and time under the
engine's key, so nothing already sent is sent again; the way back restores the rows whose object
still exists and whose kind it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

BATCH = 500


def moved_to_core(
    *,
    app_label: str,
    object_model: str,
    fk: str,
    key_prefix: str,
    source: str,
    kinds: Mapping[str, str],
    model: str = "Reminder",
) -> tuple[Callable, Callable]:
    """(forwards, backwards) for `RunPython`. `kinds` maps the old `Reminder.kind` to the
    notification kind it was sent as; `fk` is the old model's foreign key field name."""
    fk_id = f"{fk}_id"
    events = {v: k for k, v in kinds.items()}

    def copy_to_core(apps, schema_editor):
        Old = apps.get_model(app_label, model)
        New = apps.get_model("core", "Reminder")
        rows = []
        for r in Old.objects.order_by("pk").iterator():
            object_id = getattr(r, fk_id)
            rows.append(
                New(
                    key=f"{key_prefix}:{object_id}:{r.kind}:{r.due_date.isoformat()}",
                    source=source,
                    kind=kinds[r.kind],
                    object_id=object_id,
                    due_date=r.due_date,
                    recipients=r.recipients,
                    emailed=r.emailed,
                    sent_at=r.sent_at,
                )
            )
        New.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)

    def copy_back(apps, schema_editor):
        Old = apps.get_model(app_label, model)
        New = apps.get_model("core", "Reminder")
        Object = apps.get_model(app_label, object_model)
        rows = New.objects.filter(source=source)
        live = set(
            Object.objects.filter(pk__in=rows.values("object_id")).values_list("pk", flat=True)
        )
        Old.objects.bulk_create(
            [
                Old(
                    **{fk_id: r.object_id},
                    kind=events[r.kind],
                    due_date=r.due_date,
                    recipients=r.recipients,
                    emailed=r.emailed,
                    sent_at=r.sent_at,
                )
                for r in rows.order_by("pk").iterator()
                if r.object_id in live and r.kind in events
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        rows.delete()

    return copy_to_core, copy_back
