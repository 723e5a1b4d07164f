"""An id above what the database holds (2^63 and up) in any path is a 404, never a
500: SQLite's driver cannot bind such a number (OverflowError). The routes are read
from the URL conf, so a route added later is tested without being named here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core.converters import MAX_ID, DatabaseIdConverter

TOO_LARGE = (MAX_ID + 1, 2**64)
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", converters: dict | None = None
) -> Iterator[tuple[str, dict]]:
    """Every route as its full path template and the converters of its parameters."""
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue  # regular expressions (Open311, the API's catch-all) take no ids
        route = prefix + str(pattern.pattern)
        found = {**(converters or {}), **pattern.pattern.converters}
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route, found)
        else:
            yield route, found


def _id_routes() -> list[tuple[str, list[str]]]:
    """Routes with an integer parameter, and the names of those parameters."""
    found = []
    for route, converters in _routes(get_resolver().url_patterns):
        ids = [
            name
            for name, converter in converters.items()
            if isinstance(converter, (IntConverter, DatabaseIdConverter))
        ]
        if ids:
            found.append((route, ids))
    return found


def _path(route: str, ids: list[str], number: int) -> str:
    def value(match: re.Match[str]) -> str:
        return str(number) if match["name"] in ids else "x"

    return "/" + _PARAMETER.sub(value, route).lstrip("^").rstrip("$")


def test_the_url_conf_has_id_routes_of_every_kind():
    # Guards the generic test below against finding nothing to test.
    routes = [route for route, _ in _id_routes()]
    for prefix in ("petitions/", "dispatch/", "legal/", "tracking/", "api/v1/"):
        assert any(route.startswith(prefix) for route in routes), prefix


def test_every_id_parameter_takes_only_database_ids():
    plain = [
        (route, name)
        for route, converters in _routes(get_resolver().url_patterns)
        for name, converter in converters.items()
        if isinstance(converter, IntConverter)
    ]
    assert plain == [], "use <id:…> (core.converters) for database ids"


@pytest.mark.django_db
@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_id_too_large_for_the_database_is_not_found_on_every_route(client, number):
    admin = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(admin)
    answers = {}
    for route, ids in _id_routes():
        path = _path(route, ids, number)
        for method in (client.get, client.post):
            response = method(path)
            answers[(method.__name__, path)] = response.status_code
            if path.startswith("/api/v1/"):
                assert response["Content-Type"] == "application/problem+json", path
    assert {key: status for key, status in answers.items() if status != 404} == {}


@pytest.mark.django_db
@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_open311_request_id_too_large_is_not_found(client, number):
    response = client.get(f"/open311/v2/requests/{number}.json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_largest_database_id_still_resolves_to_the_view(client):
    admin = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(admin)
    # The route matches (the view answers its own 404 for a missing row).
    response = client.get(f"/api/v1/items/{MAX_ID}")
    assert response.status_code == 404
    assert "no such path" not in response.json()["detail"]
