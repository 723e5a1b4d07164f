"""The petitioner rates the handling of a closed petition on the public tracking
page, once; the staff petition page shows the rating."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import taipei
from tests.petitions.factories import petition
from yankao.core import clock
from yankao.petitions.models import PetitionRating
from yankao.petitions.services import PetitionError, petition_rate
from yankao.tracking.services import item_accept, item_submit_reply

pytestmark = pytest.mark.django_db


def closed(staff):
    registered = petition()
    item = registered.petition.item
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=item, by=staff.holly)
        item_submit_reply(item=item, by=staff.holly, reply="路燈已於今日修復。")
    return registered


def rate(client, registered, score="4", comment="修得很快"):
    data = {
        "number": registered.petition.item.number,
        "code": registered.code,
        "score": score,
        "comment": comment,
    }
    return client.post(reverse("mailbox:rate"), data)


def track(client, registered):
    data = {"number": registered.petition.item.number, "code": registered.code}
    return client.post(reverse("mailbox:track"), data)


def test_the_tracking_page_offers_the_rating_once_the_petition_is_closed(client, staff):
    html = track(client, closed(staff)).content.decode()
    assert reverse("mailbox:rate") in html
    assert 'name="score"' in html


def test_an_open_petition_offers_no_rating(client):
    html = track(client, petition()).content.decode()
    assert reverse("mailbox:rate") not in html


def test_the_petitioner_rates_a_closed_petition(client, staff):
    registered = closed(staff)
    response = rate(client, registered)
    assert response.status_code == 200
    rating = PetitionRating.objects.get()
    assert rating.petition == registered.petition
    assert (rating.score, rating.comment) == (4, "修得很快")
    assert "感謝您" in response.content.decode()


def test_a_petition_is_rated_only_once(client, staff):
    registered = closed(staff)
    rate(client, registered, score="5")
    response = rate(client, registered, score="1")
    assert response.status_code == 409
    assert PetitionRating.objects.get().score == 5
    assert reverse("mailbox:rate") not in track(client, registered).content.decode()


def test_an_open_petition_cannot_be_rated(client):
    registered = petition()
    response = rate(client, registered)
    assert response.status_code == 409
    assert PetitionRating.objects.count() == 0


def test_a_wrong_code_rates_nothing(client, staff):
    registered = closed(staff)
    response = client.post(
        reverse("mailbox:rate"),
        {"number": registered.petition.item.number, "code": "WRONGCDE", "score": "1"},
    )
    assert response.status_code == 400
    assert PetitionRating.objects.count() == 0


def test_a_score_outside_one_to_five_is_refused(client, staff):
    registered = closed(staff)
    assert rate(client, registered, score="6").status_code == 400
    assert PetitionRating.objects.count() == 0


def test_the_database_refuses_a_score_outside_one_to_five(staff):
    registered = closed(staff)
    with pytest.raises(IntegrityError):
        PetitionRating.objects.create(
            petition=registered.petition, score=0, rated_at=taipei(2026, 11, 28)
        )


def test_the_service_refuses_a_second_rating(staff):
    registered = closed(staff)
    petition_rate(petition=registered.petition, score=3)
    with pytest.raises(PetitionError):
        petition_rate(petition=registered.petition, score=3)


def test_the_staff_petition_page_shows_the_rating(client, staff):
    registered = closed(staff)
    petition_rate(petition=registered.petition, score=2, comment="回覆太慢")
    client.force_login(staff.holly)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("petitions:petition", args=[registered.petition.pk])).content
    assert "回覆太慢" in html.decode()
    assert "滿分 5 分，給 2 分" in html.decode()
    # Read with the petition itself, not by a query of its own.
    sql = [q["sql"] for q in queries.captured_queries]
    [reading] = [one for one in sql if "petitions_petitionrating" in one]
    assert 'petitions_petition"."subject' in reading
