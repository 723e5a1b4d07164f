"""Middleware of our own: django-csp's, with the policy built once, the 503 page
when the database cannot be reached, and the client's address behind a proxy."""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# What a view sets on its response to change its policy (django-csp's decorators).
_PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace")
_PER_VIEW_REPORT_ONLY = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@functools.cache
def _policy(*, report_only: bool) -> str:
    return build_policy(report_only=report_only)


@functools.cache
def _excluded_prefixes() -> bool:
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()
        _excluded_prefixes.cache_clear()


class CSPMiddleware(BaseCSPMiddleware):
    """The Content-Security-Policy header, as django-csp writes it, built once.

    Without a nonce and without a view's own changes the policy is the settings'
    alone, the same for every response; django-csp builds it anew each time (a
    tenth of a millisecond, on every page and API call). Responses that do use a
    nonce or a view's changes, excluded URL prefixes and DEBUG (for its error
    pages) go to django-csp itself."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or _excluded_prefixes()
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in (*_PER_VIEW, *_PER_VIEW_REPORT_ONLY))
        ):
            return super().process_response(request, response)
        for header, exempt, report_only in (
            (HEADER, "_csp_exempt", False),
            (HEADER_REPORT_ONLY, "_csp_exempt_ro", True),
        ):
            policy = _policy(report_only=report_only)
            if policy and header not in response and not getattr(response, exempt, False):
                response[header] = policy
        # As django-csp does: a nonce asked for after this point is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


# --- database outage ----------------------------------------------------------------------------

# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30
# Connection lost or refused: not every DatabaseError (an integrity error is a defect).
CONNECTION_LOST = (OperationalError, InterfaceError)


def database_unavailable_page(request: HttpRequest) -> HttpResponse:
    """The 503 page: standalone (the site's layout reads the signed-in user, and so
    the database), in the request's language."""
    body = render_to_string("core/unavailable.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A page whose view lost the database answers 503 with `Retry-After` and a
    page saying so, not the 500 of a defect. (The API answers its own problem
    document: core.api's handlers.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CONNECTION_LOST):
            return None
        logger.error("Database unavailable for %s", request.path, exc_info=exception)
        return database_unavailable_page(request)


# --- the client's address behind a proxy ----------------------------------------------------------


@functools.cache
def _trusted_proxies(entries: tuple[str, ...]) -> tuple[bool, tuple[IPNetwork, ...]]:
    """(whether a unix socket's peer is trusted, the trusted networks)."""
    networks = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in entries if entry != "unix"
    )
    return "unix" in entries, networks


def _trusted_peer(address: str) -> bool:
    unix, networks = _trusted_proxies(tuple(settings.TRUSTED_PROXIES))
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return unix  # a unix socket's peer has no address
    return any(peer in network for network in networks)


class ProxiedClientMiddleware:
    """Behind nginx every request comes from the proxy: the client's own address,
    which rate limits, lockouts and the logs count by, is the `X-Real-IP` the proxy
    sets (deploy/nginx/). It is believed only from a peer in TRUSTED_PROXIES; from
    anywhere else the header is ignored, so a client cannot pass for another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        claimed = request.META.get("HTTP_X_REAL_IP", "").strip()
        if (
            claimed
            and settings.TRUSTED_PROXIES
            and _trusted_peer(request.META.get("REMOTE_ADDR", ""))
        ):
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(claimed))
            except ValueError:
                logger.warning(
                    "The proxy sent an X-Real-IP that is not an address: %r", claimed[:60]
                )
        return self.get_response(request)
