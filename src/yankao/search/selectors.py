"""Searching the index: one function for every source, the same results on SQLite
(FTS5, bm25) and PostgreSQL (tsvector, ts_rank_cd), titles weighing more than
text. Callers pass what the user may see; nothing outside it is returned."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Scope
from yankao.search.text import Phrase, normalise, query_phrases, query_words

MAX_LIMIT = 100
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
    """Which index rows a caller may see: those of the agencies in `agency_ids`,
    of the subtrees under `agency_paths`, and the single things in `object_ids`.
    `everything` lifts the restriction (the whole city)."""

    everything: bool = False
    agency_ids: tuple[int, ...] = ()
    agency_paths: tuple[str, ...] = ()
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
        return Visibility(agency_ids=(user.agency.pk,), object_ids=ids)
    return Visibility(agency_paths=(user.agency.path,), object_ids=ids)


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
    meaningless query finds nothing rather than everything."""
    phrases = query_phrases(query)
    limit = max(0, min(limit, MAX_LIMIT))
    if not phrases or not sources or limit == 0 or visibility == NOTHING:
        return []
    where, params = _filters(sources, visibility, include_expired, today)
    if connection.vendor == "postgresql":
        rows = _postgresql(phrases, where, params, limit, max(0, offset))
    else:
        rows = _sqlite(phrases, where, params, limit, max(0, offset))
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
        for row in rows
    ]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _filters(
    sources: Sequence[str], visibility: Visibility, include_expired: bool, today: date | None
) -> tuple[str, list[Any]]:
    clauses = [f"d.source IN ({', '.join(['%s'] * len(sources))})"]
    params: list[Any] = list(sources)
    if not visibility.everything:
        scope: list[str] = []
        if visibility.agency_ids:
            scope.append(f"d.agency_id IN ({', '.join(['%s'] * len(visibility.agency_ids))})")
            params.extend(visibility.agency_ids)
        for path in visibility.agency_paths:
            scope.append("substr(d.agency_path, 1, %s) = %s")
            params.extend([len(path), path])
        if visibility.object_ids:
            scope.append(f"d.object_id IN ({', '.join(['%s'] * len(visibility.object_ids))})")
            params.extend(visibility.object_ids)
        clauses.append(f"({' OR '.join(scope)})")
    if not include_expired:
        clauses.append("(d.valid_until IS NULL OR d.valid_until >= %s)")
        params.append((today or timezone.localdate()).isoformat())
    return " AND ".join(clauses), params


_COLUMNS = "d.source, d.object_id, d.title, d.body, {score}, d.agency_id, d.day"


def fts5_match(phrases: list[Phrase]) -> str:
    """An FTS5 expression: each phrase quoted (tokens hold only letters and digits,
    so no query syntax survives), prefix-marked when it may continue, AND-ed."""
    parts = [f'"{" ".join(p.tokens)}"' + ("*" if p.prefix else "") for p in phrases]
    return " AND ".join(parts)


def _sqlite(
    phrases: list[Phrase], where: str, params: list[Any], limit: int, offset: int
) -> list[tuple[Any, ...]]:
    score = f"-bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
    sql = (
        # Only fixed fragments and %s placeholders are interpolated; values are parameters.
        f"SELECT {_COLUMNS.format(score=score + ' AS score')} "  # noqa: S608
        "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND {where} "
        "ORDER BY score DESC, d.day DESC, d.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match(phrases), *params, limit, offset])
        return list(cursor.fetchall())


def tsquery(phrases: list[Phrase]) -> str:
    """A tsquery: tokens followed by one another (<->), prefix-marked when they may
    continue, phrases AND-ed."""

    def phrase(p: Phrase) -> str:
        terms = [f"'{token}'" for token in p.tokens]
        if p.prefix:
            terms[-1] += ":*"
        return "(" + " <-> ".join(terms) + ")"

    return " & ".join(phrase(p) for p in phrases)


def _postgresql(
    phrases: list[Phrase], where: str, params: list[Any], limit: int, offset: int
) -> list[tuple[Any, ...]]:
    weights = f"'{{{BODY_WEIGHT / TITLE_WEIGHT}, 0.2, 0.4, 1.0}}'"
    score = f"ts_rank_cd({weights}, d.vector, q.q, 1)"
    sql = (
        f"SELECT {_COLUMNS.format(score=score + ' AS score')} "  # noqa: S608
        "FROM search_document d, (SELECT CAST(%s AS tsquery) AS q) q "
        f"WHERE d.vector @@ q.q AND {where} "
        "ORDER BY score DESC, d.day DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery(phrases), *params, limit, offset])
        return list(cursor.fetchall())


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
