"""bench/dispatch_bench.py at a small size: the lead runs it at scale."""

from __future__ import annotations

import pytest
from bench.dispatch_bench import figures

from yankao.dispatch.models import Ticket

pytestmark = pytest.mark.django_db

KEYS = {"metric", "value", "unit", "database", "items", "target", "runs", "of", "above"}


def test_the_bench_seeds_the_missing_tickets_and_measures():
    rows = figures("sqlite", 500, creates=20, list_requests=10)
    assert Ticket.objects.count() == 500 + 20
    assert all(set(row) == KEYS for row in rows)
    metrics = [row["metric"] for row in rows]
    assert metrics[0] == "seed 500 tickets (bulk)"
    assert any(m.startswith("ticket statistics by class") for m in metrics)
    assert any(m.startswith("dispatcher list page") for m in metrics)
    assert any(m.startswith("ticket_create in-process") for m in metrics)
    assert all(row["value"] > 0 for row in rows)


def test_the_bench_seeds_nothing_when_there_are_enough_tickets():
    figures("sqlite", 100, creates=5, list_requests=5)
    rows = figures("sqlite", 100, creates=5, list_requests=5)
    assert not any(row["metric"].startswith("seed") for row in rows)
