"""Search over messages: on PostgreSQL a GIN index over to_tsvector('dutch', text), on SQLite the
FTS5 table and its triggers (inbox/search_schema.py)."""

from django.db import migrations

import inbox.search_schema


def create_search_index(apps, schema_editor):
    inbox.search_schema.search_index_ensure(schema_editor.connection, migrating=True)


def drop_search_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(inbox.search_schema.GIN_DROP_SQL)
        elif connection.vendor == "sqlite":
            for sql in inbox.search_schema.FTS_DROP_SQL:
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0019_saved_queue_views"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
