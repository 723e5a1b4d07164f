"""Searching the index: one function for every source, the same results on SQLite
(FTS5, bm25) and PostgreSQL (tsvector, ts_rank_cd), titles weighing more than
text. Callers pass what the user may see; nothing outside it is returned."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Scope
from yankao.search.scope import fts_key_range, owner_token, source_lexeme, tree_token
from yankao.search.text import Phrase, normalise, query_phrases, query_words

MAX_LIMIT = 100
MAX_OFFSET = 1000
# How many matches, the newest first, are ranked (see `search`).
CANDIDATES = 1000
# On PostgreSQL, how many of the newest rows are read first for them, and how many
# at most when the words are common overall but rare among the newest rows.
WINDOW = 10 * CANDIDATES
DEEP_WINDOW = 5 * WINDOW
# How many matches the GIN index is asked for in any order, to learn whether they
# are few (each costs about 3 µs there; a row read back costs 1.3 µs), and how
# many matches make words common enough to be read back for (DEEP_WINDOW rows).
GIN_ROWS = 3_000
COMMON_ROWS = 10_000
# How long a process keeps ANALYZE's lexeme statistics before reading them again.
STATISTICS_SECONDS = 300.0
SNIPPET_CHARS = 90
# bm25 column weights on SQLite and the matching tsvector weights on PostgreSQL
# (title A = 1.0, text D = 0.1).
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0


@dataclass(frozen=True)
class Hit:
    source: str
    object_id: int
    title: str
    snippet: str
    score: float
    agency_id: int | None
    day: date | None


@dataclass(frozen=True)
class Visibility:
    """Which index rows a caller may see: those owned by the agencies in `agencies`
    (keys), those under the agencies in `subtrees` (keys), and the single things
    in `object_ids`. `everything` lifts the restriction (the whole city)."""

    everything: bool = False
    agencies: tuple[str, ...] = ()
    subtrees: tuple[str, ...] = ()
    object_ids: tuple[int, ...] = ()


EVERYTHING = Visibility(everything=True)
NOTHING = Visibility()


def visibility_for(user: User, *, object_ids: Collection[int] = ()) -> Visibility:
    """The organisation's scoping rule (docs/adr/0004) in the index's terms."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.scope is Scope.CITY:
        return EVERYTHING
    ids = tuple(object_ids)
    if user.agency is None:
        return Visibility(object_ids=ids)
    if user.scope is Scope.OWN_AGENCY:
        return Visibility(agencies=(user.agency.key,), object_ids=ids)
    return Visibility(subtrees=(user.agency.key,), object_ids=ids)


def search(
    query: str,
    *,
    sources: Sequence[str],
    visibility: Visibility,
    include_expired: bool = False,
    today: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """The best matches for the query among the sources, best first. Every word of
    the query must match (Chinese words as runs of characters); an empty or
    meaningless query finds nothing rather than everything.

    Ranking reads at most CANDIDATES matches, the newest, so that a word found in
    a hundred thousand petitions costs no more than one found in a thousand: for
    past cases, the best among the recent ones is what staff want."""
    phrases = query_phrases(query)
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    if not phrases or not sources or limit == 0 or visibility == NOTHING:
        return []
    backend = _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()
    expiry = None if include_expired else (today or timezone.localdate()).isoformat()
    wanted = offset + limit
    rows: list[tuple[Any, ...]] = []
    if visibility.everything or visibility.agencies or visibility.subtrees:
        for source in dict.fromkeys(sources):
            rows += backend.scoped(phrases, source, _agency_terms(visibility), expiry, wanted)
    if visibility.object_ids and not visibility.everything:
        seen = {(row[0], row[1]) for row in rows}
        extra = backend.by_ids(phrases, sources, visibility.object_ids, expiry, wanted)
        rows += [row for row in extra if (row[0], row[1]) not in seen]
    rows.sort(key=lambda row: (-float(row[4]), -_day_ordinal(row[6]), -row[7]))
    words = query_words(query)
    return [
        Hit(
            source=row[0],
            object_id=row[1],
            title=row[2],
            snippet=snippet(row[3], words),
            score=float(row[4]),
            agency_id=row[5],
            day=_as_date(row[6]),
        )
        for row in rows[offset:wanted]
    ]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _day_ordinal(value: Any) -> int:
    day = _as_date(value)
    return day.toordinal() if day else 0


def _agency_terms(visibility: Visibility) -> list[str]:
    """Scope tokens of which a document must hold one (none: no restriction)."""
    if visibility.everything:
        return []
    return [owner_token(key) for key in visibility.agencies] + [
        tree_token(key) for key in visibility.subtrees
    ]


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


_COLUMNS = "d.source, d.object_id, d.title, d.body, {score}, d.agency_id, d.day, d.id"


class _SQLite:
    """FTS5: the words and the agency scope in one MATCH, the source as a range of
    the index's rowid, the newest CANDIDATES ranked by bm25 (title 10, text 1)."""

    score = f"-bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}, 0.0)"

    def scoped(
        self,
        phrases: list[Phrase],
        source: str,
        agency_terms: list[str],
        expiry: str | None,
        wanted: int,
    ) -> list[tuple[Any, ...]]:
        match = f"{{title_tokens body_tokens}} : ({fts5_match(phrases)})"
        if agency_terms:
            match += " AND scope_tokens : (" + " OR ".join(f'"{t}"' for t in agency_terms) + ")"
        low, high = fts_key_range(source)
        where, params = _expiry(expiry)
        sql = (
            # Only fixed fragments and %s placeholders are interpolated.
            f"SELECT {_COLUMNS.format(score='m.score')} "  # noqa: S608
            f"FROM (SELECT rowid AS key, {self.score} AS score FROM search_fts "
            "WHERE search_fts MATCH %s AND rowid BETWEEN %s AND %s "
            "ORDER BY rowid LIMIT %s) m "
            f"JOIN search_document d ON d.fts_key = m.key WHERE d.source = %s AND {where} "
            "ORDER BY m.score DESC, d.day DESC, d.id DESC LIMIT %s"
        )
        return _fetch(sql, [match, low, high, CANDIDATES, source, *params, wanted])

    def by_ids(
        self,
        phrases: list[Phrase],
        sources: Sequence[str],
        object_ids: Sequence[int],
        expiry: str | None,
        wanted: int,
    ) -> list[tuple[Any, ...]]:
        match = f"{{title_tokens body_tokens}} : ({fts5_match(phrases)})"
        where, params = _expiry(expiry)
        sql = (
            f"SELECT {_COLUMNS.format(score=self.score)} "  # noqa: S608
            "FROM search_fts JOIN search_document d ON d.fts_key = search_fts.rowid "
            "WHERE search_fts MATCH %s AND search_fts.rowid IN (SELECT fts_key FROM "
            f"search_document WHERE source IN ({_placeholders(sources)}) "
            f"AND object_id IN ({_placeholders(object_ids)})) AND {where} "
            "ORDER BY 5 DESC LIMIT %s"
        )
        return _fetch(sql, [match, *sources, *object_ids, *params, wanted])


class _PostgreSQL:
    """tsvector: the words and the agency scope in one tsquery through the GIN
    index, the newest CANDIDATES of the source ranked by ts_rank_cd on the words
    alone (title A 1.0, text D 0.1)."""

    weights = f"'{{{BODY_WEIGHT / TITLE_WEIGHT}, 0.2, 0.0, 1.0}}'"

    def scoped(
        self,
        phrases: list[Phrase],
        source: str,
        agency_terms: list[str],
        expiry: str | None,
        wanted: int,
    ) -> list[tuple[Any, ...]]:
        words = tsquery(phrases)
        ids = self._candidates(source, phrases, agency_terms, wanted)
        if not ids:
            return []
        where, params = _expiry(expiry)
        score = f"ts_rank_cd({self.weights}, d.vector, CAST(%s AS tsquery), 1)"
        sql = (
            f"SELECT {_COLUMNS.format(score=score)} "  # noqa: S608
            f"FROM search_document d WHERE d.id = ANY(%s) AND {where} "
            "ORDER BY 5 DESC, d.day DESC NULLS LAST, d.id DESC LIMIT %s"
        )
        return _fetch(sql, [words, ids, *params, wanted])

    def _candidates(
        self, source: str, phrases: list[Phrase], agency_terms: list[str], wanted: int
    ) -> list[int]:
        """The ids of at most CANDIDATES matches, the newest first.

        First among the newest WINDOW rows, read backwards by key: cheap, whatever
        the words. When that does not fill the page, the words are rare, or rare
        in this source (a petition's words in the articles) or among what the user
        may see, or common but not lately (a typhoon week's petitions fill the
        newest rows). The GIN index answers the first cases cheaply, but for the
        last it would visit a row for every match (a hundred thousand at a million
        petitions: most of a second), so:

        - in a source of most rows, when ANALYZE's statistics (`_LexemeShares`)
          count more than COMMON_ROWS rows for the words, they are common: the
          newest DEEP_WINDOW rows are read first, a bounded cost;
        - otherwise the GIN index is asked for up to GIN_ROWS matches in any
          order: when it has no more, those are all the matches;
        - then the deep window, if not read yet, and at last every match through
          the GIN index, newest first."""
        match = _match(phrases, agency_terms)
        recent = self._newest(source, match, WINDOW)
        if len(recent) >= wanted:
            return recent
        shares = _lexeme_shares()
        tokens = [token for p in phrases for token in p.tokens[: len(p.tokens) - p.prefix]]
        words = min(map(shares.share, tokens), default=1.0) * shares.rows
        everywhere = f"({match}) & '{source_lexeme(source)}'"
        # Words go with sources (a petition's words are rare in the articles), so
        # the words' own count speaks only for a source of most rows.
        if shares.share(source_lexeme(source)) >= 0.5 and words > COMMON_ROWS:
            recent = self._newest(source, match, DEEP_WINDOW)
            if len(recent) >= wanted:
                return recent
        else:
            some = _through_gin(
                "SELECT id, object_id FROM search_document WHERE source = %s "
                "AND vector @@ CAST(%s AS tsquery) LIMIT %s",
                [source, everywhere, GIN_ROWS + 1],
            )
            if len(some) <= GIN_ROWS:
                some.sort(key=lambda row: -row[1])
                return [row[0] for row in some[:CANDIDATES]]
            recent = self._newest(source, match, DEEP_WINDOW)
            if len(recent) >= wanted:
                return recent
        found = _through_gin(
            "SELECT id FROM search_document WHERE source = %s "
            "AND vector @@ CAST(%s AS tsquery) ORDER BY object_id + 0 DESC LIMIT %s",
            [source, everywhere, CANDIDATES],
        )
        return [row[0] for row in found]

    @staticmethod
    def _newest(source: str, match: str, rows: int) -> list[int]:
        """The matches among the source's newest `rows` rows, up to CANDIDATES."""
        found = _fetch(
            "SELECT w.id FROM (SELECT id, vector FROM search_document WHERE source = %s "
            "ORDER BY object_id DESC LIMIT %s) w "
            "WHERE w.vector @@ CAST(%s AS tsquery) LIMIT %s",
            [source, rows, match, CANDIDATES],
        )
        return [row[0] for row in found]

    def by_ids(
        self,
        phrases: list[Phrase],
        sources: Sequence[str],
        object_ids: Sequence[int],
        expiry: str | None,
        wanted: int,
    ) -> list[tuple[Any, ...]]:
        words = tsquery(phrases)
        where, params = _expiry(expiry)
        score = f"ts_rank_cd({self.weights}, d.vector, CAST(%s AS tsquery), 1)"
        sql = (
            f"SELECT {_COLUMNS.format(score=score)} FROM search_document d "  # noqa: S608
            f"WHERE d.source IN ({_placeholders(sources)}) "
            f"AND d.object_id IN ({_placeholders(object_ids)}) "
            f"AND d.vector @@ CAST(%s AS tsquery) AND {where} ORDER BY 5 DESC LIMIT %s"
        )
        return _fetch(sql, [words, *sources, *object_ids, words, *params, wanted])


def _match(phrases: list[Phrase], agency_terms: list[str]) -> str:
    """The words, and one of the agency terms when there are any, as a tsquery."""
    match = f"({tsquery(phrases)})"
    if agency_terms:
        match += " & (" + " | ".join(f"'{t}'" for t in agency_terms) + ")"
    return match


@dataclass(frozen=True)
class _LexemeShares:
    """ANALYZE's most common lexemes of the index (PostgreSQL's pg_stats), with the
    share of rows holding each. Without statistics every share is taken as 1."""

    shares: dict[str, float]
    floor: float
    rows: float
    read_at: float

    def share(self, lexeme: str) -> float:
        """The share of rows holding the lexeme; for one not listed, the least
        share listed (it is held by about as many rows or fewer)."""
        return self.shares.get(lexeme, self.floor)


_shares: _LexemeShares | None = None


def _lexeme_shares() -> _LexemeShares:
    """The statistics, read once every STATISTICS_SECONDS (they change only when
    the table is analysed, after a reindex or by autovacuum)."""
    global _shares
    now = time.monotonic()
    if _shares is None or now - _shares.read_at > STATISTICS_SECONDS:
        found = _fetch(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "c.reltuples FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'vector' AND s.schemaname = current_schema() "
            "WHERE c.relname = 'search_document' AND c.relnamespace = "
            "current_schema()::regnamespace",
            [],
        )
        lexemes, freqs, rows = found[0] if found else (None, None, -1)
        if lexemes and freqs:
            # The frequencies end with their minimum, maximum and the null share.
            _shares = _LexemeShares(
                dict(zip(lexemes, freqs, strict=False)), min(freqs[: len(lexemes)]), rows, now
            )
        else:
            _shares = _LexemeShares({}, 1.0, max(float(rows), 0.0) or float("inf"), now)
    return _shares


def _through_gin(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """A query through the GIN index. The planner is kept off a sequential scan:
    words and source or agency are correlated in ways its estimates miss (1999 is
    in most articles and in few petitions)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL outlives a savepoint: put it back for the caller's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return _fetch(sql, params)
        finally:
            cursor.execute("RESET enable_seqscan")


def _expiry(expiry: str | None) -> tuple[str, list[Any]]:
    if expiry is None:
        return "1 = 1", []
    return "(d.valid_until IS NULL OR d.valid_until >= %s)", [expiry]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def fts5_match(phrases: list[Phrase]) -> str:
    """An FTS5 expression: each phrase quoted (tokens hold only letters and digits,
    so no query syntax survives), prefix-marked when it may continue, AND-ed."""
    parts = [f'"{" ".join(p.tokens)}"' + ("*" if p.prefix else "") for p in phrases]
    return " AND ".join(parts)


def tsquery(phrases: list[Phrase]) -> str:
    """A tsquery: tokens followed by one another (<->), prefix-marked when they may
    continue, phrases AND-ed."""

    def phrase(p: Phrase) -> str:
        terms = [f"'{token}'" for token in p.tokens]
        if p.prefix:
            terms[-1] += ":*"
        return "(" + " <-> ".join(terms) + ")"

    return " & ".join(phrase(p) for p in phrases)


def snippet(text: str, words: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """A window of the text around the first place a query word appears (or its
    start), with an ellipsis where it was cut."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    folded = normalise(text)
    found = [folded.find(word) for word in words if word]
    hits = [at for at in found if at >= 0]
    # Normalising can change lengths (rare ligatures); positions then mean nothing.
    at = min(hits) if hits and len(folded) == len(text) else 0
    start = max(0, min(at - size // 4, len(text) - size))
    piece = text[start : start + size]
    return ("…" if start > 0 else "") + piece + ("…" if start + size < len(text) else "")
