import threading

import pytest
from django.db import connection

from yankao.core.numbering import next_value


@pytest.mark.django_db
def test_a_counter_counts_from_one_per_key():
    assert [next_value("a"), next_value("a"), next_value("b"), next_value("a")] == [1, 2, 1, 3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_never_gets_the_same_number():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database cannot be shared by threads; "
            "this runs in the PostgreSQL suite"
        )
    results: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            for _ in range(10):
                results.append(next_value("busy"))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == list(range(1, 41))
