"""The key settings as the environment gives them: fallbacks read as lists, and a
codes key's fallbacks refused without a codes key (they would be ignored)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "import yankao.settings as s; "
    "print(repr((s.SECRET_KEY_FALLBACKS, s.CODES_KEY, s.CODES_KEY_FALLBACKS)))"
)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YANKAO_")}
    clean |= {"YANKAO_SECRET_KEY": "k" * 50, "YANKAO_QUEUE_URL": "immediate", **env}
    return subprocess.run(
        [sys.executable, "-c", READ], env=clean, cwd=ROOT, capture_output=True, text=True
    )


def test_fallback_keys_are_read_from_comma_separated_lists():
    done = _settings(
        YANKAO_SECRET_KEY_FALLBACKS="old-one, older-one",
        YANKAO_CODES_KEY="codes-now",
        YANKAO_CODES_KEY_FALLBACKS="codes-before",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr((["old-one", "older-one"], "codes-now", ["codes-before"]))


def test_codes_key_fallbacks_without_a_codes_key_stop_start_up():
    done = _settings(YANKAO_CODES_KEY_FALLBACKS="codes-before")
    assert done.returncode != 0
    assert "YANKAO_CODES_KEY_FALLBACKS" in done.stderr
