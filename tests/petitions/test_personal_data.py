"""Personal data on the petition page: masked by default, shown to those who need
it after an explicit action, and every such look logged."""

import pytest
from django.urls import reverse

from tests.petitions.factories import petition
from yankao.petitions.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def page(client, user, registered):
    client.force_login(user)
    return client.get(reverse("petitions:petition", args=[registered.petition.pk]))


def show(client, user, registered, reason="回電說明處理情形"):
    client.force_login(user)
    url = reverse("petitions:personal-data", args=[registered.petition.pk])
    return client.post(url, {"reason": reason})


def test_the_petition_page_shows_masks_and_never_the_data(client, staff):
    html = page(client, staff.holly, petition()).content.decode()
    assert "李○明" in html and "m○○○@example.com" in html and "09xx-xxx-123" in html
    assert "李小明" not in html and "ming@example.com" not in html and "345-123" not in html
    assert PersonalDataAccess.objects.count() == 0


def test_the_owning_handler_sees_the_data_after_asking_and_the_look_is_logged(client, staff):
    registered = petition()
    response = show(client, staff.holly, registered)
    html = response.content.decode()
    assert response.status_code == 200
    assert "李小明" in html and "ming@example.com" in html and "0912-345-123" in html
    assert response["Cache-Control"] == "no-store"
    access = PersonalDataAccess.objects.get()
    assert access.user == staff.holly
    assert access.petition == registered.petition
    assert access.reason == "回電說明處理情形"
    assert access.where == "staff-page"


def test_the_supervisor_of_the_parent_agency_may_also_see_the_data(client, staff):
    assert show(client, staff.sue, petition()).status_code == 200
    assert PersonalDataAccess.objects.filter(user=staff.sue).count() == 1


def test_a_1999_agent_may_see_the_data(client, staff):
    assert show(client, staff.amy, petition()).status_code == 200
    assert PersonalDataAccess.objects.filter(user=staff.amy).count() == 1


def test_a_commission_controller_sees_the_petition_but_not_the_data(client, staff):
    registered = petition()
    html = page(client, staff.connie, registered).content.decode()
    assert "李○明" in html
    assert reverse("petitions:personal-data", args=[registered.petition.pk]) not in html
    response = show(client, staff.connie, registered)
    assert response.status_code == 403
    assert "李小明" not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_asking_without_a_reason_shows_nothing_and_logs_nothing(client, staff):
    response = show(client, staff.holly, petition(), reason="")
    assert response.status_code == 400
    assert "李小明" not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_showing_the_data_needs_a_post(client, staff):
    registered = petition()
    client.force_login(staff.holly)
    url = reverse("petitions:personal-data", args=[registered.petition.pk])
    assert client.get(url).status_code == 405
