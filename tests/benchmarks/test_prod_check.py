"""The pieces of `make prod-check` that can be checked without restarting the
machine's PostgreSQL: the configurations it starts nginx and gunicorn with (the
production ones), and its verdict."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bench import prod_check

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def good() -> dict:
    return {
        "acknowledged": 1313,
        "lost": 0,
        "duplicated": 0,
        "failed_intakes": 0,
        "unclean_failures": 0,
        "recovery_seconds": 4.4,
        "back_after_postgres_seconds": 1.2,
    }


@pytest.mark.skipif(NGINX is None and not os.environ.get("CI"), reason="Debian's nginx is missing")
def test_nginx_accepts_the_configuration_with_productions_locations(tmp_path):
    assert NGINX is not None, "CI installs nginx (scripts/install-system-packages.sh)"
    data = tmp_path / "data"
    data.mkdir()
    conf = prod_check.nginx_config(tmp_path / "nginx", data, upstream=8001, port=8002)
    assert str(prod_check.LOCATIONS) in conf.read_text()
    done = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_gunicorn_accepts_the_production_configuration():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    done = subprocess.run(
        [str(gunicorn), "--check-config", "--config", str(prod_check.GUNICORN_CONFIG)],
        env={**os.environ, "YANKAO_SECRET_KEY": "check-only", "YANKAO_LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_check_passes_with_nothing_lost_duplicated_or_unclean():
    assert prod_check.passed(good())


@pytest.mark.parametrize(
    ("figure", "value"),
    [
        ("lost", 1),
        ("duplicated", 1),
        ("failed_intakes", 1),
        ("unclean_failures", 1),
        ("acknowledged", 0),
        ("back_after_postgres_seconds", prod_check.RECOVERY_TARGET),
    ],
)
def test_the_check_fails_on_any_loss_duplicate_unclean_answer_or_slow_recovery(figure, value):
    assert not prod_check.passed({**good(), figure: value})


@pytest.mark.skipif(
    (NGINX is None or shutil.which("openssl") is None) and not os.environ.get("CI"),
    reason="Debian's nginx or openssl is missing",
)
def test_nginx_accepts_the_production_site(tmp_path):
    """deploy/nginx/yankao.conf as an operator installs it, with a certificate made
    here and the paths moved into the test's folder."""
    assert NGINX is not None
    site = (prod_check.ROOT / "deploy" / "nginx" / "yankao.conf").read_text()
    key, cert = tmp_path / "site.key", tmp_path / "site.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-subj", "/CN=rdec.example.gov.tw", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(openssl, check=True, capture_output=True)
    site = site.replace("/etc/ssl/private/rdec.example.gov.tw.key", str(key))
    site = site.replace("/etc/ssl/certs/rdec.example.gov.tw.pem", str(cert))
    site = site.replace("/opt/yankao/deploy/nginx/", f"{prod_check.LOCATIONS.parent}/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "yankao.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n    include /etc/nginx/mime.types;\n"
        f"    include {tmp_path}/yankao.conf;\n}}\n"
    )
    done = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
