"""The demo's call log: the city's volume and a call centre's shape."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from yankao.core.taipei import TAIPEI
from yankao.hotline.demo import PER_DAY, calls_seed, calls_seed_for_command
from yankao.hotline.models import Call, Outcome

pytestmark = pytest.mark.django_db

END = date(2026, 10, 31)


def test_calls_follow_the_citys_volume_and_a_call_centres_day():
    made = calls_seed(count=10 * PER_DAY, seed=4, end=END)
    assert made == Call.objects.count() == 10 * PER_DAY
    days = Counter(Call.objects.values_list("day", flat=True))
    assert max(days) == END and len(days) == 10
    hours = Counter(Call.objects.values_list("hour", flat=True))
    assert hours[10] > 5 * hours[3]  # mid-morning against the small hours
    outcomes = Counter(Call.objects.values_list("outcome", flat=True))
    assert outcomes.most_common(1)[0][0] == Outcome.KNOWLEDGE
    assert all(outcomes[o] > 0 for o in Outcome.values)
    assert not Call.objects.filter(outcome=Outcome.TRANSFER, transferred_to=None).exists()
    # A typhoon week: its three days stand well above the others.
    ordinary = sorted(days.values())[: len(days) - 3]
    assert min(sorted(days.values())[-3:]) > 1.5 * max(ordinary)


def test_the_stored_day_and_hour_are_those_of_taipei():
    calls_seed(count=500, seed=2, end=END)
    for call in Call.objects.all()[:200]:
        local = call.started_at.astimezone(TAIPEI)
        assert (call.day, call.hour) == (local.date(), local.hour)


def test_the_same_seed_gives_the_same_log():
    calls_seed(count=300, seed=9, end=END)
    first = list(
        Call.objects.order_by(
            "started_at", "agent__username", "caller_number", "duration_seconds"
        ).values_list("started_at", "outcome")
    )
    Call.objects.all().delete()
    calls_seed(count=300, seed=9, end=END)
    again = list(
        Call.objects.order_by(
            "started_at", "agent__username", "caller_number", "duration_seconds"
        ).values_list("started_at", "outcome")
    )
    assert first == again


def test_seeding_again_without_a_count_adds_nothing_but_a_count_adds_that_many():
    calls_seed(count=100, seed=1, end=END)
    assert calls_seed_for_command(count=None, seed=1) == 0
    assert calls_seed_for_command(count=50, seed=1) == 50
    assert Call.objects.count() == 150
