"""The programme settings fail loudly at start-up on values that make no sense."""

import os
import subprocess
import sys

import pytest


def start(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "YANKAO_SECRET_KEY": "x", **env}
    return subprocess.run(
        [sys.executable, "-c", "import yankao.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_defaults_start():
    assert start().returncode == 0


@pytest.mark.parametrize(
    "env, named",
    [
        ({"YANKAO_PROGRAMME_REPORT_DAY": "31"}, "YANKAO_PROGRAMME_REPORT_DAY"),
        ({"YANKAO_PROGRAMME_GAP_YELLOW": "12"}, "GAP_RED"),
        ({"YANKAO_PROGRAMME_EXECUTION_RED": "90"}, "EXECUTION_YELLOW"),
        ({"YANKAO_PROGRAMME_MILESTONE_RED_DAYS": "0"}, "MILESTONE_RED_DAYS"),
    ],
)
def test_a_senseless_value_stops_start_up_naming_the_setting(env, named):
    started = start(**env)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and named in started.stderr
