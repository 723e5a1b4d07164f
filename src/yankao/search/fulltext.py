"""The database side of full-text search, per vendor, as migration 0003 installs
it. A later migration that rebuilds the search_document table on SQLite (Django
copies a table to alter it, dropping its triggers) must call `install` again.

Three token columns are indexed: the title's (with keywords), the text's, and the
scope's (the owning agency with its ancestors, yankao.search.scope). On SQLite
the index's rowid is `fts_key`, which groups each source in one range, newest
first."""

from __future__ import annotations

from typing import Any

SQLITE_INSTALL = [
    # External content: the tokens live once, in search_document; FTS5 keeps only
    # its inverted index. The ascii tokenizer splits on ASCII spaces and punctuation
    # and keeps every other character, so our own tokens pass through unchanged.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title_tokens, body_tokens, scope_tokens, content='search_document', "
    "content_rowid='fts_key', tokenize='ascii')",
    "CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title_tokens, body_tokens, scope_tokens) "
    "VALUES (new.fts_key, new.title_tokens, new.body_tokens, new.scope_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens, scope_tokens) "
    "VALUES ('delete', old.fts_key, old.title_tokens, old.body_tokens, old.scope_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_document_au "
    "AFTER UPDATE OF title_tokens, body_tokens, scope_tokens ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens, scope_tokens) "
    "VALUES ('delete', old.fts_key, old.title_tokens, old.body_tokens, old.scope_tokens); "
    "INSERT INTO search_fts(rowid, title_tokens, body_tokens, scope_tokens) "
    "VALUES (new.fts_key, new.title_tokens, new.body_tokens, new.scope_tokens); END",
    # Rows already in the table join the index.
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]

# Positions: the title from 1, the text from 1001, so no phrase spans the two;
# tsvector positions stop at 16383. Title tokens weigh A, text D, scope B (the
# scope is matched, never ranked: ranking uses a query without it). The source is
# a lexeme too ('srcpetition'), so the GIN index alone narrows to one source.
POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION search_tokens_vector(tokens text, weight text, first integer)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(
        string_agg(format('%L:%s%s', tok, least(first + ord - 1, 16383), weight), ' '), ''
      )::tsvector
      FROM unnest(string_to_array(nullif(tokens, ''), ' ')) WITH ORDINALITY AS t(tok, ord)
    $$
    """,
    "ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "search_tokens_vector(title_tokens, 'A', 1) "
    "|| search_tokens_vector(body_tokens, 'D', 1001) "
    "|| search_tokens_vector(scope_tokens, 'B', 16300) "
    "|| search_tokens_vector('src' || source, 'B', 16383)"
    ") STORED",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
]
POSTGRESQL_REMOVE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    "DROP FUNCTION IF EXISTS search_tokens_vector(text, text, integer)",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, None)


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_INSTALL)
    else:
        raise NotImplementedError(f"full-text search is not built for {vendor}")


def remove(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REMOVE if vendor == "sqlite" else POSTGRESQL_REMOVE)
