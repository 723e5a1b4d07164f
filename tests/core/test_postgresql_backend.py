"""The PostgreSQL backend skips the health check of a connection that has just
served a request without error, and checks it otherwise."""

import pytest
from django.db import connections
from django.db.utils import ProgrammingError

from yankao.core.postgresql import base

connection = connections["default"]  # the wrapper itself, not django.db's proxy


@pytest.fixture
def checks(monkeypatch):
    """The health checks the connection runs, counted."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend; this runs in the PostgreSQL suite")
    assert isinstance(connection, base.DatabaseWrapper)
    asked = []
    real = connection.is_usable

    def counted():
        asked.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    return asked


def _request(sql="SELECT 1"):
    """A request's database work between Django's request_started and
    request_finished handlers (close_old_connections)."""
    connection.close_if_unusable_or_obsolete()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_just_served_a_request_is_not_asked_again(checks):
    connection.close()
    _request()  # a new connection needs no check
    assert checks == []
    _request()
    _request()
    assert checks == []


@pytest.mark.django_db(transaction=True)
def test_a_connection_idle_for_longer_than_the_window_is_checked(checks, monkeypatch):
    _request()
    checks.clear()
    connection.good_until = 0.0  # as if the window had passed
    _request()
    assert checks == [1]
    _request()  # and is then good again for a while
    assert checks == [1]


@pytest.mark.django_db(transaction=True)
def test_after_a_database_error_the_connection_is_checked(checks):
    _request()
    with pytest.raises(ProgrammingError):
        _request("SELECT * FROM no_such_table_here")
    # Django itself asks once at the end of the failed request; the next request
    # asks again before its first query, as the window was not renewed.
    before = len(checks)
    assert before >= 1
    _request()
    assert len(checks) == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_forgets_its_window(checks):
    _request()
    assert connection.good_until > 0
    connection.close()
    assert connection.good_until == 0.0


@pytest.mark.django_db(transaction=True)
def test_a_request_without_queries_does_not_vouch_for_the_connection(checks):
    _request()
    connection.good_until = 0.0
    connection.close_if_unusable_or_obsolete()  # a request that asked nothing …
    connection.close_if_unusable_or_obsolete()
    checks.clear()
    _request()
    assert checks == [1]  # … so the next one checks
