"""Monthly counts, checked against an independent recount of the rows, and exported."""

import csv
import io
import random
from collections import Counter
from datetime import date, time

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import Booking, Session
from yankao.legal.report import Grouping, monthly_counts
from yankao.legal.services import (
    booking_cancel,
    booking_outcome_set,
    bookings_release_lapsed,
    session_cancel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(venues, staff, settings):
    """October 2026 at two venues, with bookings worked at random to every outcome,
    a cancelled session, and a session in November that must not count."""
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    rng = random.Random(7)
    sessions = [
        factories.session(venues[key], day=date(2026, 10, d), starts=time(14), ends=time(16))
        for key in ("service-centre", "fengshan")
        for d in (13, 14, 15, 20, 21)
    ]
    for session in sessions:
        for slot in rng.sample(range(4), rng.randint(0, 4)):
            topic = rng.choice(["civil", "family", "labour", "land"])
            booked = factories.booking(session, slot, topic=topic, at=taipei(2026, 10, 1))
            roll = rng.random()
            if roll < 0.2:
                with clock.frozen(taipei(2026, 10, 2)):
                    booking_cancel(booking=booked.booking, by=None)
            elif roll < 0.9:
                status = "no_show" if roll > 0.8 else "attended"
                with clock.frozen(taipei(2026, 10, 30)):
                    booking_outcome_set(booking=booked.booking, status=status, by=staff.amy)
    # Web bookings never confirmed: one released when its hold ran out, one still waiting.
    free = [(s, i) for s in sessions[:-1] for i in range(4) if not s.bookings.filter(slot=i)]
    for (session, slot), at in zip(
        free, (taipei(2026, 10, 1), taipei(2026, 10, 12, 9)), strict=False
    ):
        factories.booking(session, slot, confirm=False, at=at)
    bookings_release_lapsed(now=taipei(2026, 10, 12, 9, 5))
    with clock.frozen(taipei(2026, 10, 1)):
        session_cancel(session=sessions[-1], by=staff.amy, reason="律師請假")
    november = factories.session(venues["qishan"], day=date(2026, 11, 3))
    factories.booking(november, at=taipei(2026, 10, 25))
    return sessions


def _recount(key_of):
    """The counts computed here, from the rows alone, without the report's code."""
    rows = Counter()
    for booking in Booking.objects.select_related("session__venue"):
        if not date(2026, 10, 1) <= booking.session.date <= date(2026, 10, 31):
            continue
        if booking.confirmed_at is None:  # never held a time for a citizen
            continue
        key = key_of(booking)
        rows[(key, "bookings")] += 1
        rows[(key, booking.status)] += 1
    return rows


def test_counts_per_venue_match_a_recount(staff, month):
    counts = monthly_counts(user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31))
    recount = _recount(lambda b: b.session.venue.name)
    assert {row.label for row in counts.rows} == {"研考會聯合服務中心", "鳳山區公所"}
    for row in counts.rows:
        assert row.bookings == recount[(row.label, "bookings")]
        assert row.attended == recount[(row.label, "attended")]
        assert row.no_show == recount[(row.label, "no_show")]
        assert row.cancelled == recount[(row.label, "cancelled")]
        assert row.awaiting == recount[(row.label, "booked")]
        held = Session.objects.filter(venue__name=row.label, date__month=10, status="scheduled")
        assert row.slots == sum(s.slot_count for s in held)
    total = counts.total
    assert total.bookings == sum(v for (k, f), v in recount.items() if f == "bookings")
    assert total.bookings == total.attended + total.no_show + total.cancelled + total.awaiting
    assert total.slots == 9 * 4  # ten sessions of four slots, one cancelled


def test_utilisation_is_bookings_not_cancelled_over_slots(staff, month):
    counts = monthly_counts(user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31))
    for row in [*counts.rows, counts.total]:
        expected = round((row.bookings - row.cancelled) * 100 / row.slots, 1)
        assert float(row.utilisation) == pytest.approx(expected, abs=0.05)


def test_counts_per_topic_match_a_recount(staff, month):
    counts = monthly_counts(
        user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31), group_by=Grouping.TOPIC
    )
    labels = {"civil": "民事", "family": "家事", "labour": "勞資", "land": "土地／不動產"}
    recount = _recount(lambda b: labels[b.topic])
    for row in counts.rows:
        assert (row.bookings, row.attended, row.no_show) == (
            recount[(row.label, "bookings")],
            recount[(row.label, "attended")],
            recount[(row.label, "no_show")],
        )
        assert row.slots is None
    assert counts.total.bookings == sum(row.bookings for row in counts.rows)


def test_a_district_office_sees_only_its_venue(staff, month):
    counts = monthly_counts(user=staff.dora, first=date(2026, 10, 1), last=date(2026, 10, 31))
    assert [row.label for row in counts.rows] == ["鳳山區公所"]


def test_the_counts_page_and_its_files(client, staff, month):
    client.force_login(staff.connie)
    with clock.frozen(taipei(2026, 11, 2)):
        page = client.get(reverse("legal:counts"), {"month": "2026-10"})
        files = {
            fmt: client.get(reverse("legal:counts"), {"month": "2026-10", "format": fmt})
            for fmt in ("csv", "xlsx", "ods", "pdf")
        }
    assert page.status_code == 200
    assert "115年10月" in page.content.decode()
    rows = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"))))
    counts = monthly_counts(user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31))
    total = rows[-1]
    assert total[0] == "合計" and int(total[1]) == counts.total.bookings
    assert files["xlsx"].content[:2] == b"PK" and files["ods"].content[:2] == b"PK"
    assert files["pdf"].status_code in (200, 503)  # 503 only without a CJK font
    for response in files.values():
        assert "attachment" in response.get("Content-Disposition", "attachment")


def test_a_bad_month_is_a_400_not_a_500(client, staff):
    client.force_login(staff.connie)
    assert client.get(reverse("legal:counts"), {"month": "2026-13"}).status_code == 400


@pytest.mark.parametrize("grouping", [Grouping.CHANNEL, Grouping.ADVICE])
def test_every_grouping_partitions_the_bookings(staff, month, grouping):
    counts = monthly_counts(
        user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31), group_by=grouping
    )
    venue_total = monthly_counts(
        user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31)
    ).total
    assert counts.total.bookings == venue_total.bookings == sum(r.bookings for r in counts.rows)
    assert counts.total.attended == venue_total.attended


def test_per_kind_of_advice_the_bookings_without_one_have_their_own_row(staff, month):
    first = Booking.objects.filter(status="attended").order_by("pk").first()
    first.advice = "mediation"
    first.save()
    counts = monthly_counts(
        user=staff.connie, first=date(2026, 10, 1), last=date(2026, 10, 31), group_by="advice"
    )
    rows = {row.label: row for row in counts.rows}
    assert rows["建議調解"].bookings == 1
    assert rows["未記錄諮詢建議"].bookings == counts.total.bookings - 1
