"""Search over messages: the Dutch search document on PostgreSQL (a generated column and its GIN
index), the FTS5 table and its triggers on SQLite (inbox/search_schema.py)."""

import django.contrib.postgres.search
from django.db import migrations, models

import inbox.search_schema


def create_search_index(apps, schema_editor):
    inbox.search_schema.search_index_ensure(schema_editor.connection)


def drop_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return  # on PostgreSQL the index goes with the column
    with connection.cursor() as cursor:
        for sql in inbox.search_schema.FTS_DROP_SQL:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0019_saved_queue_views"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=inbox.search_schema.DutchDocument("text"),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
