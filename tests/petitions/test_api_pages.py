"""The petition list walks every page under each status filter and finds every
petition it shows exactly once, deadlines shared by several petitions included."""

from datetime import timedelta

import pytest

from tests.api_pages import ids, walk
from tests.petitions.factories import THURSDAY, petition
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.petitions.models import Petition, PetitionRating
from yankao.petitions.services import petition_rate
from yankao.tracking.models import Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/petitions"
RATINGS_URL = "/api/v1/petitions/ratings"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.fixture
def petitions(staff):
    """Seven petitions: four received at the same moment (one deadline), two
    closed at once for want of any contact."""
    made = [petition(received_at=THURSDAY) for _ in range(4)]
    made += [petition(received_at=THURSDAY + timedelta(days=n)) for n in (2, 1)]
    made += [
        petition(
            received_at=THURSDAY + timedelta(hours=n), petitioner_email="", petitioner_phone=""
        )
        for n in (0, 3)
    ]
    return made


@pytest.mark.parametrize("status", [None, Status.ASSIGNED, Status.CLOSED])
def test_every_petition_is_listed_once_across_the_pages(client, staff, petitions, status):
    query = {"status": status} if status else {}
    rows = walk(client, URL, query, bearer(staff.connie))
    expected = {
        p.pk
        for p in Petition.objects.select_related("item")
        if status is None or p.item.status == status
    }
    assert expected
    assert sorted(ids(rows)) == sorted(expected)
    keys = [(row["due_at"], row["id"]) for row in rows]
    assert keys == sorted(keys)


def test_every_rating_is_listed_once_across_the_pages(client, staff, petitions):
    """Ratings given at one moment share their sort key: the cursor's id breaks the tie."""
    closed = [p for p in Petition.objects.select_related("item") if p.item.status == Status.CLOSED]
    assert len(closed) == 2
    with clock.frozen(THURSDAY + timedelta(days=5)):
        for one in closed:
            petition_rate(petition=one, score=4)
    rows = walk(client, RATINGS_URL, {}, bearer(staff.connie), limit=1)
    assert sorted(ids(rows)) == sorted(PetitionRating.objects.values_list("pk", flat=True))
    assert len(rows) == 2
