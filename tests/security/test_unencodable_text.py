"""A lone surrogate (the JSON escape "\\ud800") is text no database can store. The
API refuses it at the boundary, 422 naming the field, on every path that stores
text; the queued intake (`Prefer: respond-async`) refuses exactly what the
synchronous create refuses, before it acknowledges anything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja import Schema
from pydantic import ValidationError

from tests.petitions.test_api import URL, bearer, petition_json
from yankao.core.api import SearchText, Text
from yankao.petitions.models import Petition, PetitionIntake

SURROGATE = "a\ud800b"
PROBLEM = "application/problem+json"
TEXT_FIELDS = (
    "channel",
    "category",
    "subject",
    "content",
    "district",
    "address",
    "petitioner_name",
    "petitioner_email",
    "petitioner_phone",
)


class Stored(Schema):
    text: Text


class Searched(Schema):
    q: SearchText


def _raw(body: dict[str, Any]) -> str:
    # json.dumps writes the surrogate as the escape "\ud800", as a client would send it.
    raw = json.dumps(body)
    assert "\\ud800" in raw or SURROGATE not in body.values()
    return raw


def _create(client, user, body: dict[str, Any], *, queued: bool) -> Any:
    headers = {**bearer(user), **({"HTTP_PREFER": "respond-async"} if queued else {})}
    return client.post(URL, _raw(body), content_type="application/json", **headers)


@pytest.mark.parametrize("schema", [Stored, Searched])
def test_the_text_types_refuse_a_lone_surrogate(schema):
    name = next(iter(schema.model_fields))
    with pytest.raises(ValidationError) as raised:
        schema(**{name: SURROGATE})
    assert raised.value.errors()[0]["loc"] == (name,)
    assert raised.value.errors()[0]["type"] == "unencodable_text"
    # A surrogate pair written as two escapes is one real character, and welcome.
    assert schema(**{name: json.loads('"\\ud842\\udfb7"')}).model_dump()[name] == "𠮷"


@pytest.mark.django_db
@pytest.mark.parametrize("queued", [False, True], ids=["sync", "respond-async"])
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_petition_with_a_lone_surrogate_is_422_naming_the_field(client, staff, field, queued):
    response = _create(client, staff.amy, petition_json(**{field: SURROGATE}), queued=queued)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert ["body", "payload", field] in [error["location"] for error in problem["errors"]]
    assert not Petition.objects.exists()
    assert not PetitionIntake.objects.exists()


BAD_BODIES = {
    "surrogate": {"subject": SURROGATE},
    "nul": {"content": "漏水\x00"},
    "unknown channel": {"channel": "pigeon"},
    "unknown category": {"category": "9999"},
    "main category": {"category": "05"},
    "unknown district": {"district": "atlantis"},
    "no subject": {"subject": ""},
    "bad email": {"petitioner_email": "not an address"},
    "latitude too precise": {"latitude": 22.123456789},
    "latitude as text": {"latitude": "north"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("changes", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_the_queued_path_refuses_what_the_synchronous_path_refuses(client, staff, changes):
    body = petition_json(**changes)
    synchronous = _create(client, staff.amy, body, queued=False)
    queued = _create(client, staff.amy, body, queued=True)
    assert synchronous.status_code >= 400
    assert queued.status_code == synchronous.status_code
    assert queued.json()["errors"] == synchronous.json().get("errors")
    assert not Petition.objects.exists()
    assert not PetitionIntake.objects.exists()
