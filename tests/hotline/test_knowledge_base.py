"""The console against the knowledge base: what a hit carries, and the agent's
choice of article checked against what the agent may read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.hotline.test_console import post, typed
from tests.knowledge.conftest import published
from yankao.hotline import integrations
from yankao.hotline.models import Call, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(staff):
    return published(
        "路燈不亮怎麼報修？",
        "請撥打1999或上網通報，提供路燈桿號，養工處於三日內修復。",
        staff=staff,
        keywords="路燈故障 燈桿",
    )


def test_the_console_finds_real_articles_and_records_the_answer(client, staff, lamp):
    client.force_login(staff.amy)
    found = post(client, typed(action="search", q="路燈"))
    html = found.content.decode()
    assert f'name="article" value="{lamp.pk}"' in html
    assert "路燈不亮怎麼報修？" in html
    partial = client.get(reverse("hotline:knowledge"), {"q": "燈桿"})
    assert f'value="{lamp.pk}"' in partial.content.decode()

    response = post(client, typed(article=str(lamp.pk)))
    call = Call.objects.get()
    assert response.status_code == 201
    assert (call.outcome, call.article_id) == (Outcome.KNOWLEDGE, lamp.pk)
    assert call.article_question == "路燈不亮怎麼報修？"


def test_a_hit_carries_what_the_console_shows_of_the_article(staff, lamp):
    (hit,) = integrations.article_search("路燈", user=staff.amy)
    assert (hit.pk, hit.question, hit.expired) == (lamp.pk, lamp.question, False)
    assert hit.answer and lamp.answer.startswith(hit.answer.rstrip("…"))
    assert hit.agency == lamp.owner.name
    assert hit.url.endswith(f"/{lamp.pk}/")


def test_only_an_article_the_agent_may_read_is_accepted(staff, lamp):
    assert integrations.article_question(lamp.pk, user=staff.amy) == lamp.question
    assert integrations.article_question(lamp.pk + 1000, user=staff.amy) is None
    assert integrations.article_search("   ", user=staff.amy) == []
