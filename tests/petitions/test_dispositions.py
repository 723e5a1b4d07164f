"""Petitions that may be left unhandled (要點 第14點) are still registered, and closed
with the reason."""

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.petitions.factories import THURSDAY, petition
from yankao.core import clock
from yankao.petitions.models import Disposition, Petition
from yankao.petitions.services import PetitionError, petition_close_unhandled
from yankao.tracking.models import Action, Outcome, Status
from yankao.tracking.services import item_accept, item_submit_reply

pytestmark = pytest.mark.django_db


def closing_reason(petition_obj):
    return petition_obj.item.events.get(action=Action.CLOSE).reason


def test_a_normal_petition_is_open_with_the_responsible_agency():
    registered = petition()
    item = registered.petition.item
    assert registered.petition.disposition == Disposition.NORMAL
    assert item.status == Status.ASSIGNED
    assert item.owner_agency.key == "pw-maintenance"


def test_a_petition_without_concrete_content_is_registered_and_closed_at_once():
    registered = petition(content=" 。。。！？ \n")
    item = registered.petition.item
    assert item.number == "1151126-000001"
    assert registered.petition.disposition == Disposition.NO_CONTENT
    assert item.status == Status.CLOSED
    assert item.closed_at == THURSDAY
    assert item.outcome == Outcome.ON_TIME
    assert "陳情無具體內容" in closing_reason(registered.petition)


def test_a_petition_without_any_contact_is_registered_and_closed_at_once():
    registered = petition(petitioner_name="", petitioner_email="", petitioner_phone="")
    assert registered.petition.disposition == Disposition.NO_IDENTITY
    assert registered.petition.item.status == Status.CLOSED
    assert Petition.objects.count() == 1


def test_an_anonymous_petition_with_a_phone_is_handled_normally_without_a_name():
    registered = petition(anonymous=True, petitioner_email="")
    assert registered.petition.disposition == Disposition.NORMAL
    assert registered.petition.petitioner_name == ""
    assert registered.petition.item.status == Status.ASSIGNED


def answered(staff):
    earlier = petition().petition
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=earlier.item, by=staff.holly)
        item_submit_reply(item=earlier.item, by=staff.holly, reply="已修復。")
    earlier.refresh_from_db()
    return earlier


def test_a_repeat_is_closed_with_the_earlier_cases_number_and_reply_date(staff):
    earlier = answered(staff)
    repeat = petition(received_at=taipei(2026, 11, 30, 10)).petition
    with clock.frozen(taipei(2026, 11, 30, 14)):
        petition_close_unhandled(
            petition=repeat, disposition=Disposition.REPEAT, repeat_of=earlier, by=staff.holly
        )
    repeat.refresh_from_db()
    assert repeat.disposition == Disposition.REPEAT
    assert repeat.repeat_of == earlier
    assert repeat.item.status == Status.CLOSED
    assert "1151126-000001" in closing_reason(repeat)
    assert "115/11/27" in closing_reason(repeat)


def test_a_repeat_of_a_petition_not_yet_answered_is_refused(staff):
    earlier = petition().petition
    repeat = petition().petition
    with pytest.raises(PetitionError):
        petition_close_unhandled(
            petition=repeat, disposition=Disposition.REPEAT, repeat_of=earlier, by=staff.holly
        )
    repeat.refresh_from_db()
    assert repeat.item.status == Status.ASSIGNED
    assert repeat.disposition == Disposition.NORMAL


def test_a_petition_this_agency_is_not_competent_for_is_closed_with_that_reason(staff):
    registered = petition().petition
    petition_close_unhandled(
        petition=registered, disposition=Disposition.NOT_COMPETENT, by=staff.holly
    )
    registered.refresh_from_db()
    assert registered.item.status == Status.CLOSED
    assert "本機關非主管機關" in closing_reason(registered)


def test_a_handler_closes_a_repeat_from_the_petition_page_by_case_number(client, staff):
    earlier = answered(staff)
    repeat = petition(received_at=taipei(2026, 11, 30, 10)).petition
    client.force_login(staff.holly)
    url = reverse("petitions:close-unhandled", args=[repeat.pk])
    data = {"version": repeat.item.version, "disposition": "repeat", "repeat_of": "1151126-000001"}
    response = client.post(url, data)
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.repeat_of == earlier
    assert repeat.item.status == Status.CLOSED


def test_a_commission_controller_cannot_close_a_petition_as_unhandled(client, staff):
    registered = petition().petition
    client.force_login(staff.connie)
    url = reverse("petitions:close-unhandled", args=[registered.pk])
    data = {"version": registered.item.version, "disposition": "no_content"}
    assert client.post(url, data).status_code == 403
    registered.refresh_from_db()
    assert registered.item.status == Status.ASSIGNED
