"""The Open311 bench at a small size: it serves the app with gunicorn against a
database of its own (a fresh SQLite file with a few hundred bulk petitions) and
returns figures the bench table can take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from yankao.calendar.services import calendar_load_shipped
from yankao.organisation.services import city_load
from yankao.petitions.services import petition_reference_load
from yankao.demo.bulk_petitions import bulk_petitions_seed
calendar_load_shipped(); city_load(); petition_reference_load()
bulk_petitions_seed(count=400)
from bench.open311_bench import figures
print(json.dumps(figures("sqlite", 400, seconds=2, requests=5, threads=2)))
"""
KEYS = {"metric", "value", "unit", "database", "items", "target", "runs", "of", "above"}


@pytest.mark.skipif(
    not Path(sys.executable).with_name("gunicorn").exists(), reason="gunicorn is not installed"
)
def test_the_bench_returns_post_and_get_figures_at_a_small_size(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "YANKAO_QUEUE_URL", "YANKAO_SECRET_KEY")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "yankao.settings",
        "YANKAO_DEMO": "1",
        "YANKAO_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(set(row) == KEYS for row in rows)
    by_metric = {row["metric"]: row for row in rows}
    post = next(row for name, row in by_metric.items() if name.startswith("Open311 POST requests"))
    assert post["unit"] == "req/s" and post["value"] > 0 and post["runs"] > 0
    gets = [row for name, row in by_metric.items() if "GET" in name and name.endswith("p95")]
    assert len(gets) == 3
    assert all(row["value"] > 0 and row["database"] == "sqlite" for row in gets)
    sys.stderr.write(json.dumps(rows, ensure_ascii=False, indent=1))
