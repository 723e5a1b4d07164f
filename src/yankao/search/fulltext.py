"""The database side of full-text search, per vendor, as migration 0003 installs
it. A later migration that rebuilds the search_document table on SQLite (Django
copies a table to alter it, dropping its triggers) must call `install` again.

Three token columns are indexed: the title's (with keywords), the text's, and the
scope's (the owning agency with its ancestors, yankao.search.scope). On SQLite
the index's rowid is `fts_key`, which groups each source in one range, newest
first."""

from __future__ import annotations

from typing import Any

from yankao.search.scope import source_lexeme

SQLITE_INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title_tokens, body_tokens, scope_tokens) "
    "VALUES (new.fts_key, new.title_tokens, new.body_tokens, new.scope_tokens); END"
)
SQLITE_DROP_INSERT_TRIGGER = "DROP TRIGGER search_document_ai"
# The rows of one range of keys, indexed in one statement in key order (bulk reindex).
SQLITE_INDEX_KEY_RANGE = (
    "INSERT INTO search_fts(rowid, title_tokens, body_tokens, scope_tokens) "
    "SELECT fts_key, title_tokens, body_tokens, scope_tokens FROM search_document "
    "WHERE fts_key BETWEEN %s AND %s ORDER BY fts_key"
)

SQLITE_INSTALL = [
    # External content: the tokens live once, in search_document; FTS5 keeps only
    # its inverted index. The ascii tokenizer splits on ASCII spaces and punctuation
    # and keeps every other character, so our own tokens pass through unchanged.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title_tokens, body_tokens, scope_tokens, content='search_document', "
    "content_rowid='fts_key', tokenize='ascii')",
    SQLITE_INSERT_TRIGGER,
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
#
# The vector is one tsvector literal cast once (`search_vector`). It is an ordinary
# column kept by a trigger rather than a generated one, so that the bulk reindex
# can write it ready-made: `vector_literal` below builds the same
# literal in Python, which costs the database a parse instead of an SQL function
# call per row (about ten times less). The trigger fills it on every insert that
# leaves it empty and on every update that changes the tokens but not the vector,
# so ORM saves, `bulk_create` and raw writes are indexed as before.
# The bulk reindex drops this index and builds it again after the load.
POSTGRESQL_VECTOR_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING gin (vector)"
)
POSTGRESQL_DROP_VECTOR_INDEX = "DROP INDEX IF EXISTS search_document_vector"
POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION search_vector(title text, body text, scope text, source text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(
        string_agg(
          format('%L:%s%s', t.tok, least(p.first + t.ord - 1, 16383), p.weight), ' '
          ORDER BY p.part, t.ord
        ), ''
      )::tsvector
      FROM (VALUES (1, title, 'A', 1), (2, body, 'D', 1001), (3, scope, 'B', 16300),
                   (4, 'src' || source, 'B', 16383)) AS p(part, tokens, weight, first)
      CROSS JOIN LATERAL unnest(string_to_array(nullif(p.tokens, ''), ' '))
        WITH ORDINALITY AS t(tok, ord)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_document_vector_fill() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND NEW.vector IS NOT NULL THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND (NEW.vector IS DISTINCT FROM OLD.vector
          OR (NEW.title_tokens, NEW.body_tokens, NEW.scope_tokens, NEW.source)
             IS NOT DISTINCT FROM
             (OLD.title_tokens, OLD.body_tokens, OLD.scope_tokens, OLD.source)) THEN
        RETURN NEW;
      END IF;
      NEW.vector := search_vector(NEW.title_tokens, NEW.body_tokens, NEW.scope_tokens, NEW.source);
      RETURN NEW;
    END
    $$
    """,
    "ALTER TABLE search_document ADD COLUMN vector tsvector",
    "UPDATE search_document "
    "SET vector = search_vector(title_tokens, body_tokens, scope_tokens, source)",
    "CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE ON search_document "
    "FOR EACH ROW EXECUTE FUNCTION search_document_vector_fill()",
    POSTGRESQL_VECTOR_INDEX,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS search_document_vector ON search_document",
    POSTGRESQL_DROP_VECTOR_INDEX,
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    "DROP FUNCTION IF EXISTS search_document_vector_fill()",
    "DROP FUNCTION IF EXISTS search_vector(text, text, text, text)",
    # The generated column's helper, before migration 0005.
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


# The parts of PostgreSQL's vector: (weight, first position), as search_vector has them.
_VECTOR_PARTS = (("A", 1), ("D", 1001), ("B", 16300), ("B", 16383))


def vector_literal(title_tokens: str, body_tokens: str, scope_tokens: str, source: str) -> str:
    """The tsvector literal that `search_vector` builds in SQL, built in Python for
    the bulk reindex. Tokens hold only letters and digits (yankao.search.text), so
    quoting each one is enough."""
    parts = (title_tokens, body_tokens, scope_tokens, source_lexeme(source))
    out = []
    for tokens, (weight, first) in zip(parts, _VECTOR_PARTS, strict=True):
        for ord_, token in enumerate(tokens.split(" ") if tokens else ()):
            out.append(f"'{token}':{min(first + ord_, 16383)}{weight}")
    return " ".join(out)
