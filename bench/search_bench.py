"""Full-text search figures: how long a search takes (p95) over the knowledge base
at 100,000 articles and over the petitions present, and how fast the index is
rebuilt.

Call `figures(database, items)` from bench/run.py's worker, with Django set up and
the database migrated; the lead's bench seeds the bulk petitions and runs `yankao
search reindex` first. If the knowledge base holds fewer than `articles` articles,
the difference is written in bulk (`yankao.knowledge.demo.bulk_articles_seed`,
which indexes them) and that rebuild is the reindex figure. If the petitions are
not indexed yet, they are indexed here and timed too.

Each figure is a dict with the keys of run.Figure: metric, value, unit, database,
items, target, runs, of, and `above` (True when the value must exceed the target),
so `[Figure(**row) for row in figures(...)]` gives the table's rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.measure import percentile, row

ARTICLES = 100_000
SEARCH_TARGET_MS = 100.0
RUNS = 5  # timed runs of each query, after one untimed one
# What 1999 agents and case handlers type: two-character words, numbers, mixed
# Chinese and numbers, several words, a road with its matter. Common words are
# the hard case at a million petitions (機車 is in about a quarter of them, 路燈 in
# a tenth): they are timed apart from the rarer ones, which find few rows or none.
COMMON_QUERIES = [
    "路燈",
    "坑洞",
    "停車",
    "機車",
    "垃圾",
    "噪音",
    "路燈 不亮",
    "三民區 路燈",
    "民族路 坑洞",
    "違規停車",
]
RARE_QUERIES = [
    "1999",
    "109年",
    "停水",
    "戶籍謄本",
    "颱風 停班",
    "人孔蓋 下陷",
    "托嬰中心",
    "遊蕩犬隻",
]
QUERIES = COMMON_QUERIES + RARE_QUERIES


def _as_user(run: Callable[[str, Any], object], user: Any) -> Callable[[str], object]:
    return lambda query: run(query, user)


def _latencies(search: Callable[[str], object], queries: list[str], runs: int) -> list[float]:
    times = []
    for query in queries:
        search(query)  # untimed: the first run reads the pages in
        for _ in range(runs):
            began = time.perf_counter()
            search(query)
            times.append(time.perf_counter() - began)
    return times


def _articles(database: str, items: int, wanted: int) -> list[dict[str, Any]]:
    from yankao.knowledge.demo import bulk_articles_seed
    from yankao.knowledge.models import Article
    from yankao.search.models import SearchDocument

    rows = []
    missing = wanted - Article.objects.count()
    if missing > 0:
        began = time.perf_counter()
        bulk_articles_seed(count=missing, seed=2026)
        seconds = time.perf_counter() - began
        rows.append(
            row(database, items, f"knowledge: write and index {missing:,} articles",
                 round(seconds, 1), "s", None)
        )  # fmt: skip
    # Written articles are indexed as they are written; the reindex throughput is
    # measured on the petitions (bulk-loaded, so not indexed yet), not twice.
    count = SearchDocument.objects.filter(source="article").count()
    rows.append(row(database, items, "knowledge: articles in the index", count, "articles", None))
    return rows


def _reindex_row(
    database: str, items: int, source: str, count: int, *, after: int = 0
) -> dict[str, Any]:
    from yankao.search.services import reindex

    result = reindex(source=source, after=after)
    rate = result.indexed / result.seconds if result.seconds else 0.0
    return row(
        database, items, f"search reindex --source {source} ({result.indexed:,} rows)",
        round(rate), "rows/s", None, of="rows:", runs=result.indexed,
    )  # fmt: skip


def _search_rows(database: str, items: int) -> list[dict[str, Any]]:
    from yankao.accounts.models import User
    from yankao.accounts.roles import Role
    from yankao.knowledge.selectors import article_search
    from yankao.petitions.search import similar_cases
    from yankao.search.models import SearchDocument

    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    controller = User.objects.filter(role=Role.CONTROLLER, is_active=True).order_by("pk").first()
    handler = (
        User.objects.filter(role=Role.HANDLER, is_active=True, agency__key="pw-maintenance")
        .order_by("pk")
        .first()
    )
    articles = SearchDocument.objects.filter(source="article").count()
    petitions = SearchDocument.objects.filter(source="petition").count()
    rows = []
    cases: list[tuple[str, Any, Callable[[str, Any], object]]] = [
        (f"article_search p95, {articles:,} articles (1999 agent)", agent,
         lambda q, u: article_search(q, user=u)),
        (f"similar_cases p95, {petitions:,} petitions indexed (commission, whole city)", controller,
         lambda q, u: similar_cases(q, user=u)),
        (f"similar_cases p95, {petitions:,} petitions indexed (handler, own agency)", handler,
         lambda q, u: similar_cases(q, user=u)),
    ]  # fmt: skip
    for metric, user, run in cases:
        if user is None:
            continue
        for words, queries in (("common words", COMMON_QUERIES), ("rare words", RARE_QUERIES)):
            times = _latencies(_as_user(run, user), queries, RUNS)
            rows.append(
                row(database, items, f"{metric}, {words}", round(percentile(times, 0.95) * 1000, 1),
                    "ms", SEARCH_TARGET_MS, len(times), of="p95 of")
            )  # fmt: skip
    return rows


def figures(
    database: str, items: int, *, articles: int = ARTICLES, petitions: int | None = None
) -> list[dict[str, Any]]:
    """The search figures, with at least `articles` articles in the knowledge base and
    the newest `petitions` petitions (all, when None) in the index."""
    from django.db.models import Max

    from yankao.petitions.models import Petition
    from yankao.search.models import SearchDocument

    rows = _articles(database, items, articles)
    indexed = SearchDocument.objects.filter(source="petition").count()
    total = Petition.objects.count()
    wanted = total if petitions is None else min(petitions, total)
    if indexed < wanted:
        last = Petition.objects.aggregate(last=Max("pk"))["last"] or 0
        after = 0 if wanted == total else max(0, last - wanted)
        rows.append(_reindex_row(database, items, "petition", indexed, after=after))
    return rows + _search_rows(database, items)
