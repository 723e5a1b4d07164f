"""Petitioners' ratings on the JSON API: scoped like the petitions, filtered by the
closing period and the agency's tree, walked by cursor, and documented."""

from datetime import date, timedelta
from typing import Any

import pytest

from tests.factories import taipei, user
from tests.petitions.factories import petition
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.petitions.services import petition_rate
from yankao.tracking import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/petitions/ratings"
PROBLEM = "application/problem+json"


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def rated(*, code: str = "0103", closed_at, score: int, by):
    """A petition closed at `closed_at` and rated an hour later."""
    registered = petition(code=code, received_at=closed_at - timedelta(days=2))
    with clock.frozen(closed_at):
        services.item_close(item=registered.petition.item, by=by, reason="已處理完成")
    with clock.frozen(closed_at + timedelta(hours=1)):
        return petition_rate(petition=registered.petition, score=score, comment="處理迅速")


def numbers(response) -> list[str]:
    return [rating["number"] for rating in response.json()["items"]]


def test_a_handler_sees_the_ratings_of_their_agencys_petitions_only(client, staff):
    own = rated(closed_at=taipei(2025, 2, 10), score=4, by=staff.connie)
    other = rated(code="0501", closed_at=taipei(2025, 2, 10), score=2, by=staff.connie)
    owner = own.petition.item.owner_agency
    assert owner.pk != other.petition.item.owner_agency_id
    handler = user("owner-handler", Role.HANDLER, owner.key)
    response = client.get(URL, **bearer(handler))
    assert response.status_code == 200
    assert numbers(response) == [own.petition.item.number]
    hidden = client.get(f"{URL}/{other.pk}", **bearer(handler))
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == PROBLEM


def test_one_rating_reads_with_its_petition_and_agency(client, staff):
    rating = rated(closed_at=taipei(2025, 2, 10), score=5, by=staff.connie)
    body = client.get(f"{URL}/{rating.pk}", **bearer(staff.connie)).json()
    item = rating.petition.item
    assert (body["petition_id"], body["number"], body["score"]) == (
        rating.petition_id,
        item.number,
        5,
    )
    assert body["owner_agency"]["key"] == item.owner_agency.key
    assert body["comment"] == "處理迅速"


def test_the_period_counts_the_petitions_closed_in_it_as_the_report_does(client, staff):
    # 31 Jan 23:30 and 1 Mar 00:10 in Taipei fall outside February; UTC would not say so.
    before = rated(closed_at=taipei(2025, 1, 31, 23, 30), score=1, by=staff.connie)
    first = rated(closed_at=taipei(2025, 2, 1, 0, 10), score=3, by=staff.connie)
    last = rated(closed_at=taipei(2025, 2, 28, 23, 50), score=4, by=staff.connie)
    after = rated(closed_at=taipei(2025, 3, 1, 0, 10), score=5, by=staff.connie)
    response = client.get(URL, {"start": "2025-02-01", "end": "2025-02-28"}, **bearer(staff.connie))
    assert sorted(numbers(response)) == sorted(r.petition.item.number for r in (first, last))
    everything = client.get(URL, **bearer(staff.connie))
    assert len(numbers(everything)) == len({before, first, last, after})


def test_the_agency_filter_takes_in_its_sub_agencies(client, staff):
    rating = rated(closed_at=taipei(2025, 2, 10), score=4, by=staff.connie)
    agency = rating.petition.item.owner_agency
    parent_key = agency.parent.key if agency.parent_id else agency.key
    assert numbers(client.get(URL, {"agency": parent_key}, **bearer(staff.connie))) == [
        rating.petition.item.number
    ]
    assert numbers(client.get(URL, {"agency": "police"}, **bearer(staff.connie))) == []
    unknown = client.get(URL, {"agency": "no-such-agency"}, **bearer(staff.connie))
    assert unknown.status_code == 400
    assert unknown["Content-Type"] == PROBLEM


def test_the_cursor_walks_every_rating_once(client, staff):
    made = [
        rated(closed_at=taipei(2025, 2, 3 + n), score=1 + n % 5, by=staff.connie) for n in range(5)
    ]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, query, **bearer(staff.connie)).json()
        seen += [rating["id"] for rating in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [rating.pk for rating in made]


def test_the_openapi_document_describes_the_ratings(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/petitions/ratings"]
    assert "get" in paths["/api/v1/petitions/ratings/{rating_id}"]
    parameters = {p["name"] for p in paths["/api/v1/petitions/ratings"]["get"]["parameters"]}
    assert {"start", "end", "agency", "cursor", "limit"} <= parameters


def test_unrated_days_are_not_a_period_error(client, staff):
    response = client.get(URL, {"start": date(2025, 2, 1).isoformat()}, **bearer(staff.connie))
    assert response.json() == {"items": [], "next_cursor": None}
