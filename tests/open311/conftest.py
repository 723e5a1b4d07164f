"""Fixtures of the Open311 tests: a client application with its key, and helpers
to call the endpoints and read their XML."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.test import Client

from yankao.open311.services import IssuedKey, client_create

ROOT = "/open311/v2"


@pytest.fixture(autouse=True)
def fresh_rate_windows() -> Iterator[None]:
    """Rate counts live in the cache, which outlives each test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """Stored pictures go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def app_key(db) -> IssuedKey:
    return client_create(name="高雄一指通", rate_per_minute=1000)


def xml(response: Any) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def children(element: ElementTree.Element) -> list[str]:
    return [child.tag for child in element]


def post(client: Client, key: IssuedKey | str | None, fmt: str = "json", **fields: Any) -> Any:
    data = {"service_code": "P-0103", "lat": "22.627", "long": "120.301", **fields}
    if key is not None:
        data.setdefault("api_key", key if isinstance(key, str) else key.raw)
    headers = fields.pop("headers", None) or {}
    data.pop("headers", None)
    return client.post(f"{ROOT}/requests.{fmt}", data, headers=headers)
