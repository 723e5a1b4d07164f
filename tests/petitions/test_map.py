"""Where a petition is: an optional map pin on the mailbox and the intake form,
checked to lie inside the city, kept through the e-mail confirmation and shown on
the case page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.petitions.test_mailbox import confirm, form_data, write
from yankao.petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_the_mailbox_form_offers_a_map_bound_to_the_coordinate_fields(client):
    html = client.get(reverse("mailbox:write")).content.decode()
    assert 'id="pick-map"' in html
    assert 'data-pick-lat="id_latitude"' in html and 'data-pick-lon="id_longitude"' in html
    assert '<label for="id_latitude"' in html  # the inputs are the non-map way in


def test_a_pin_inside_the_city_survives_the_confirmation_and_shows_on_the_case(client, staff):
    assert write(client, latitude="22.627300", longitude="120.301400").status_code == 302
    confirm(client)
    petition = Petition.objects.get()
    assert (petition.latitude, petition.longitude) == (Decimal("22.627300"), Decimal("120.301400"))
    client.force_login(staff.sue)  # supervisor of the public works tree
    html = client.get(reverse("petitions:petition", args=[petition.pk])).content.decode()
    assert 'data-marker="22.627300,120.301400"' in html


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("25.033000", "121.565400", "不在高雄市範圍內（緯度"),  # Taipei 101: the bounds are named
        ("22.627300", "", "請同時填寫緯度與經度"),
        ("north", "120.3", "請以數字輸入緯度"),
    ],
)
def test_a_wrong_pin_is_refused_with_a_clear_message(client, latitude, longitude, message):
    response = write(client, latitude=latitude, longitude=longitude)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Petition.objects.exists()


def test_the_intake_keeps_the_pin(client, staff):
    client.force_login(staff.amy)
    data = form_data(channel="phone", latitude="22.620000", longitude="120.350000")
    data.pop("website")
    response = client.post(reverse("petitions:intake"), data)
    assert response.status_code == 201
    assert Petition.objects.get().latitude == Decimal("22.620000")


def test_the_csp_lets_the_configured_tiles_load(client, settings):
    policy = client.get(reverse("mailbox:write"))["Content-Security-Policy"]
    assert "https://tile.openstreetmap.org" in policy
