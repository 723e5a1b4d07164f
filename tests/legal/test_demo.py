"""The demo's consultations: a rota around today on working days only, bookings
worked to every outcome, repeatable for a seed."""

from datetime import timedelta

import pytest

from tests.factories import taipei
from yankao.calendar.services import is_working_day
from yankao.demo.staff import staff_create
from yankao.legal.demo import legal_seed
from yankao.legal.models import Booking, BookingStatus, ReleaseReason, Session

pytestmark = pytest.mark.django_db
NOW = taipei(2026, 11, 26, 10)


def test_the_demo_rota_spans_three_months_back_and_four_weeks_ahead_on_working_days():
    staff_create(demo_passwords=False)
    assert legal_seed(bookings=150, seed=3, now=NOW) == 150
    days = set(Session.objects.values_list("date", flat=True))
    assert min(days) <= (NOW - timedelta(days=85)).date()
    assert max(days) >= (NOW + timedelta(days=21)).date()
    assert all(is_working_day(day) for day in days)
    assert Session.objects.values("venue").distinct().count() == 4


def test_the_demo_bookings_reach_every_outcome_with_a_few_no_shows():
    staff_create(demo_passwords=False)
    legal_seed(bookings=300, seed=5, now=NOW)
    statuses = {
        status: Booking.objects.filter(status=status).count() for status in BookingStatus.values
    }
    assert all(statuses.values()), statuses
    held = statuses["attended"] + statuses["no_show"]
    assert 0.02 < statuses["no_show"] / held < 0.16
    for booking in Booking.objects.filter(status=BookingStatus.BOOKED).select_related("session"):
        assert booking.ends > NOW  # nothing in the past is left without an outcome
    assert Booking.objects.exclude(advice="").filter(status="attended").exists()


def test_the_same_seed_gives_the_same_bookings():
    staff_create(demo_passwords=False)
    legal_seed(bookings=40, seed=9, now=NOW)
    first = list(Booking.objects.order_by("pk").values_list("citizen_name", "slot", "status"))
    Booking.objects.all().delete()
    Session.objects.all().delete()
    legal_seed(bookings=40, seed=9, now=NOW)
    again = list(Booking.objects.order_by("pk").values_list("citizen_name", "slot", "status"))
    assert first == again


def test_the_demo_shows_bookings_waiting_for_their_code_and_ones_never_confirmed():
    staff_create(demo_passwords=False)
    legal_seed(bookings=300, seed=5, now=NOW)
    waiting = Booking.objects.filter(status=BookingStatus.PENDING)
    assert waiting.exists()
    assert all(booking.is_waiting(NOW) for booking in waiting)  # they hold their slot now
    released = Booking.objects.filter(release_reason=ReleaseReason.EXPIRED)
    assert released.exists() and not released.exclude(status=BookingStatus.CANCELLED).exists()
    confirmed_on_the_web = Booking.objects.filter(channel="web", status="booked")
    assert confirmed_on_the_web.exists()
    assert not confirmed_on_the_web.filter(confirmed_at__isnull=True).exists()
