"""A default unit group, 各单位 (all active units), so that a plan naming 各单位 or 各部门 imports
without setup; the coordinator office edits or removes it in the workbench."""

from django.db import migrations

DEFAULT_ALIASES = ["各部门", "各有关单位", "各相关单位", "各单位（部门）", "各部门（单位）"]


def create_default(apps, schema_editor):
    UnitGroup = apps.get_model("orgs", "UnitGroup")
    if not UnitGroup.objects.exists():
        UnitGroup.objects.create(
            name="各单位", aliases=DEFAULT_ALIASES, all_units=True, sort_order=10
        )


def remove_default(apps, schema_editor):
    UnitGroup = apps.get_model("orgs", "UnitGroup")
    UnitGroup.objects.filter(name="各单位", all_units=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_unit_group")]

    operations = [migrations.RunPython(create_default, remove_default)]
