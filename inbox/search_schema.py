"""What full-text search needs in the database: on PostgreSQL a GIN index over the message text's
Dutch search document (an expression index: no column, so reading or inserting messages carries
no tsvector) and, on SQLite, the FTS5 table its triggers keep next to `inbox_message`. Made by
migration 0020 and checked after every `migrate` (inbox/apps.py)."""

import logging

from django.contrib.postgres.search import SearchVectorField
from django.db import DatabaseError
from django.db.models import Func

logger = logging.getLogger(__name__)

FTS_TABLE = "inbox_message_fts"
SEARCH_MIGRATION = ("inbox", "0020_message_search")
# The same expression as DutchDocument("text") compiles to, so PostgreSQL answers a search from it.
GIN_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS message_search_idx ON inbox_message "
    "USING gin ((to_tsvector('dutch'::regconfig, COALESCE(text, ''))))"
)
GIN_DROP_SQL = "DROP INDEX IF EXISTS message_search_idx"

# External content: the FTS5 table holds only the index and reads the text from inbox_message by
# rowid. Triggers keep it in step with every insert (bulk ones too: they fire per row), update of
# the text (pseudonymising, erasing) and delete.
FTS_TABLE_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS inbox_message_fts USING fts5("
    "text, content='inbox_message', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
FTS_TRIGGERS = {
    "inbox_message_fts_insert": (
        "CREATE TRIGGER IF NOT EXISTS inbox_message_fts_insert AFTER INSERT ON inbox_message BEGIN "
        "INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
    "inbox_message_fts_delete": (
        "CREATE TRIGGER IF NOT EXISTS inbox_message_fts_delete AFTER DELETE ON inbox_message BEGIN "
        "INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    ),
    "inbox_message_fts_update": (
        "CREATE TRIGGER IF NOT EXISTS inbox_message_fts_update AFTER UPDATE OF text ON inbox_message BEGIN "
        "INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
}
FTS_REBUILD_SQL = "INSERT INTO inbox_message_fts(inbox_message_fts) VALUES ('rebuild')"


class DutchDocument(Func):
    """`to_tsvector('dutch', text)` on PostgreSQL, the expression the GIN index holds; NULL on other
    databases, which search their own index (SQLite: the FTS5 table)."""

    arity = 1
    output_field = SearchVectorField(null=True)

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return Func.as_sql(
            self,
            compiler,
            connection,
            template="to_tsvector('dutch'::regconfig, COALESCE(%(expressions)s, ''))",
            **extra_context,
        )


def fts_available(connection) -> bool:
    """Whether this SQLite connection has the FTS5 table (SQLite built without FTS5 has none)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def _migrated(connection) -> bool:
    """Whether the search migration is applied (not before it, nor migrated back past it)."""
    from django.db.migrations.recorder import MigrationRecorder

    return SEARCH_MIGRATION in MigrationRecorder(connection).applied_migrations()


def search_index_ensure(connection, *, migrating: bool = False) -> None:
    """Create what is missing, idempotently. On SQLite a later migration that rebuilds inbox_message
    (SQLite alters a table by copying it) drops the triggers with the old table: they are made again
    here, and the index rebuilt from the texts, so no message is left out of it. `migrating`: called
    by the search migration itself, before it is recorded as applied."""
    if not migrating and not _migrated(connection):
        return  # migrated back to before 0020, or not yet that far
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(GIN_INDEX_SQL)
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE in present and present >= set(FTS_TRIGGERS):
            return
        try:
            cursor.execute(FTS_TABLE_SQL)
        except DatabaseError as exc:  # SQLite compiled without FTS5
            logger.warning("SQLite has no FTS5 (%s): conversation search falls back to LIKE", exc)
            return
        for sql in FTS_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(FTS_REBUILD_SQL)


FTS_DROP_SQL = (
    "DROP TRIGGER IF EXISTS inbox_message_fts_insert",
    "DROP TRIGGER IF EXISTS inbox_message_fts_delete",
    "DROP TRIGGER IF EXISTS inbox_message_fts_update",
    "DROP TABLE IF EXISTS inbox_message_fts",
)
