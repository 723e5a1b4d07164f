"""The staff intake for counter, phone, letter and fax petitions."""

import pytest
from django.urls import reverse

from tests.petitions.factories import category, district
from yankao.petitions.models import Channel, Petition

pytestmark = pytest.mark.django_db


def intake_data(**changes):
    data = {
        "channel": Channel.PHONE,
        "category": category("0501").pk,
        "subject": "里民活動中心漏水",
        "content": "鳳山區某里活動中心屋頂漏水。",
        "district": district("fengshan").pk,
        "address": "",
        "name": "王大同",
        "phone": "07-746-1234",
        "email": "",
    }
    data.update(changes)
    return data


def test_an_agent_registers_a_phone_petition_and_gets_the_code_to_read_out(client, staff):
    client.force_login(staff.amy)
    response = client.post(reverse("petitions:intake"), intake_data())
    html = response.content.decode()
    petition = Petition.objects.select_related("item__owner_agency").get()
    assert response.status_code == 201
    assert petition.channel == Channel.PHONE
    assert petition.item.owner_agency.key == "district-fengshan"
    assert petition.petitioner_phone == "07-746-1234"
    assert petition.item.events.get().actor == staff.amy
    assert petition.item.number in html
    assert reverse("petitions:petition", args=[petition.pk]) in html
    assert response["Cache-Control"] == "no-store"


def test_a_handler_registering_for_another_agency_gets_no_link_to_it(client, staff):
    client.force_login(staff.hank)
    response = client.post(reverse("petitions:intake"), intake_data())
    petition = Petition.objects.get()
    assert response.status_code == 201
    assert reverse("petitions:petition", args=[petition.pk]) not in response.content.decode()


def test_an_invalid_phone_is_refused(client, staff):
    client.force_login(staff.amy)
    response = client.post(reverse("petitions:intake"), intake_data(phone="call me"))
    assert response.status_code == 400
    assert Petition.objects.count() == 0


def test_the_mayors_office_viewer_cannot_register_petitions(client, staff):
    client.force_login(staff.mia)
    assert client.get(reverse("petitions:intake")).status_code == 403
    assert client.post(reverse("petitions:intake"), intake_data()).status_code == 403
    assert Petition.objects.count() == 0
