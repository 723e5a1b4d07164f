"""bench/search_bench.py at a small size: the lead runs it at 100,000 articles and a
million petitions."""

import pytest
from bench.search_bench import COMMON_QUERIES, RARE_QUERIES, figures

from tests.petitions.factories import petition
from yankao.demo.bulk_petitions import bulk_petitions_seed
from yankao.demo.staff import agency_staff_create, staff_create
from yankao.search.models import SearchDocument

pytestmark = pytest.mark.django_db

KEYS = {"metric", "value", "unit", "database", "items", "target", "runs", "above", "of"}


def test_figures_at_a_small_size(db):
    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)
    petition(subject="路燈不亮", content="三民區民族路路燈不亮。")
    bulk_petitions_seed(count=20, seed=4)  # written in bulk: not yet indexed
    rows = figures("sqlite", 20, articles=25)
    assert all(set(row) == KEYS for row in rows)
    metrics = [row["metric"] for row in rows]
    assert "knowledge: write and index 25 articles" in metrics
    assert {"metric": "knowledge: articles in the index", "value": 25}.items() <= next(
        row for row in rows if row["metric"] == "knowledge: articles in the index"
    ).items()
    assert any(m.startswith("search reindex --source petition (21 rows)") for m in metrics)
    searches = [row for row in rows if row["unit"] == "ms"]
    assert len(searches) == 6  # three searches, common and rare words apart
    for row in searches:
        queries = COMMON_QUERIES if row["metric"].endswith("common words") else RARE_QUERIES
        assert row["target"] == 100.0 and row["runs"] == len(queries) * 5
        assert row["value"] >= 0
    assert SearchDocument.objects.filter(source="petition").count() == 21
