"""The OpenAPI document states what clients rely on: problem documents everywhere,
cursor semantics on every paged list, the sort of each list, and the dates'
forms and defaults."""

import pytest

pytestmark = pytest.mark.django_db
LISTS = ["/api/v1/items", "/api/v1/petitions", "/api/v1/tickets", "/api/v1/calls"]


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def test_the_overview_states_errors_cursors_and_dates(document):
    text = document["info"]["description"]
    for words in ("problem+json", "405", "next_cursor", "cursor", "20240207", "09:00", "9998"):
        assert words in text


@pytest.mark.parametrize("path", LISTS)
def test_every_paged_list_states_its_sort_and_its_cursor(document, path):
    operation = document["paths"][path]["get"]
    assert "first" in (operation.get("description", "") + operation["summary"])
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][page.rsplit("/", 1)[-1]]
    assert "another sort" in schema["properties"]["next_cursor"]["description"]


def test_the_deadline_states_the_default_time_of_a_plain_date(document):
    description = document["paths"]["/api/v1/calendar/deadline"]["get"]["description"]
    assert "09:00" in description
    assert "20240207" in description
    assert "2024-W06-3" in description
