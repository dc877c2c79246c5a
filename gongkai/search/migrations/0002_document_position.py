import django.db.models.deletion
from django.db import migrations, models

# SQLite: the FTS5 rowid becomes `position`, a compact number in the order of `sort_key`
# (gongkai.search.backends.sqlite), instead of 2**63 - 1 - sort_key. Rows indexed before keep
# their rowid as their position (so nothing needs reindexing); the next `gongkai search reindex
# --clear` makes them compact.
SQLITE = [
    "UPDATE search_searchdocument SET position = 9223372036854775807 - sort_key",
    "DROP INDEX IF EXISTS search_document_sort_column",
    "CREATE INDEX search_document_position ON search_searchdocument "
    "(scope, position, column_id, item_id, sort_key)",
    # Neighbours by date within a scope: the unique sort_key index alone would have to step
    # over the other scope's rows, all of them when every working copy is newer.
    "CREATE INDEX search_document_scope_sort ON search_searchdocument "
    "(scope, sort_key, position)",
]
SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS search_document_position",
    "DROP INDEX IF EXISTS search_document_scope_sort",
    "CREATE INDEX search_document_sort_column ON search_searchdocument (sort_key, column_id)",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, SQLITE)


def backwards(apps, schema_editor):
    _run(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="position",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        # The unique (item, scope) index serves every look-up by item: one index less to write.
        migrations.AlterField(
            model_name="searchdocument",
            name="item",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="catalog.item",
                verbose_name="信息",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
