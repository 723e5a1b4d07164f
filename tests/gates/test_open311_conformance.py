"""Open311 GeoReport v2 (/open311/v2) against its OpenAPI description
(yankao.open311.openapi, served at /open311/v2/openapi.json).

The description must name every route of the URL conf with the methods its view
takes, in both formats. Schemathesis then sends requests generated from it, as an
anonymous client and as a client application with its key, with agency A's
requests in the database: every answer must be no server error, a status the
description documents, in its media type, with a body its schema describes (the
JSON answers; the XML ones are the same facts, checked by tests/open311)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.gates.apps import InTransactionApp
from yankao.open311 import openapi

pytestmark = pytest.mark.gates

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12
BASE_URL = "http://testserver"

CONFIG = SchemathesisConfig.from_dict(
    {"generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True}}
)

schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)
schema.app = InTransactionApp()


# --- the description names every route -------------------------------------------------------


def _open311_patterns() -> list[URLPattern]:
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "open311":
            return list(pattern.url_patterns)
    raise AssertionError("no open311 routes in the URL conf")


def _described(name: str, fmt: str) -> str:
    """The path the description gives the route `name` in the format `fmt`."""
    return {
        "root": f"{openapi.ROOT}/",
        "discovery": f"{openapi.ROOT}/discovery.{fmt}",
        "services": f"{openapi.ROOT}/services.{fmt}",
        "service": f"{openapi.ROOT}/services/{{service_code}}.{fmt}",
        "requests": f"{openapi.ROOT}/requests.{fmt}",
        "request": f"{openapi.ROOT}/requests/{{service_request_id}}.{fmt}",
        "token": f"{openapi.ROOT}/tokens/{{token}}.{fmt}",
    }[name]


def test_every_open311_route_is_described_with_the_methods_its_view_takes():
    paths = openapi.document()["paths"]
    named = [p for p in _open311_patterns() if p.name and p.name != "openapi"]
    assert len(named) == 7
    for pattern in named:
        methods = {m.lower() for m in pattern.callback.methods} - {"head"}  # type: ignore[attr-defined]
        formats = ["json"] if pattern.name == "root" else openapi.FORMATS
        for fmt in formats:
            path = _described(pattern.name, fmt)
            assert set(paths.get(path, {})) == methods, (pattern.name, path)


def test_the_description_names_nothing_the_url_conf_lacks():
    described = {
        _described(p.name, fmt)
        for p in _open311_patterns()
        if p.name and p.name != "openapi"
        for fmt in openapi.FORMATS
    }
    assert set(openapi.document()["paths"]) <= described | {f"{openapi.ROOT}/"}


@pytest.mark.django_db
def test_the_description_is_served(client):
    response = client.get("/open311/v2/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == openapi.document()["paths"].keys()


# --- every answer as described -----------------------------------------------------------------


@pytest.fixture(params=("anonymous", "client"))
def key(request, agency_a, settings) -> str | None:
    # Generated requests come faster than a person's; the limit is tested in tests/open311.
    settings.YANKAO_OPEN311_ANONYMOUS_RATE = 100_000
    return agency_a.open311_key.raw if request.param == "client" else None


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_generated_request_is_answered_as_described(case, key):
    if key is not None:
        # The client's key in place of the generated one, where the request carries it.
        if isinstance(case.body, dict):
            case.body["api_key"] = key
        else:
            case.query = {**(case.query or {}), "api_key": key}
    case.call_and_validate(base_url=BASE_URL, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json"])
def test_agency_a_requests_are_answered_as_described(agency_a, fmt, settings):
    """Generated ids rarely name a request: read the real ones, and post one."""
    settings.YANKAO_OPEN311_ANONYMOUS_RATE = 100_000
    root = openapi.ROOT
    asked: list[tuple[str, str, dict[str, Any]]] = [
        (
            "GET",
            f"{root}/requests/{{service_request_id}}.{fmt}",
            {"path_parameters": {"service_request_id": agency_a.open311_request}},
        ),
        (
            "GET",
            f"{root}/tokens/{{token}}.{fmt}",
            {"path_parameters": {"token": agency_a.open311_token}},
        ),
        (
            "GET",
            f"{root}/services/{{service_code}}.{fmt}",
            {"path_parameters": {"service_code": "P-0103"}},
        ),
        ("GET", f"{root}/requests.{fmt}", {}),
        (
            "POST",
            f"{root}/requests.{fmt}",
            {
                "media_type": "application/x-www-form-urlencoded",
                "body": {
                    "api_key": agency_a.open311_key.raw,
                    "service_code": "D-101",
                    "lat": 22.6265,
                    "long": 120.3578,
                    "description": "機車道上有大坑洞",
                },
            },
        ),
    ]
    statuses = []
    for method, path, given in asked:
        case = schema[path][method].Case(**given)
        statuses.append(case.call_and_validate(base_url=BASE_URL, checks=CHECKS).status_code)
    assert statuses == [200, 200, 200, 200, 201]
