"""A lost database connection is a 503 with Retry-After that the client may retry:
a problem document under /api/v1, a page in the city's language elsewhere. Other
database errors stay what they are (a defect is a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import IntegrityError, InterfaceError, OperationalError
from django.urls import reverse

from tests.petitions.test_api import bearer

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    """Every query from here fails as a refused connection would. The test's own
    transaction stays open underneath and is rolled back as usual afterwards."""
    refused = error("could not connect to server: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_api_answers_a_503_problem_with_retry_after(client, staff, error):
    headers = bearer(staff.amy)  # the token is made while the database is up
    with database_down(error):
        response = client.get("/api/v1/petitions", **headers)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    problem = response.json()
    assert problem["status"] == 503
    assert problem["title"] == "Service Unavailable"
    assert problem["detail"] == "目前無法連線資料庫，請稍後再試。"


def test_a_page_answers_a_503_page_in_the_citys_language(client, staff):
    client.force_login(staff.hank)
    with database_down():
        response = client.get(reverse("petitions:worklist"))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "服務暫時無法使用" in html
    assert 'lang="zh-Hant-TW"' in html


def test_another_database_error_is_not_taken_for_an_outage(client, staff):
    client.force_login(staff.hank)
    broken = IntegrityError("duplicate key")
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=broken),
        pytest.raises(IntegrityError),
    ):
        client.get(reverse("petitions:worklist"))
