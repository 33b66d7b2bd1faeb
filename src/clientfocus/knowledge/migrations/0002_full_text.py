"""The full-text index of the articles' texts (the help-centre search), per database (see voice.textsearch): PostgreSQL a stored
tsvector built from the stems without re-parsing them (title terms weighted A) under a
GIN index; SQLite an FTS5 table over the same columns, kept by triggers."""

from django.db import migrations

POSTGRES = [
    """ALTER TABLE knowledge_articletext ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(array_remove(string_to_array(search_title, ' '), '')), 'A')
        || array_to_tsvector(array_remove(string_to_array(search_body, ' '), ''))
    ) STORED""",
    "CREATE INDEX article_search ON knowledge_articletext USING gin (search_tsv)",
]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS article_search", "ALTER TABLE knowledge_articletext DROP COLUMN search_tsv"]
SQLITE = [
    """CREATE VIRTUAL TABLE knowledge_fts USING fts5(
        search_title, search_body, content='knowledge_articletext', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* M* Co'")""",
    """CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_articletext BEGIN
        INSERT INTO knowledge_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    """CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_articletext BEGIN
        INSERT INTO knowledge_fts(knowledge_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",
    """CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF search_title, search_body ON knowledge_articletext
        BEGIN
        INSERT INTO knowledge_fts(knowledge_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO knowledge_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    "INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS knowledge_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_fts_update",
    "DROP TABLE IF EXISTS knowledge_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
