"""The access matrix: every route of the URL conf and every operation of the JSON
API, asked by every role about agency A's objects, answers what
`access_matrix.txt` says. Routes and operations are read from the URL conf and the
OpenAPI document, so a new one without a row fails here, naming itself.

Each role asks with one client: staff signed in (and, on the API, also with their
bearer token: both must answer the same), the citizen as a visitor who holds the
tracking and booking codes, the anonymous visitor with nothing, the telephony
system with its token only. Each request runs in a savepoint rolled back after
it, so a write (a POST that succeeds) never changes what the next request sees,
and the objects are made once per role.

Agency B's handler must never read agency A's objects, nor be able to tell them
from objects that do not exist: that is checked on the table and, against the
application, by asking each such route about a missing object too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.gates.conftest import AgencyA
from tests.gates.inputs import api_inputs, citizen_posts, page_values
from yankao.api import api
from yankao.core.converters import MAX_ID

pytestmark = pytest.mark.gates

TABLE = Path(__file__).with_name("access_matrix.txt")
ROLES = (
    "anonymous",
    "citizen",
    "agent",
    "handler_a",
    "supervisor_a",
    "handler_b",
    "controller",
    "inspector",
    "mayor",
    "admin",
    "system",
)
# Not asked: a citizen holds no API credentials (their calls are the anonymous
# column's), and a system account holds only a token (it never signs in to pages).
NOT_APPLICABLE = "-"
# The admin's own model pages answer what each ModelAdmin's permissions say (some
# models are read-only); any answer but a server error.
ANY = "*"
# A citizen's look-up answered 200 with the case or booking it names in the page.
SHOWS = "shows"
METHODS = ("GET", "POST")
# The Django admin's model pages share one row: the admin site's own check guards
# each of them the same way (the other admin pages have rows of their own).
ADMIN_MODEL_PAGES = "admin:<model-pages>"
_ADMIN_MODEL_VIEW = re.compile(r"^admin:(?P<app>[a-z0-9]+)_(?P<model>[a-z0-9]+)_(?P<view>[a-z_]+)$")


# --- the table ------------------------------------------------------------------------------


def expected() -> dict[tuple[str, str], dict[str, str]]:
    """The table: (route, method) -> role -> outcome."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        route, method, *cells = line.split()
        assert len(cells) == len(ROLES), f"{TABLE.name}:{number}: {len(cells)} cells"
        assert (route, method) not in rows, f"{TABLE.name}:{number}: a second row"
        rows[(route, method)] = dict(zip(ROLES, cells, strict=True))
    return rows


# --- routes from the URL conf ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A page route: its name (namespace:name, or the pattern when unnamed), and
    how to build its path from parameter values."""

    key: str
    namespace: str
    name: str | None
    parameters: tuple[str, ...]
    template: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)

    def path(self, values: dict[str, Any]) -> str:
        if self.name is not None:
            return reverse(self.name, kwargs={p: values[p] for p in self.parameters})
        filled = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), self.template)
        return "/" + filled.lstrip("^").rstrip("$").replace("\\.", ".")


def _parameters(pattern: URLPattern | URLResolver) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    if isinstance(pattern.pattern, RegexPattern):
        return list(pattern.pattern.regex.groupindex)
    return []


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str, inherited: list[str]
) -> Iterator[Route]:
    for pattern in patterns:
        template = prefix + str(pattern.pattern).lstrip("^") if prefix else str(pattern.pattern)
        parameters = inherited + _parameters(pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api_v1":
                continue  # the API's operations come from its OpenAPI document
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, template, inner, parameters)
            continue
        own = [p for p in parameters if p not in pattern.default_args]
        if pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, namespace, name, tuple(own), template, pattern.default_args)
        else:
            key = f"{namespace}:{pattern.pattern!s}"
            yield Route(key, namespace, None, tuple(own), template, pattern.default_args)


def page_routes() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", "", []):
        found.setdefault(route.key, route)  # a name reversed twice is one route
    return found


def row_of(route: Route) -> str:
    """The route's row: its own, or the admin's model pages' one for those pages and
    the admin's unnamed routes (an object's short address, the catch-all)."""
    admin_unnamed = route.namespace == "admin" and route.name is None
    return ADMIN_MODEL_PAGES if admin_unnamed or _ADMIN_MODEL_VIEW.match(route.key) else route.key


# --- operations from the OpenAPI document ---------------------------------------------------


def api_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """`METHOD path` -> (method, path template, operation)."""
    document = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def _admin_values(route: Route) -> dict[str, Any] | None:
    """An admin page's parameters: an app's label, or the first row of the model
    the page is for (None when the model has no row: the page is not asked)."""
    values: dict[str, Any] = {}
    match = _ADMIN_MODEL_VIEW.match(route.key)
    for parameter in route.parameters:
        if parameter == "app_label":
            values[parameter] = "accounts"
        elif parameter == "object_id" and match is None:
            values[parameter] = "1"  # an unnamed short address: the model is not known
        elif parameter == "object_id" and match is not None:
            row = apps.get_model(match["app"], match["model"])._default_manager.first()
            if row is None:
                return None
            values[parameter] = row.pk
        elif parameter == "url":
            values[parameter] = "no-such-page/"
        else:
            return None
    return values


# --- asking ---------------------------------------------------------------------------------


def outcome(response: HttpResponseBase) -> str:
    """The answer as the table writes it: the status, or `login` for a redirect to
    a sign-in page."""
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith((reverse(settings.LOGIN_URL), reverse("admin:login"))):
            return "login"
    return str(response.status_code)


def agrees(answer: str, cell: str | None) -> bool:
    if cell == ANY:
        return not answer.startswith("5")
    return answer == cell


Send = Callable[[], HttpResponseBase]


def ask(client: Client, send: Send, shown: str | None = None) -> str:
    """One request in a savepoint rolled back after it; the client's cookies are
    restored, so a sign-out does not sign the next request out. With `shown`, a 200
    whose page holds that text is `shows`."""
    cookies = client.cookies.copy()
    with transaction.atomic():
        response = send()
        answer = outcome(response)
        if shown and answer == "200" and shown in response.content.decode():
            answer = SHOWS
        transaction.set_rollback(True)
    client.cookies = cookies
    return answer


def value_key(route: Route, parameter: str, values: dict[tuple[str, str], Any]) -> tuple[str, str]:
    """Where a parameter's value is found: under the route's own key when given
    there (a namespace may name two kinds of object `pk`), else its namespace's."""
    own = (route.key, parameter)
    return own if own in values else (route.namespace, parameter)


@dataclass
class Asker:
    role: str
    client: Client
    token: str | None
    signed_in: bool
    objects: AgencyA

    def page(self, route: Route, method: str, values: dict[tuple[str, str], Any]) -> str | None:
        if route.namespace.startswith("admin"):
            filled = _admin_values(route)
            if filled is None:
                return None
        else:
            missing = [p for p in route.parameters if value_key(route, p, values) not in values]
            assert not missing, f"{route.key}: give {missing} a value in page_values()"
            filled = {p: values[value_key(route, p, values)] for p in route.parameters}
        path = route.path(filled)
        if method == "GET":
            return ask(self.client, lambda: self.client.get(path))
        posted = citizen_posts(self.objects).get(route.key) if self.role == "citizen" else None
        shown = posted["number"] if posted else None
        return ask(self.client, lambda: self.client.post(path, posted or {}), shown)

    def operation(self, key: str, operation: dict[str, Any], given: dict[str, Any]) -> str:
        method, template = key.split(" ", 1)
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        missing = [name for name in names if name not in given.get("path", {})]
        assert not missing, f"{key}: give {missing} a value in api_inputs()"
        path = template
        for name, value in given.get("path", {}).items():
            path = path.replace("{" + name + "}", str(value))
        answers = set()
        for headers in self._credentials():
            if method == "GET":
                query = given.get("query", {})
                send: Send = partial(self.client.get, path, query, headers=headers)
            else:
                body = json.dumps(given.get("json", {}))
                send = partial(
                    self.client.generic,
                    method,
                    path,
                    body,
                    content_type="application/json",
                    headers=headers,
                )
            answers.add(ask(self.client, send))
        # A token and a session of one account must be answered alike.
        return answers.pop() if len(answers) == 1 else "/".join(sorted(answers))

    def _credentials(self) -> list[dict[str, str]]:
        found = []
        if self.token:
            found.append({"Authorization": f"Bearer {self.token}"})
        if self.signed_in or not self.token:
            found.append({})  # the session, or no credentials at all
        return found


def asker(role: str, cast: dict[str, Any], tokens: dict[str, str], objects: AgencyA) -> Asker:
    client = Client()
    signed_in = role in cast and role != "system"
    if signed_in:
        client.force_login(cast[role])
    return Asker(role, client, tokens.get(role), signed_in, objects)


# --- the tests ------------------------------------------------------------------------------


def _keys() -> set[tuple[str, str]]:
    keys = {(row_of(route), method) for route in page_routes().values() for method in METHODS}
    keys |= {(path, method) for method, path, _op in api_operations().values()}
    return keys


def test_every_route_and_operation_has_a_row():
    missing = sorted(_keys() - set(expected()))
    assert missing == [], "add a row to access_matrix.txt for: " + ", ".join(
        f"{route} {method}" for route, method in missing
    )


def test_every_row_names_a_route_or_an_operation():
    assert sorted(set(expected()) - _keys()) == []


def test_the_url_conf_has_routes_of_every_kind_to_ask():
    # Guards the matrix against a URL conf it reads nothing from.
    keys = {route for route, _method in _keys()}
    for needed in (
        "petitions:petition",
        "dispatch:ticket",
        "legal:sheet",
        "open311:request",
        "mailbox:track",
        ADMIN_MODEL_PAGES,
        "/api/v1/petitions/{petition_id}",
    ):
        assert needed in keys, needed


# Parameters naming one of agency A's own objects (articles, calls and bookings
# are not an agency's: published articles are read by all staff, calls and the
# desk have rules of their own, in the table).
A_OBJECT_PARAMETERS = {
    ("petitions", "pk"),
    ("petitions", "attachment_pk"),
    ("dispatch", "pk"),
    ("dispatch", "photo_pk"),
    ("tracking", "pk"),
    # Programmes, and (by their routes' own keys) their milestones.
    ("control", "pk"),
    ("control:milestone", "pk"),
    ("control:milestone-complete", "pk"),
}
A_OBJECT_API_PARAMETERS = {
    "item_id",
    "petition_id",
    "ticket_id",
    "rating_id",
    "programme_id",
    "milestone_id",
}


def naming_a_objects() -> tuple[list[tuple[Route, str]], list[str]]:
    """The page routes (with each method) and API operations that name one of
    agency A's objects."""
    pages = [
        (route, method)
        for route in page_routes().values()
        if any((route.namespace, p) in A_OBJECT_PARAMETERS for p in route.parameters)
        for method in METHODS
    ]
    operations = [
        key
        for key, (_method, _path, operation) in api_operations().items()
        if any(p["name"] in A_OBJECT_API_PARAMETERS for p in operation.get("parameters", []))
    ]
    return pages, operations


def test_the_table_never_lets_another_agencys_handler_read_agency_a_objects():
    """No 2xx, and no 403 (which would confirm the object exists), for agency B's
    handler on any route or operation naming agency A's objects."""
    rows = expected()
    pages, operations = naming_a_objects()
    assert len(pages) + len(operations) > 20
    cells = {(route.key, method): rows[(route.key, method)]["handler_b"] for route, method in pages}
    for key in operations:
        method, path = key.split(" ", 1)
        cells[(path, method)] = rows[(path, method)]["handler_b"]
    telling = {key: cell for key, cell in cells.items() if cell.startswith("2") or cell == "403"}
    assert telling == {}


@pytest.mark.django_db
def test_another_agencys_handler_cannot_tell_agency_a_objects_from_missing_ones(
    cast, tokens, agency_a
):
    who = asker("handler_b", cast, tokens, agency_a)
    real = page_values(agency_a)
    missing = {
        key: (MAX_ID if key in A_OBJECT_PARAMETERS else value) for key, value in real.items()
    }
    pages, operations = naming_a_objects()
    differ = {}
    for route, method in pages:
        answers = (who.page(route, method, real), who.page(route, method, missing))
        if answers[0] != answers[1]:
            differ[(route.key, method)] = answers
    inputs = api_inputs(agency_a)
    described = api_operations()
    for key in operations:
        operation = described[key][2]
        given = inputs.get(key, {})
        hidden = {
            **given,
            "path": {
                name: MAX_ID if name in A_OBJECT_API_PARAMETERS else value
                for name, value in given.get("path", {}).items()
            },
        }
        answers = (who.operation(key, operation, given), who.operation(key, operation, hidden))
        if answers[0] != answers[1]:
            differ[(key, "")] = answers
    assert differ == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_answered_as_the_matrix_says(role, cast, tokens, agency_a):
    who = asker(role, cast, tokens, agency_a)
    rows = expected()
    values = page_values(agency_a)
    wrong: dict[tuple[str, str], str] = {}
    for route in page_routes().values():
        for method in METHODS:
            cell = rows.get((row_of(route), method), {}).get(role)
            if cell == NOT_APPLICABLE:
                continue
            answer = who.page(route, method, values)
            if answer is not None and not agrees(answer, cell):
                wrong[(route.key, method)] = f"{answer} (table: {cell})"
    inputs = api_inputs(agency_a)
    for key, (method, path, operation) in api_operations().items():
        cell = rows.get((path, method), {}).get(role)
        if cell == NOT_APPLICABLE:
            continue
        answer = who.operation(key, operation, inputs.get(key, {}))
        if not agrees(answer, cell):
            wrong[(path, method)] = f"{answer} (table: {cell})"
    assert wrong == {}, f"{role} is answered otherwise than access_matrix.txt says"
