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


PROBLEM = "application/problem+json"


def _answers(document, path, method):
    return document["paths"][path][method]["responses"]


def test_each_operation_documents_the_problems_its_shape_can_answer(document):
    # Read with a path parameter, behind a token.
    item = _answers(document, "/api/v1/items/{item_id}", "get")
    assert {"400", "401", "403", "404", "422", "503"} <= item.keys()
    assert "413" not in item and "409" not in item
    # A write with a body.
    create = _answers(document, "/api/v1/petitions", "post")
    assert {"400", "401", "403", "409", "413", "422", "503"} <= create.keys()
    # Public and without input: only the lost database.
    venues = _answers(document, "/api/v1/legal/venues", "get")
    assert set(venues) == {"200", "503"}
    assert "Retry-After" in venues["503"]["headers"]
    for answer in (item["404"], create["413"], venues["503"]):
        assert answer["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }


def test_an_operation_states_a_problem_beyond_its_shape(document):
    # An unknown venue, named by a query parameter.
    assert "404" in _answers(document, "/api/v1/legal/sessions", "get")


def test_each_schema_keeps_its_own_name(document):
    schemas = document["components"]["schemas"]
    assert "by_hour" in schemas["CallStatisticsOut"]["properties"]
    assert "on_time_rate" in schemas["StatisticsOut"]["properties"]
    channels = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/api/v1/petitions"]["get"]["parameters"]
    }["channel"]
    assert "counter" in str(channels) and "open311" not in str(channels)


def test_two_schemas_of_one_name_are_refused():
    from django.core.exceptions import ImproperlyConfigured
    from ninja import Router, Schema

    from yankao.core.api import ProblemAPI

    first, second = Router(), Router()

    def figures(name: str, field: str) -> type[Schema]:
        return type(name, (Schema,), {"__annotations__": {field: int}})

    @first.get("/a", response=figures("Figures", "received"))
    def read_a(request):
        """Unused."""

    @second.get("/b", response=figures("Figures", "calls"))
    def read_b(request):
        """Unused."""

    api = ProblemAPI(urls_namespace="clash")
    api.add_router("/first", first)
    api.add_router("/second", second)
    with pytest.raises(ImproperlyConfigured, match="Figures"):
        api.get_openapi_schema(path_prefix="/clash/")
