"""The knowledge base is another team's app, reached only through
`yankao.knowledge.selectors.article_search` and its Article model. Until it is
installed the console tests use this fake, which keeps the same interface."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from yankao.hotline import integrations


@dataclass(frozen=True)
class FakeArticle:
    pk: int
    question: str
    answer: str
    agency: str
    url: str


ARTICLES = [
    FakeArticle(
        pk=41,
        question="如何申請低收入戶？",
        answer="向戶籍所在地區公所社會課提出申請…",
        agency="社會局",
        url="/knowledge/41/",
    ),
    FakeArticle(
        pk=42,
        question="路燈不亮要找哪個單位？",
        answer="路燈由工務局養護工程處維護，可立即派工…",
        agency="工務局",
        url="/knowledge/42/",
    ),
]


@pytest.fixture
def knowledge(monkeypatch):
    """A knowledge base of two articles, searched by any shared character."""

    def search(query, *, user, limit=integrations.SEARCH_LIMIT):
        found = [a for a in ARTICLES if set(query) & set(a.question)]
        hits = [integrations.Hit(a.pk, a.question, a.answer, a.agency, a.url) for a in found]
        return hits[:limit]

    def question(pk, *, user):
        return next((a.question for a in ARTICLES if a.pk == pk), None)

    monkeypatch.setattr(integrations, "knowledge_available", lambda: True)
    monkeypatch.setattr(integrations, "article_search", search)
    monkeypatch.setattr(integrations, "article_question", question)
    return ARTICLES
