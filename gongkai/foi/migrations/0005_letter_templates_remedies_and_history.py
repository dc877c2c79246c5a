"""Stored letter templates: the remedies paragraph becomes {{ remedies }} (revised 行政复议法:
the unit's review body and court; review first for 不予公开), and reply letters recite the
case's history ({{ history }}). Only the exact default wording is replaced; an edited
paragraph is left as the administrator wrote it (they can adopt the new one in the editor)."""

from django.db import migrations

OLD_REMEDIES = (
    "如对本{doc}不服，可以自收到本{doc}之日起60日内向{{{{ reconsideration_body }}}}申请行政复议，"
    "或者自收到本{doc}之日起6个月内向{{{{ litigation_court }}}}提起行政诉讼。"
)
HEAD_END = "您申请获取的政府信息为：“{{ description }}”。\n\n"
HISTORY = "{% if history %}{{ history }}\n\n{% endif %}"
REPLY_KINDS_WITH_HISTORY = ("reply.disclose", "reply.partial", "reply.deny", "reply.unable")


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("foi", "LetterTemplate")
    for template in LetterTemplate.objects.all():
        body = template.body
        for doc in ("答复书", "告知书", "通知书"):
            body = body.replace(OLD_REMEDIES.format(doc=doc), "{{ remedies }}")
        if (
            template.kind in REPLY_KINDS_WITH_HISTORY
            and "history" not in body
            and HEAD_END in body
        ):
            body = body.replace(HEAD_END, HEAD_END + HISTORY, 1)
        if body != template.body:
            template.body = body
            template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("foi", "0004_letters_numbers_delivery_unit_settings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
