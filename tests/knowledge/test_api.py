"""/api/v1/knowledge: search and read with the pages' scoping; problems, not errors."""

import pytest

from tests.knowledge.conftest import fields
from yankao.knowledge import services

pytestmark = pytest.mark.django_db


def test_search_answers_published_matches(client, kb, staff):
    client.force_login(staff.amy)
    response = client.get("/api/v1/knowledge/search", {"q": "路燈"})
    assert response.status_code == 200
    (hit,) = response.json()
    assert hit["id"] == kb["lamp"].pk
    assert hit["agency"] == "高雄市政府工務局"
    assert hit["url"].endswith(f"/knowledge/{kb['lamp'].pk}/")


@pytest.mark.parametrize("query", ["", '"', "NEAR(", "x" * 5000, "-:*", "路燈\x00"])
def test_search_never_fails_on_odd_queries(client, kb, staff, query):
    client.force_login(staff.amy)
    assert client.get("/api/v1/knowledge/search", {"q": query}).status_code == 200


def test_an_oversized_query_or_limit_is_a_problem_document(client, kb, staff):
    client.force_login(staff.amy)
    response = client.get("/api/v1/knowledge/search", {"q": "路燈", "limit": 1000})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_read_an_article(client, kb, staff):
    client.force_login(staff.dora)
    body = client.get(f"/api/v1/knowledge/articles/{kb['lamp'].pk}").json()
    assert body["answer"].startswith("請撥打1999")
    assert body["version"] == 1 and body["status"] == "published"


def test_another_agencys_draft_is_not_found(client, staff):
    draft = services.article_create(
        by=staff.hank, owner=staff.hank.agency, fields=fields("草稿", "內容")
    )
    client.force_login(staff.dora)
    response = client.get(f"/api/v1/knowledge/articles/{draft.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_anonymous_callers_are_refused(client, kb):
    assert client.get("/api/v1/knowledge/search", {"q": "路燈"}).status_code == 401
