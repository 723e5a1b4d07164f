"""Everywhere under /api/v1 the API answers problem documents: an unknown path is
a 404 for every method, a known path asked with a method it does not take a 405
with `Allow`; pages outside the API keep their HTML 404."""

import pytest

from yankao.accounts.services import token_create

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def _call(client, method, path, **extra):
    return getattr(client, method)(path, **extra)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/calendar/days/113/02/07",
        "/api/v1/nothing-here",
        "/api/v1/tickets/1/unknown",
        "/api/v1/petitions/",
    ],
)
def test_an_unknown_path_is_a_404_problem_for_every_method(client, method, path):
    response = _call(client, method, path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    if method != "head":
        body = response.json()
        assert body["status"] == 404
        assert body["title"] == "Not Found"
        assert body["detail"]


def test_an_unknown_path_is_the_same_with_a_token(client, staff):
    response = client.get("/api/v1/nothing-here", **bearer(staff.hank))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/items", {"GET"}),
        ("post", "/api/v1/calendar/deadline", {"GET"}),
        ("put", "/api/v1/tickets", {"GET", "POST"}),
        ("get", "/api/v1/legal/bookings", {"POST"}),
    ],
)
def test_a_known_path_with_another_method_is_a_405_problem(client, method, path, allowed):
    response = _call(client, method, path)
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    body = response.json()
    assert body["status"] == 405
    assert method.upper() in body["detail"]


def test_the_messages_follow_the_language_of_the_request(client):
    chinese = client.get("/api/v1/nothing-here").json()["detail"]
    english = client.get("/api/v1/nothing-here", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert chinese != english
    assert "API" in english


def test_known_paths_still_answer(client):
    response = client.get("/api/v1/calendar/days/2024-02-07")
    assert response.status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
