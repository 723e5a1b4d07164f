"""HTML forms and Open311's POST read form bodies, which Django decodes itself: a
non-UTF-8 url-encoded body is a 400, and multipart fields come out as UTF-8 with
replacement characters. A client declaring a charset that spells lone surrogates
(UTF-7 does: "+2AA-" is U+D800) gets no surrogate into a form field, so none into
the database and no 500. These tests keep that boundary from moving unnoticed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.open311.conftest import ROOT
from tests.petitions.test_intake import intake_data
from yankao.open311.services import client_create
from yankao.petitions.models import Petition

pytestmark = pytest.mark.django_db

SURROGATE = "路燈\ud800不亮"
BOUNDARY = "----surrogate-test"


def _url_encoded(data: dict[str, Any]) -> tuple[bytes, str]:
    text = urlencode({k: str(v).encode("utf-7") for k, v in data.items()})
    return text.encode(), "application/x-www-form-urlencoded; charset=utf-7"


def _multipart(data: dict[str, Any]) -> tuple[bytes, str]:
    lines = []
    for name, value in data.items():
        lines += [
            f"--{BOUNDARY}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode("utf-7"),
        ]
    lines += [f"--{BOUNDARY}--".encode(), b""]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={BOUNDARY}; charset=utf-7"


def _stored_text() -> list[str]:
    return [text for row in Petition.objects.values_list("subject", "content") for text in row]


@pytest.mark.parametrize("encode", [_url_encoded, _multipart])
def test_a_form_page_never_stores_a_lone_surrogate(client, staff, encode):
    client.force_login(staff.amy)
    body, content_type = encode(intake_data(subject=SURROGATE))
    response = client.post(reverse("petitions:intake"), body, content_type=content_type)
    assert response.status_code in (201, 400)
    for text in _stored_text():
        text.encode("utf-8")  # raises on a lone surrogate


@pytest.mark.parametrize("encode", [_url_encoded, _multipart])
def test_an_open311_post_never_stores_a_lone_surrogate(client, encode):
    key = client_create(name="測試", rate_per_minute=1000)
    fields = {"service_code": "P-0103", "lat": "22.627", "long": "120.301"}
    body, content_type = encode({**fields, "api_key": key.raw, "description": SURROGATE})
    response = client.post(f"{ROOT}/requests.json", body, content_type=content_type)
    assert response.status_code in (201, 400)
    for text in _stored_text():
        text.encode("utf-8")
