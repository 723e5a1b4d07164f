"""The first full-text machinery (two indexed columns), frozen as it was shipped;
0003 replaces it with the current one from yankao.search.fulltext."""

from django.db import migrations

SQLITE = ["CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title_tokens, body_tokens, content='search_document', content_rowid='id', tokenize='ascii')", 'CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN INSERT INTO search_fts(rowid, title_tokens, body_tokens) VALUES (new.id, new.title_tokens, new.body_tokens); END', "CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens) VALUES ('delete', old.id, old.title_tokens, old.body_tokens); END", "CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE OF title_tokens, body_tokens ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens) VALUES ('delete', old.id, old.title_tokens, old.body_tokens); INSERT INTO search_fts(rowid, title_tokens, body_tokens) VALUES (new.id, new.title_tokens, new.body_tokens); END", "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"]
SQLITE_REMOVE = ['DROP TRIGGER IF EXISTS search_document_au', 'DROP TRIGGER IF EXISTS search_document_ad', 'DROP TRIGGER IF EXISTS search_document_ai', 'DROP TABLE IF EXISTS search_fts']
POSTGRESQL = ["\n    CREATE OR REPLACE FUNCTION search_tokens_vector(tokens text, weight text, first integer)\n    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n      SELECT coalesce(\n        string_agg(format('%L:%s%s', tok, least(first + ord - 1, 16383), weight), ' '), ''\n      )::tsvector\n      FROM unnest(string_to_array(nullif(tokens, ''), ' ')) WITH ORDINALITY AS t(tok, ord)\n    $$\n    ", "ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS (search_tokens_vector(title_tokens, 'A', 1) || search_tokens_vector(body_tokens, 'D', 1001)) STORED", 'CREATE INDEX search_document_vector ON search_document USING gin (vector)']
POSTGRESQL_REMOVE = ['DROP INDEX IF EXISTS search_document_vector', 'ALTER TABLE search_document DROP COLUMN IF EXISTS vector', 'DROP FUNCTION IF EXISTS search_tokens_vector(text, text, integer)']


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE if vendor == "sqlite" else POSTGRESQL)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REMOVE if vendor == "sqlite" else POSTGRESQL_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
