"""Who finds a petition at all: the same scope as its tracked item."""

import pytest
from django.urls import reverse

from tests.petitions.factories import petition

pytestmark = pytest.mark.django_db


def test_a_handler_of_another_agency_gets_not_found(client, staff):
    registered = petition()
    client.force_login(staff.dora)
    assert (
        client.get(reverse("petitions:petition", args=[registered.petition.pk])).status_code == 404
    )
    url = reverse("petitions:personal-data", args=[registered.petition.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_a_handler_of_the_parent_bureau_does_not_see_a_sub_agencys_petition(client, staff):
    registered = petition()
    client.force_login(staff.hank)
    assert (
        client.get(reverse("petitions:petition", args=[registered.petition.pk])).status_code == 404
    )


def test_the_petition_page_shows_the_facts_above_the_engine_content(client, staff):
    registered = petition(content="<script>alert(1)</script> 路燈壞了")
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[registered.petition.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert html.index("路燈壞了") < html.index('id="history-h"')
    assert reverse("tracking:item-action", args=[registered.petition.pk, "accept"]) in html


def test_the_petition_page_needs_a_sign_in(client):
    registered = petition()
    response = client.get(reverse("petitions:petition", args=[registered.petition.pk]))
    assert response.status_code == 302
