"""Performance figures of legal consultations: a year of sessions at the four venues
with `count` bookings written in bulk, then the public listing, one booking through
the service, and the monthly counts, timed in-process.

Call `figures(database, bookings)` from bench/run.py's worker, with Django set up and
the database migrated and the city loaded; each figure is a dict with the keys of
run.Figure, like the other modules of bench/.

The city's volume is about 1,000 bookings a month (7,225 in seven months), so
100,000 bookings is decades of work; the figures show the pages do not grow with it.
"""

from __future__ import annotations

import random
import time as monotonic
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from yankao.core import clock
from yankao.core.codes import LEGAL_BOOKING
from yankao.core.taipei import TAIPEI
from yankao.legal import services
from yankao.legal.models import Booking, BookingStatus, Session, Topic, Venue
from yankao.legal.report import monthly_counts
from yankao.legal.selectors import sessions_bookable


@dataclass(frozen=True)
class LegalFigure:
    metric: str
    seconds: float
    target: float
    runs: int


def legal_bench_seed(*, count: int, today: date, seed: int = 1) -> int:
    """A rota from a year before `today` to four weeks after, two desks at the centre
    every working afternoon, and `count` bookings spread over its past slots, written
    in bulk (not through the service: this is volume, not behaviour)."""
    rng = random.Random(seed)
    services.venues_load()
    first, last = today - timedelta(days=365), today + timedelta(days=28)
    made_at = datetime.combine(first, time(8), tzinfo=TAIPEI)
    halves = [(first, today), (today + timedelta(days=1), last)]  # a rota is at most a year
    with clock.frozen(made_at):
        for venue in Venue.objects.all():
            for start, end in halves:
                services.rota_generate(
                    venue=venue,
                    first=start,
                    last=end,
                    weekdays={0, 1, 2, 3, 4},
                    starts_at=time(14),
                    ends_at=time(17),
                    lawyers=[],
                    desks=4,
                    by=None,
                )
    past = list(Session.objects.filter(date__lt=today).values_list("pk", "slot_count", "date"))
    held = set(
        Booking.objects.exclude(status=BookingStatus.CANCELLED).values_list("session_id", "slot")
    )  # the demo city may have booked some already
    slots = [(pk, i, day) for pk, n, day in past for i in range(n) if (pk, i) not in held]
    rng.shuffle(slots)
    digest = LEGAL_BOOKING.digest("BENCHBENCH")
    topics, statuses = Topic.values, [BookingStatus.ATTENDED] * 9 + [BookingStatus.NO_SHOW]
    first_number = Booking.objects.filter(number__startswith="B").count()  # a second run
    rows = []
    for number, (pk, index, day) in enumerate(slots[:count]):
        at = datetime.combine(day - timedelta(days=3), time(10), tzinfo=TAIPEI)
        rows.append(
            Booking(
                number=f"B{first_number + number:09d}",
                session_id=pk,
                slot=index,
                status=rng.choice(statuses),
                channel="web",
                topic=rng.choice(topics),
                question="基準測試",
                citizen_name="測試",
                citizen_phone=f"09{number:08d}",
                phone_digits=f"09{number:08d}",
                code_digest=digest,
                consent_at=at,
                booked_at=at,
                confirmed_at=at,
            )
        )
    with transaction.atomic():
        Booking.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _free_slot(today: date) -> tuple[Session | None, int]:
    """A session after today with a slot nobody holds, for the timed booking."""
    held = set(
        Booking.objects.filter(session__date__gt=today)
        .exclude(status=BookingStatus.CANCELLED)
        .values_list("session_id", "slot")
    )
    for session in Session.objects.filter(date__gt=today, status="scheduled").order_by("date"):
        for index in range(session.slot_count):
            if (session.pk, index) not in held:
                return session, index
    return None, 0


def _median(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = monotonic.perf_counter()
        action()
        times.append(monotonic.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def legal_figures(*, user: object, today: date, runs: int = 5) -> list[LegalFigure]:
    """Median seconds of: the public listing of free sessions, one booking through
    the service (rolled back), and one month's counts per venue."""
    now = datetime.combine(today, time(9), tzinfo=TAIPEI)
    upcoming, free_slot = _free_slot(today)
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - timedelta(days=1)

    def listing() -> object:
        with clock.frozen(now):
            return sessions_bookable()

    counter = iter(range(10**9))

    def booking() -> object:
        assert upcoming is not None
        with clock.frozen(now), transaction.atomic():
            services.booking_create(
                session=upcoming,
                slot=free_slot,
                name="測試",
                phone=f"07-{next(counter):07d}",
                email="bench@example.org",  # the confirmation code goes there
                topic="civil",
                question="基準測試",
                consent=True,
            )
            transaction.set_rollback(True)
        return None

    def counts() -> object:
        return monthly_counts(user=user, first=month, last=month_end)  # type: ignore[arg-type]

    return [
        LegalFigure("legal: free sessions listing", _median(listing, runs), 0.2, runs),
        LegalFigure("legal: one booking (service)", _median(booking, runs), 0.05, runs),
        LegalFigure("legal: monthly counts", _median(counts, runs), 1.0, runs),
    ]


def figures(database: str, bookings: int) -> list[dict[str, Any]]:
    """Seed `bookings` bookings over the past year, then time the three figures, in
    milliseconds as the other rows of the table."""
    from yankao.accounts.models import User

    today = clock.now().astimezone(TAIPEI).date()
    legal_bench_seed(count=bookings, today=today)
    agent = User.objects.filter(role="agent", is_active=True).order_by("pk").first()
    return [
        {
            "metric": figure.metric,
            "value": round(figure.seconds * 1000, 1),
            "unit": "ms",
            "database": database,
            "items": bookings,
            "target": round(figure.target * 1000, 1),
            "runs": figure.runs,
        }
        for figure in legal_figures(user=agent, today=today)
    ]
