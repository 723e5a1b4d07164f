"""Prometheus metrics at /metrics: counted for every request when YANKAO_METRICS is
on, and shown only to a scraper on this machine (not through the proxy) or with
the metrics token."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from yankao import settings as project_settings

pytestmark = pytest.mark.django_db

WITH_METRICS = {
    "METRICS": True,
    "MIDDLEWARE": [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *project_settings.MIDDLEWARE[:-1],
        "django_prometheus.middleware.PrometheusAfterMiddleware",
        project_settings.MIDDLEWARE[-1],
    ],
}


def scrape(client: Client, **headers: str):
    return client.get("/metrics", **headers)


@override_settings(**WITH_METRICS)
def test_a_scraper_on_this_machine_reads_the_request_counts():
    client = Client(REMOTE_ADDR="127.0.0.1")
    client.get("/healthz")
    response = scrape(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert 'django_http_responses_total_by_status_total{status="200"}' in text


@override_settings(**WITH_METRICS)
def test_a_request_from_elsewhere_is_refused():
    assert scrape(Client(REMOTE_ADDR="203.0.113.9")).status_code == 403


@override_settings(**WITH_METRICS)
def test_a_request_through_the_proxy_is_refused_even_from_loopback():
    """nginx on this machine adds X-Real-IP: whoever sent it is not this machine."""
    client = Client(REMOTE_ADDR="127.0.0.1")
    assert scrape(client, HTTP_X_REAL_IP="127.0.0.1").status_code == 403
    assert scrape(client, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403


@override_settings(**WITH_METRICS, METRICS_TOKEN="s3cret-metrics-token")
def test_a_scraper_elsewhere_needs_the_token():
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token").status_code == 200
    assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert scrape(client, HTTP_AUTHORIZATION="Basic s3cret-metrics-token").status_code == 403


@override_settings(**WITH_METRICS, METRICS_TOKEN="")
def test_no_token_opens_nothing_when_none_is_set():
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_without_metrics_there_is_no_page(client):
    assert scrape(Client(REMOTE_ADDR="127.0.0.1")).status_code == 404
