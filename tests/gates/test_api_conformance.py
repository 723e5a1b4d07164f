"""The JSON API (/api/v1) against its own OpenAPI document.

Schemathesis generates requests from the document, valid ones and invalid ones,
and sends them in-process as an anonymous caller, as agency A's handler and as a
commission controller (each with their bearer token), with agency A's objects in
the database. Every answer must be no server error, a status the operation
documents, in a media type it documents, with a body its schema describes. Random
ids rarely name a real object, so every operation is also asked about agency A's
objects by every role, with the access matrix's valid inputs, and checked the same.

The budget is bounded and repeatable: a dozen generated examples per operation
and caller beyond the coverage phase's own cases, derandomized, no example
database; the whole gate takes a minute or two.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.gates.apps import InTransactionApp
from tests.gates.conftest import STAFF
from tests.gates.inputs import api_inputs
from yankao.api import api

pytestmark = [pytest.mark.gates, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ("anonymous", "handler_a", "controller")
EXAMPLES = 12
# The host Django's test setup allows.
BASE_URL = "http://testserver"

CONFIG = SchemathesisConfig.from_dict(
    {"generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True}}
)


def document() -> dict[str, Any]:
    # Through JSON, as a client reads it (integer status keys become strings).
    return json.loads(json.dumps(api.get_openapi_schema()))


schema = schemathesis.openapi.from_dict(document(), config=CONFIG)
schema.app = InTransactionApp()


def bearer(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}


@pytest.fixture(params=CALLERS)
def caller(request, tokens, agency_a) -> dict[str, str]:
    return bearer(tokens, request.param)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # The database fixtures are the test's, shared by its examples on purpose.
    suppress_health_check=list(HealthCheck),
)
def test_every_generated_request_is_answered_as_documented(case, caller):
    case.call_and_validate(base_url=BASE_URL, headers=caller, checks=CHECKS)


@pytest.mark.parametrize("role", ("anonymous", *STAFF))
def test_every_operation_on_agency_a_objects_is_answered_as_documented(role, tokens, agency_a):
    inputs = api_inputs(agency_a)
    statuses = set()
    for path, methods in document()["paths"].items():
        for method in methods:
            given = inputs.get(f"{method.upper()} {path}", {})
            operation = schema[path][method.upper()]
            case = operation.Case(
                path_parameters=given.get("path"),
                query=given.get("query"),
                body=given.get("json", NOT_SET),
                media_type="application/json" if "json" in given else None,
            )
            response = case.call_and_validate(
                base_url=BASE_URL, headers=bearer(tokens, role), checks=CHECKS
            )
            statuses.add(response.status_code)
    # Guards the loop: real objects were found, and written, by someone.
    if role == "handler_a":
        assert {200, 201} <= statuses
