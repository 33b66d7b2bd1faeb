"""The full-text index of ideas, per database (see voice.textsearch): PostgreSQL a stored
tsvector built from the stems without re-parsing them (title terms weighted A) under a
GIN index; SQLite an FTS5 table over the same columns, kept by triggers."""

from django.db import migrations

POSTGRES = [
    """ALTER TABLE ideas_idea ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(array_remove(string_to_array(search_title, ' '), '')), 'A')
        || array_to_tsvector(array_remove(string_to_array(search_body, ' '), ''))
    ) STORED""",
    "CREATE INDEX idea_search ON ideas_idea USING gin (search_tsv)",
]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS idea_search", "ALTER TABLE ideas_idea DROP COLUMN search_tsv"]
SQLITE = [
    """CREATE VIRTUAL TABLE ideas_fts USING fts5(
        search_title, search_body, content='ideas_idea', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* M* Co'")""",
    """CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas_idea BEGIN
        INSERT INTO ideas_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    """CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas_idea BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",
    """CREATE TRIGGER ideas_fts_update AFTER UPDATE OF search_title, search_body ON ideas_idea
        BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO ideas_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS ideas_fts_insert",
    "DROP TRIGGER IF EXISTS ideas_fts_delete",
    "DROP TRIGGER IF EXISTS ideas_fts_update",
    "DROP TABLE IF EXISTS ideas_fts",
]


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
