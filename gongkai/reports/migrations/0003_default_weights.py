"""The default evaluation scheme: 任务落实 30, 信息发布 20, 依申请公开 20, 互动回应 15, 网站监测 15."""

from django.db import migrations

DEFAULTS = [("tasks", 30), ("publishing", 20), ("foi", 20), ("interaction", 15), ("monitoring", 15)]


def create(apps, schema_editor):
    EvaluationWeight = apps.get_model("reports", "EvaluationWeight")
    for order, (indicator, weight) in enumerate(DEFAULTS):
        EvaluationWeight.objects.get_or_create(
            indicator=indicator, defaults={"weight": weight, "sort_order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("reports", "EvaluationWeight").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_evaluation")]

    operations = [migrations.RunPython(create, remove)]
