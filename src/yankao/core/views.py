import ipaddress

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

from yankao.core.readiness import readiness


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database, the task queue and the worker's heartbeat
    are all well, else 503; each check's state either way (core/readiness.py)."""
    checks = readiness(HUEY)
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {name: check.as_json() for name, check in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


# Addresses a scrape may come from without a token: this machine only.
LOOPBACK = ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")
# Headers a reverse proxy adds: a request that carries one came from elsewhere.
PROXIED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _from_this_machine(request: HttpRequest) -> bool:
    if any(header in request.META for header in PROXIED):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in LOOPBACK)


def _token_given(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and constant_time_compare(given, expected)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, for a scraper on this machine (not through the
    proxy) or one that sends `Authorization: Bearer <YANKAO_METRICS_TOKEN>`."""
    if not settings.METRICS:
        raise Http404
    if not (_token_given(request) or _from_this_machine(request)):
        return HttpResponseForbidden(
            "Metrics are served to this machine, or with the metrics token.",
            content_type="text/plain; charset=utf-8",
        )
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
