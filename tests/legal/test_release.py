"""The desk sees the bookings still waiting for their code and frees their slots, and
frees the slot of a confirmed citizen who has not come, for a walk-in. Every release
keeps when, by whom and why (ADR 0022)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import BookingStatus, ReleaseReason
from yankao.legal.selectors import session_slots
from yankao.legal.services import LegalError, booking_outcome_set, booking_release

pytestmark = pytest.mark.django_db

STARTED = taipei(2026, 11, 10, 14, 10)  # ten minutes into the first slot


@pytest.fixture
def session(centre, lawyers):
    return factories.session(centre, lawyer=lawyers[0])


@pytest.fixture
def waiting(session):
    return factories.booking(session, 1, confirm=False, email="wait@example.org")


def _free(session, now, public=True):
    return [s.index for s in session_slots(session, now=now, public=public) if s.free]


def test_the_desk_sees_a_waiting_booking_and_until_when_it_holds(client, staff, session, waiting):
    client.force_login(staff.amy)
    with clock.frozen(factories.NOW):
        page = client.get(reverse("legal:sheet", args=[session.pk])).content.decode()
        desk = client.get(reverse("legal:desk")).content.decode()
    assert waiting.booking.number in page
    assert "待確認" in page and "保留至 09:20" in page
    assert reverse("legal:booking-release", args=[session.pk, waiting.booking.pk]) in page
    assert "1 筆待確認" in desk


def test_the_desk_releases_a_waiting_booking_and_the_release_is_recorded(
    client, staff, session, waiting
):
    client.force_login(staff.amy)
    url = reverse("legal:booking-release", args=[session.pk, waiting.booking.pk])
    with clock.frozen(factories.NOW + timedelta(minutes=3)):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "的時段已釋出" in response.content.decode()
    booking = factories.refresh(waiting.booking)
    assert booking.status == BookingStatus.CANCELLED
    assert (booking.released_by, booking.release_reason) == (staff.amy, ReleaseReason.DESK)
    assert booking.released_at == factories.NOW + timedelta(minutes=3)
    assert _free(session, factories.NOW + timedelta(minutes=4)) == [0, 1, 2, 3]
    with clock.frozen(factories.NOW + timedelta(minutes=4)):
        sheet = client.get(reverse("legal:sheet", args=[session.pk])).content.decode()
    assert "櫃檯釋出：未確認" in sheet  # the sheet shows the release and who made it


def test_a_confirmed_booking_is_not_released_before_its_time(staff, session):
    booked = factories.booking(session, 0)
    with clock.frozen(factories.NOW), pytest.raises(LegalError, match="取消"):
        booking_release(booking=booked.booking, by=staff.amy)
    assert factories.refresh(booked.booking).status == BookingStatus.BOOKED


def test_a_citizen_who_has_not_come_frees_the_slot_for_a_walk_in(client, staff, session):
    booked = factories.booking(session, 0)
    assert 0 not in _free(session, STARTED, public=False)
    client.force_login(staff.amy)
    url = reverse("legal:booking-release", args=[session.pk, booked.booking.pk])
    with clock.frozen(STARTED):
        client.post(url)
    booking = factories.refresh(booked.booking)
    assert booking.status == BookingStatus.NO_SHOW  # counted as did not come
    assert (booking.released_by, booking.release_reason) == (staff.amy, ReleaseReason.NO_SHOW)
    assert booking.outcome_by == staff.amy
    assert 0 in _free(session, STARTED, public=False)
    walk_in = factories.booking(session, 0, by=staff.amy, at=STARTED)
    assert factories.refresh(walk_in.booking).status == BookingStatus.BOOKED


def test_a_recorded_no_show_may_be_released_once(staff, session):
    booked = factories.booking(session, 0)
    with clock.frozen(STARTED):
        booking_outcome_set(booking=booked.booking, status="no_show", by=staff.amy)
        booking_release(booking=booked.booking, by=staff.amy)
        with pytest.raises(LegalError):
            booking_release(booking=booked.booking, by=staff.amy)


def test_an_attended_booking_is_not_released(staff, session):
    booked = factories.booking(session, 0)
    with clock.frozen(STARTED):
        booking_outcome_set(booking=booked.booking, status="attended", by=staff.amy)
        with pytest.raises(LegalError):
            booking_release(booking=booked.booking, by=staff.amy)


def test_a_waiting_booking_gets_no_outcome(staff, session, waiting):
    with clock.frozen(taipei(2026, 11, 10, 14, 40)), pytest.raises(LegalError, match="確認"):
        booking_outcome_set(booking=waiting.booking, status="attended", by=staff.amy)


def test_a_handler_of_another_agency_cannot_release(client, staff, session, waiting):
    client.force_login(staff.hank)
    url = reverse("legal:booking-release", args=[session.pk, waiting.booking.pk])
    assert client.post(url).status_code == 403
    assert factories.refresh(waiting.booking).status == BookingStatus.PENDING


def test_releasing_needs_a_post(client, staff, session, waiting):
    client.force_login(staff.amy)
    url = reverse("legal:booking-release", args=[session.pk, waiting.booking.pk])
    assert client.get(url).status_code == 405
    assert factories.refresh(waiting.booking).status == BookingStatus.PENDING
