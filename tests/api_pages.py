"""Walking a cursor-paged list of the JSON API to its end, for the tests that
check every list finds each visible row exactly once under each of its orders."""

from __future__ import annotations

from typing import Any

from django.test import Client

# More pages than any test makes: a cursor that never ends fails instead of hanging.
MOST_PAGES = 200


def walk(
    client: Client, url: str, query: dict[str, Any], headers: dict[str, str], *, limit: int = 2
) -> list[dict[str, Any]]:
    """Every row of every page, in the order the pages gave them."""
    rows: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MOST_PAGES):
        page_query = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, page_query, **headers)
        assert response.status_code == 200, response.content
        page = response.json()
        assert len(page["items"]) <= limit
        rows += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return rows
    raise AssertionError(f"{url} {query}: the cursor did not end after {MOST_PAGES} pages")


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]
