"""Limits of open bookings (ADR 0022): per phone number, per e-mail address and per
network address, so one address cannot book every free slot with made-up phone
numbers. The address is counted by a keyed digest, never stored."""

import threading
from datetime import date, time, timedelta

import pytest
from django.db import connection

from tests.legal import factories
from yankao.core import clock
from yankao.core.ratelimits import network_digest, network_of
from yankao.legal.models import Booking, BookingStatus
from yankao.legal.services import LimitReached, booking_cancel, booking_create, email_key

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture
def sessions(centre, settings):
    """Eight sessions of four slots on the days ahead; the monthly limit per phone
    is off, so only the new limits are at work."""
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    days = [factories.TUESDAY + timedelta(days=n) for n in (0, 1, 2, 3, 6, 7, 8, 9)]
    return [factories.session(centre, day=day) for day in days]


def _slots(sessions):
    return [(session, slot) for session in sessions for slot in range(session.slot_count)]


def test_one_address_booking_every_slot_with_random_phones_is_stopped_at_the_limit(sessions):
    made, refused = [], []
    for n, (session, slot) in enumerate(_slots(sessions)):
        try:
            booked = factories.booking(
                session, slot, phone=f"09{n:02d}-{n * 7 % 1000:03d}-{n:03d}", client_address=ADDRESS
            )
        except LimitReached as error:
            refused.append(error)
        else:
            made.append(booked)
    assert len(made) == 3  # YANKAO_LEGAL_OPEN_PER_ADDRESS
    assert len(refused) == 32 - 3
    assert {error.per for error in refused} == {"address"}
    assert "網路連線" in str(refused[0])


def test_waiting_bookings_count_toward_the_address_limit_while_they_hold(sessions):
    for slot in range(3):
        factories.booking(sessions[0], slot, confirm=False, client_address=ADDRESS)
    with pytest.raises(LimitReached):
        factories.booking(sessions[1], 0, confirm=False, client_address=ADDRESS)
    later = factories.NOW + timedelta(minutes=21)  # the three holds have run out
    booked = factories.booking(sessions[1], 0, confirm=False, client_address=ADDRESS, at=later)
    assert booked.booking.status == BookingStatus.PENDING


def test_a_cancelled_booking_frees_its_place_under_the_limit(sessions):
    first = [factories.booking(sessions[0], slot, client_address=ADDRESS) for slot in range(3)]
    with clock.frozen(factories.NOW):
        booking_cancel(booking=first[0].booking, by=None)
    factories.booking(sessions[1], 0, client_address=ADDRESS)


def test_other_addresses_are_not_limited_by_one(sessions):
    for slot in range(3):
        factories.booking(sessions[0], slot, client_address=ADDRESS)
    factories.booking(sessions[1], 0, client_address="198.51.100.9")


def test_an_ipv6_household_is_one_address(sessions):
    for slot in range(3):
        factories.booking(sessions[0], slot, client_address=f"2001:db8:1:2::{slot + 1}")
    with pytest.raises(LimitReached):
        factories.booking(sessions[1], 0, client_address="2001:db8:1:2:ffff::9")
    factories.booking(sessions[1], 0, client_address="2001:db8:1:3::1")  # another /64


def test_the_address_is_kept_only_as_a_keyed_digest(sessions):
    booked = factories.booking(sessions[0], 0, client_address=ADDRESS)
    booking = factories.refresh(booked.booking)
    assert booking.address_digest == network_digest(ADDRESS, purpose="legal-booking")
    stored = " ".join(
        str(value) for value in Booking.objects.filter(pk=booking.pk).values()[0].values()
    )
    assert ADDRESS not in stored and "203.0.113" not in stored


def test_network_of_reads_an_ipv4_mapped_address_as_ipv4():
    assert network_of("::ffff:203.0.113.7") == ADDRESS
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::"


def test_the_desk_is_not_limited_by_its_own_address(sessions, staff):
    for n, (session, slot) in enumerate(_slots(sessions)[:5]):
        booking_made = factories.booking(
            session, slot, phone=f"0933-000-{n:03d}", by=staff.amy, client_address=ADDRESS
        )
        assert booking_made.booking.address_digest == ""


def test_one_phone_number_holds_at_most_two_bookings_to_come(sessions):
    factories.booking(sessions[0], 0, phone="0912-345-678")
    factories.booking(sessions[4], 0, phone="0912 345 678")
    with pytest.raises(LimitReached, match="這支電話") as raised:
        factories.booking(sessions[5], 0, phone="+886 912 345 678")
    assert raised.value.per == "phone"


def test_past_bookings_do_not_count_as_to_come(centre, settings):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    past = [factories.session(centre, day=date(2026, 10, d)) for d in (6, 7)]
    for session in past:
        factories.booking(session, 0, phone="0912-345-678", at=factories.NOW - timedelta(days=30))
    factories.booking(factories.session(centre), 0, phone="0912-345-678")


def test_one_e_mail_address_holds_at_most_two_bookings_to_come_however_written(sessions):
    factories.booking(sessions[0], 0, email="Mei.Lin@Example.org")
    factories.booking(sessions[1], 0, email="mei.lin+legal@example.org")
    with pytest.raises(LimitReached, match="電子郵件") as raised:
        factories.booking(sessions[2], 0, email=" MEI.LIN@example.ORG ")
    assert raised.value.per == "email"
    assert email_key("Mei.Lin+x@Example.ORG") == "mei.lin@example.org"


def test_the_limits_are_settings_and_0_turns_them_off(sessions, settings):
    settings.YANKAO_LEGAL_OPEN_PER_ADDRESS = 0
    settings.YANKAO_LEGAL_OPEN_PER_CONTACT = 0
    for slot in range(4):
        factories.booking(sessions[0], slot, phone="0912-345-678", client_address=ADDRESS)
    assert Booking.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_from_one_address_stop_at_the_limit(settings, monkeypatch):
    """Eight requests from one address at the same instant, each for another session
    at one of the four venues: the limit holds (PostgreSQL, real threads; on
    SQLite writers queue anyway). Each request lingers after counting, as a slow one
    would, so that without a lock all eight would count none and book."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL suite (DATABASE_URL=postgres://…)")
    import time as clock_time

    from yankao.legal import services
    from yankao.legal.models import Venue
    from yankao.legal.services import venues_load
    from yankao.organisation.services import city_load

    counted = services._check_open

    def counted_slowly(**kwargs):
        counted(**kwargs)
        clock_time.sleep(0.3)

    monkeypatch.setattr(services, "_check_open", counted_slowly)

    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    city_load()
    venues_load()
    # Across the four venues: booking locks a session with its venue's row, which
    # already makes the bookings of one venue take turns.
    venues = list(Venue.objects.order_by("key"))
    sessions = [
        factories.session(
            venues[n % 4], day=factories.TUESDAY, starts=time(9 + n), ends=time(10 + n)
        )
        for n in range(8)
    ]
    start = threading.Barrier(8)
    won: list[str] = []
    refused: list[LimitReached] = []
    errors: list[BaseException] = []

    def book(n: int) -> None:
        try:
            start.wait()
            with clock.frozen(factories.NOW):
                booked = booking_create(
                    session=sessions[n],
                    slot=0,
                    name=f"市民{n}",
                    phone=f"0912-000-{n:03d}",
                    email=f"citizen{n}@example.org",
                    topic="civil",
                    question="同時預約",
                    consent=True,
                    client_address=ADDRESS,
                )
            won.append(booked.booking.number)
        except LimitReached as error:
            refused.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 3 and len(refused) == 5


def test_a_citizen_address_gets_a_limited_number_of_codes_an_hour(sessions, settings):
    """Codes go to whatever address was typed: one address gets at most
    CONFIRMATIONS_PER_HOUR of them, and a booking whose code cannot be sent is not
    made (it could never be confirmed)."""
    settings.CONFIRMATIONS_PER_HOUR = 2
    settings.YANKAO_LEGAL_OPEN_PER_CONTACT = 0
    for n in range(2):
        factories.booking(sessions[n], 0, email="victim@example.org", confirm=False)
    with pytest.raises(LimitReached, match="一小時") as raised:
        factories.booking(sessions[2], 0, email="Victim+x@example.org", confirm=False)
    assert raised.value.per == "recipient"
    assert Booking.objects.count() == 2
    later = factories.NOW + timedelta(hours=1)
    factories.booking(sessions[2], 0, email="victim@example.org", confirm=False, at=later)


def test_a_phone_gets_a_limited_number_of_codes_an_hour(sessions, settings):
    settings.YANKAO_SMS_GATEWAY = "tests.legal.test_reminders.fake_gateway"
    settings.CONFIRMATIONS_PER_HOUR = 1
    settings.YANKAO_LEGAL_OPEN_PER_CONTACT = 0
    factories.booking(sessions[0], 0, phone="0912-345-678", email="", confirm=False)
    with pytest.raises(LimitReached):
        factories.booking(sessions[1], 0, phone="+886 912 345 678", email="", confirm=False)
