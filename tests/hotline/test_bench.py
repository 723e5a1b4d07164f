"""bench/hotline_bench.py at a small size: the lead runs it at a million calls."""

from __future__ import annotations

import pytest
from bench.hotline_bench import figures

from yankao.hotline.models import Call

pytestmark = pytest.mark.django_db

KEYS = {"metric", "value", "unit", "database", "items", "target", "runs", "of", "above"}


def test_the_bench_seeds_the_missing_calls_and_measures(staff):
    rows = figures("sqlite", 2000)
    assert Call.objects.count() >= 2000
    assert all(set(row) == KEYS for row in rows)
    metrics = [row["metric"] for row in rows]
    assert any(m.startswith("seed 2,000 calls") for m in metrics)
    assert any("one month" in m for m in metrics)
    assert any("one year" in m for m in metrics)
    assert any("/api/v1/calls" in m for m in metrics)
    assert all(row["value"] > 0 for row in rows if row["unit"] != "s")
    assert all(row["value"] >= 0 for row in rows)
