"""URL converters of our own, registered once (core's AppConfig.ready) and used by
every route that takes a database id."""

from __future__ import annotations

from django.urls import register_converter

# The largest key a BIGINT column holds (PostgreSQL, and SQLite's INTEGER).
MAX_ID = 2**63 - 1


class DatabaseIdConverter:
    """`<id:pk>`: a row's key. Django's `int` converter takes any number of digits,
    and a key above 2^63 - 1 reached the database: SQLite's driver raised
    OverflowError (a 500). Here such a path simply does not match, so it is the
    404 any unknown row is."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("not a database id")  # Django's resolver: no match
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    register_converter(DatabaseIdConverter, "id")
