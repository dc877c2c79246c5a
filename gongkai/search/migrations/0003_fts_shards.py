from django.db import migrations

# SQLite: a scope's FTS5 table becomes shard 0 of a set (gongkai.search.backends.sqlite):
# search_fts_public → search_fts_public_0. The rows indexed so far stay where they are, in one
# shard; an empty scope (a new installation) gets the configured number of shards at once.
# `gongkai search reindex --clear` splits an existing index.
PREFIXES = ("search_fts_public", "search_fts_staff")
COLUMNS = "title, title_x, head, head_x, body, body_x, att, att_x, facets"
OPTIONS = "tokenize = 'ascii', columnsize = 0"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from gongkai.search.backends.sqlite import configured_shards

    with schema_editor.connection.cursor() as cursor:
        for prefix in PREFIXES:
            schema_editor.execute(f"ALTER TABLE {prefix} RENAME TO {prefix}_0")
            cursor.execute(f"SELECT 1 FROM {prefix}_0 LIMIT 1")
            if cursor.fetchone() is None:
                for n in range(1, configured_shards()):
                    schema_editor.execute(
                        f"CREATE VIRTUAL TABLE {prefix}_{n} USING fts5({COLUMNS}, {OPTIONS})"
                    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for prefix in PREFIXES:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s "
                "AND sql LIKE 'CREATE VIRTUAL TABLE%%'",
                [prefix + "%"],
            )
            names = sorted(name for (name,) in cursor.fetchall() if name != f"{prefix}_0")
            for name in names:  # rows in other shards are lost: reindex after going back
                schema_editor.execute(f"DROP TABLE {name}")
            schema_editor.execute(f"ALTER TABLE {prefix}_0 RENAME TO {prefix}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_document_position"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
