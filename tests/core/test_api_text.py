"""The API's text types: stored text refuses a NUL (PostgreSQL cannot keep one)
with a 400 naming the field; search words drop it, as the search pages do."""

import pytest
from ninja import Schema
from pydantic import ValidationError

from tests.petitions.test_api import bearer, petition_json
from yankao.core.api import SearchText, Text
from yankao.petitions.models import Petition


class Stored(Schema):
    text: Text


class Searched(Schema):
    q: SearchText


def test_stored_text_refuses_a_nul():
    with pytest.raises(ValidationError) as raised:
        Stored(text="路燈\x00不亮")
    assert raised.value.errors()[0]["loc"] == ("text",)
    assert Stored(text="路燈不亮").text == "路燈不亮"


def test_search_words_drop_a_nul():
    assert Searched(q="路燈\x00報修").q == "路燈報修"


@pytest.mark.django_db
def test_a_petition_with_a_nul_is_a_problem_and_nothing_is_stored(client, staff):
    response = client.post(
        "/api/v1/petitions",
        petition_json(subject="路燈\x00"),
        content_type="application/json",
        **bearer(staff.amy),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "subject" in response.json()["detail"]
    assert not Petition.objects.exists()
