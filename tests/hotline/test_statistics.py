"""Call statistics: SQL aggregates over the stored Taipei day and hour, checked
against a recount in Python from each call's start, on the page and in its files."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import agency
from tests.hotline.factories import call
from yankao.core import clock
from yankao.hotline.models import Call, Language, Outcome
from yankao.hotline.selectors import call_statistics

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")

# Moments either side of midnight in Taipei (16:00 UTC) and of a month's end there.
EDGES = [
    datetime(2026, 10, 31, 15, 59, 30, tzinfo=UTC),  # 31 Oct 23:59 Taipei
    datetime(2026, 10, 31, 16, 0, 0, tzinfo=UTC),  # 1 Nov 00:00 Taipei, still 31 Oct in UTC
    datetime(2026, 11, 1, 0, 30, tzinfo=UTC),  # 1 Nov 08:30 Taipei
    datetime(2026, 11, 1, 15, 59, 59, tzinfo=UTC),  # 1 Nov 23:59 Taipei
    datetime(2026, 9, 30, 16, 0, tzinfo=UTC),  # 1 Oct 00:00 Taipei
    datetime(2026, 9, 30, 15, 0, tzinfo=UTC),  # 30 Sep 23:00 Taipei: before the period
]


def many_calls(agent, rng: random.Random, count: int = 120) -> list[Call]:
    made = []
    transfer = agency("police")
    for n in range(count):
        started = (
            EDGES[n]
            if n < len(EDGES)
            else datetime(2026, 10, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(61 * 86400))
        )
        outcome = rng.choice([Outcome.KNOWLEDGE, Outcome.TRANSFER, Outcome.OTHER])
        made.append(
            call(
                agent,
                started_at=started,
                duration_seconds=rng.randrange(0, 900),
                outcome=outcome,
                language=rng.choice(Language.values),
                transferred_to=transfer if outcome == Outcome.TRANSFER else None,
            )
        )
    return made


def recount(calls: list[Call], start: date, end: date) -> dict:
    local = [(c, c.started_at.astimezone(TAIPEI)) for c in calls]
    inside = [(c, t) for c, t in local if start <= t.date() <= end]
    return {
        "total": len(inside),
        "days": Counter(t.date() for _c, t in inside),
        "months": Counter(t.date().replace(day=1) for _c, t in inside),
        "hours": Counter(t.hour for _c, t in inside),
        "outcomes": Counter(c.outcome for c, _t in inside),
        "languages": Counter(c.language for c, _t in inside),
        "seconds": sum(c.duration_seconds for c, _t in inside),
    }


def test_statistics_agree_with_a_recount_in_taipei_time(staff):
    calls = many_calls(staff.amy, random.Random(7))
    start, end = date(2026, 10, 1), date(2026, 11, 30)
    stats = call_statistics(user=staff.connie, start=start, end=end)
    expected = recount(calls, start, end)
    assert stats.total == expected["total"]
    assert stats.total_seconds == expected["seconds"]
    assert dict(stats.months) == dict(expected["months"])
    assert {d: n for d, n in stats.days if n} == dict(expected["days"])
    assert len(stats.days) == 61
    assert stats.by_hour == [expected["hours"][h] for h in range(24)]
    assert {g.key: g.calls for g in stats.by_outcome if g.calls} == dict(expected["outcomes"])
    assert {g.key: g.calls for g in stats.by_language if g.calls} == dict(expected["languages"])
    assert stats.average_per_month == round(expected["total"] / 2, 1)


def test_midnight_in_taipei_is_counted_in_the_new_day_and_hour_zero(staff):
    for moment in EDGES[:2]:
        call(staff.amy, started_at=moment)
    stats = call_statistics(user=staff.connie, start=date(2026, 10, 31), end=date(2026, 11, 1))
    assert dict(stats.days) == {date(2026, 10, 31): 1, date(2026, 11, 1): 1}
    assert stats.by_hour[23] == 1
    assert stats.by_hour[0] == 1
    assert dict(stats.months) == {date(2026, 10, 1): 1, date(2026, 11, 1): 1}


def test_statistics_show_only_the_calls_in_the_readers_scope(staff):
    call(staff.amy, started_at=EDGES[2])
    # Sue supervises Public Works: the call centre's agents are not hers.
    assert (
        call_statistics(user=staff.sue, start=date(2026, 11, 1), end=date(2026, 11, 1)).total == 0
    )
    assert (
        call_statistics(user=staff.mia, start=date(2026, 11, 1), end=date(2026, 11, 1)).total == 1
    )


def test_the_page_shows_the_figures_and_every_export_carries_them(client, staff):
    many_calls(staff.amy, random.Random(3), count=40)
    client.force_login(staff.connie)
    url = reverse("hotline:statistics")
    params = {"start": "115/10/01", "end": "115/11/30"}
    response = client.get(url, params)
    html = response.content.decode()
    total = call_statistics(
        user=staff.connie, start=date(2026, 10, 1), end=date(2026, 11, 30)
    ).total
    assert response.status_code == 200
    assert f'<dd class="total-calls">{total}</dd>' in html
    assert "<svg" in html and 'aria-hidden="true"' in html  # the bars; the numbers are text
    csv = client.get(url, {**params, "format": "csv"})
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert f",{total}," in text
    assert "23:00–23:59" in text
    for name in ("xlsx", "ods"):
        exported = client.get(url, {**params, "format": name})
        assert exported.status_code == 200
        assert exported.content[:2] == b"PK"
    pdf = client.get(url, {**params, "format": "pdf"})
    assert pdf.status_code in (200, 503)  # 503 says clearly that no CJK font is installed


def test_a_bad_period_is_a_clear_400(client, staff):
    client.force_login(staff.connie)
    url = reverse("hotline:statistics")
    for params in (
        {"start": "115/12/01", "end": "115/11/01"},
        {"start": "114/01/01", "end": "115/11/30"},
        {"start": "not a date"},
        {"month": "2026-13"},
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert 'class="error"' in response.content.decode()


def test_an_unknown_export_format_is_a_clear_400(client, staff):
    client.force_login(staff.connie)
    response = client.get(reverse("hotline:statistics"), {"format": "docx"})
    assert response.status_code == 400


def test_handlers_do_not_see_call_statistics(client, staff):
    client.force_login(staff.hank)
    assert client.get(reverse("hotline:statistics")).status_code == 403


def test_statistics_count_in_a_fixed_number_of_queries(staff, django_assert_num_queries):
    many_calls(staff.amy, random.Random(5), count=30)
    with clock.frozen(datetime(2026, 12, 1, tzinfo=UTC)), django_assert_num_queries(2):
        call_statistics(user=staff.connie, start=date(2026, 1, 1), end=date(2026, 12, 31))
