"""Indexes every poll page writes again without anyone reading them: the old queue index (the
partial queue indexes replaced it; conv_closed_idx starts with the state) and the single-column
indexes of foreign keys a composite index already starts with. Only the indexes go: the foreign-key
constraints stay as they are (Django's own AlterField would drop and re-add them, re-checking
every row of the tables under a lock)."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, the index Django made for the foreign key: the same name on PostgreSQL and SQLite)
FOREIGN_KEY_INDEXES = [
    ("inbox_conversation", "account_id", "inbox_conversation_account_id_05696162"),
    ("inbox_conversation", "contact_id", "inbox_conversation_contact_id_4878e8e1"),
    ("inbox_conversation", "team_id", "inbox_conversation_team_id_1d17aa2d"),
    ("inbox_event", "conversation_id", "inbox_event_conversation_id_af93cec0"),
]


def _without_index(model_name: str, name: str, field, table: str, column: str, index: str):
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
            )
        ],
    )


FIELDS = {
    ("conversation", "account"): models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="conversations",
        to="inbox.account",
    ),
    ("conversation", "contact"): models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="conversations",
        to="inbox.contact",
    ),
    ("conversation", "team"): models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="conversations",
        to="inbox.team",
        verbose_name="team",
    ),
    ("event", "conversation"): models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="events",
        to="inbox.conversation",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0020_message_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="conversation", name="conv_queue_idx"),
        *(
            _without_index(model_name, name, field, *index)
            for ((model_name, name), field), index in zip(FIELDS.items(), FOREIGN_KEY_INDEXES, strict=True)
        ),
    ]
