"""Suggestions of duplicates and repeats for the handler."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.petitions.factories import THURSDAY, petition
from yankao.petitions.duplicates import distance_metres, possible_duplicates, possible_repeats

pytestmark = pytest.mark.django_db


def test_the_distance_between_two_points_100_metres_apart_is_about_100():
    # 0.0009° of latitude is 100.1 m on a 6,371 km sphere.
    assert distance_metres(22.6273, 120.3014, 22.6282, 120.3014) == pytest.approx(100.1, abs=0.2)


def lamp(**fields):
    values = {"code": "0103", "district_key": "fengshan"}
    values.update(fields)
    return petition(**values).petition


def test_a_petition_50_metres_away_on_the_same_matter_is_a_possible_duplicate(staff):
    first = lamp(
        latitude=Decimal("22.627300"),
        longitude=Decimal("120.301400"),
        subject="光遠路路燈壞了",
        content="晚上很暗",
        petitioner_email="a@example.com",
    )
    second = lamp(
        latitude=Decimal("22.627750"),
        longitude=Decimal("120.301400"),
        subject="請修理路燈",
        content="路口一盞燈不亮",
        petitioner_email="b@example.com",
        received_at=THURSDAY + timedelta(days=2),
    )
    [suggestion] = possible_duplicates(second)
    assert suggestion.petition == first
    assert suggestion.reason == "nearby"
    assert suggestion.score == pytest.approx(50.0, abs=0.5)


def test_one_200_metres_away_with_different_words_is_not(staff):
    lamp(
        latitude=Decimal("22.627300"),
        longitude=Decimal("120.301400"),
        subject="公園旁燈號",
        content="完全不同的描述文字內容",
        petitioner_email="a@example.com",
    )
    second = lamp(
        latitude=Decimal("22.629100"),
        longitude=Decimal("120.301400"),
        subject="請修理路燈",
        content="路口一盞燈不亮",
        petitioner_email="b@example.com",
    )
    assert possible_duplicates(second) == []


def test_nearly_the_same_words_without_coordinates_are_a_possible_duplicate(staff):
    first = lamp(subject="光復路二段路燈不亮", content="光復路二段120號前路燈已經三天不亮。")
    second = lamp(
        subject="光復路二段路燈不亮",
        content="光復路二段122號前路燈已經三天不亮了。",
        petitioner_email="other@example.com",
        petitioner_phone="0922-000-111",
    )
    [suggestion] = possible_duplicates(second)
    assert (suggestion.petition, suggestion.reason) == (first, "similar_text")
    assert suggestion.score >= 0.6


def test_another_district_or_another_month_is_not_a_duplicate(staff):
    lamp(district_key="gangshan")
    lamp(received_at=THURSDAY - timedelta(days=45))
    assert possible_duplicates(lamp()) == []


def test_the_same_petitioner_on_the_same_matter_is_a_possible_repeat(staff):
    earlier = lamp(received_at=THURSDAY - timedelta(days=20))
    later = lamp(subject="路燈還是不亮", content="上次反映的路燈仍未修復")
    [suggestion] = possible_repeats(later)
    assert suggestion.petition == earlier
    assert possible_repeats(earlier) == []


def test_the_handler_sees_the_suggestions_loaded_into_the_petition_page(client, staff):
    from django.urls import reverse

    earlier = lamp(received_at=THURSDAY - timedelta(days=20))
    later = lamp(subject="路燈還是不亮", content="上次反映的路燈仍未修復")
    client.force_login(staff.holly)
    url = reverse("petitions:suggestions", args=[later.pk])
    page = client.get(reverse("petitions:petition", args=[later.pk])).content.decode()
    assert 'id="suggestions-h"' in page
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page  # htmx, or a link
    assert earlier.item.number not in page  # not worked out with the page itself

    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert earlier.item.number in html and "<html" not in html
    assert f'name="number" value="{earlier.item.number}"' in html  # relate to it from here

    whole = client.get(url).content.decode()  # without script: a page of its own
    assert "<html" in whole and earlier.item.number in whole


def test_a_petition_with_nothing_like_it_says_so(client, staff):
    from django.urls import reverse

    alone = lamp()
    client.force_login(staff.holly)
    html = client.get(
        reverse("petitions:suggestions", args=[alone.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<li>" not in html
    assert "查無" in html


def test_the_mayors_office_is_not_shown_suggestions(client, staff):
    from django.urls import reverse

    lamp(received_at=THURSDAY - timedelta(days=20))
    later = lamp(subject="路燈還是不亮", content="上次反映的路燈仍未修復")
    client.force_login(staff.mia)
    html = client.get(reverse("petitions:petition", args=[later.pk])).content.decode()
    assert 'id="suggestions-h"' not in html
    response = client.get(reverse("petitions:suggestions", args=[later.pk]))
    assert response.status_code == 403
