"""bench/legal_bench.py at a small size (the lead runs the large one)."""

from datetime import date

import pytest
from bench.legal_bench import figures, legal_bench_seed, legal_figures

from yankao.legal.models import Booking

pytestmark = pytest.mark.django_db


def test_the_bench_seeds_bookings_and_times_the_three_figures(staff):
    assert legal_bench_seed(count=500, today=date(2026, 11, 26)) == 500
    assert Booking.objects.count() == 500
    figures = legal_figures(user=staff.connie, today=date(2026, 11, 26), runs=1)
    assert [f.metric for f in figures] == [
        "legal: free sessions listing",
        "legal: one booking (service)",
        "legal: monthly counts",
    ]
    assert all(f.seconds > 0 for f in figures)
    assert Booking.objects.count() == 500  # the timed booking was rolled back


def test_the_bench_leaves_slots_already_booked_alone():
    from tests.legal import factories
    from yankao.legal.models import Venue
    from yankao.legal.services import venues_load

    venues_load()
    session = factories.session(Venue.objects.get(key="fengshan"), day=date(2026, 11, 3))
    factories.booking(session, 0, at=factories.NOW)
    made = legal_bench_seed(count=100_000, today=date(2026, 11, 26))
    assert Booking.objects.count() == made + 1


def test_the_rows_have_the_keys_of_the_bench_table(staff):
    from bench.run import Figure

    rows = figures("sqlite", 200)
    assert Booking.objects.count() == 200
    table = [Figure(**row) for row in rows]
    assert [(f.unit, f.items, f.runs) for f in table] == [("ms", 200, 5)] * 3
    assert all(f.value > 0 and f.target for f in table)
