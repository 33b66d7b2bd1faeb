"""The full-text index of ideas, per database: ``voice.textsearch.index_sql`` (a
stored tsvector under a GIN index on PostgreSQL, an FTS5 table kept by triggers on SQLite)."""

from django.db import migrations

from clientfocus.voice.textsearch import index_sql

SQL = index_sql("ideas_idea", "ideas_fts", "idea_search")
POSTGRES, POSTGRES_UNDO = SQL["postgresql"], SQL["postgresql_undo"]
SQLITE, SQLITE_UNDO = SQL["sqlite"], SQL["sqlite_undo"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
