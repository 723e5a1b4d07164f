"""Limits on what one address may do to public pages in a minute (guessing case
codes on the tracking page, flooding the mailbox with confirmation e-mails).

Counts live in the default cache: Redis in production, so every worker shares them.
Behind a reverse proxy, set RATELIMIT_IP_META_KEY so the client's address is read.

`client_address` reads the client's address the same way, and `network_digest` turns
the network one client is taken to hold (an IPv4 address, an IPv6 /64, which one
household gets) into a keyed digest, for a business that must count what one address
holds (legal bookings, ADR 0022) without storing the address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_ratelimit.core import is_ratelimited

from yankao.core.codes import codes_keys

IPV6_PREFIX = 64

View = Callable[..., HttpResponse]


def public_rate_limited(group: str) -> Callable[[View], View]:
    """Refuse a POST beyond settings.PUBLIC_RATE from one address with a page that
    says so (429, Retry-After); GETs are never counted."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and is_ratelimited(
                request,
                group=f"public-{group}",
                key="ip",
                rate=settings.PUBLIC_RATE,
                method="POST",
                increment=True,
            ):
                response = render(request, "core/rate_limited.html", status=429)
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _raw_address(request: HttpRequest) -> str:
    source = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if not source:
        return str(request.META.get("REMOTE_ADDR") or "")
    if callable(source):
        return str(source(request))
    if "." in source:
        return str(import_string(source)(request))
    # A header such as X-Real-IP. In a list (X-Forwarded-For) only the last entry,
    # the one our own proxy added, can be trusted: the client writes the others.
    return str(request.META.get(source) or "").split(",")[-1]


def client_address(request: HttpRequest) -> str:
    """The client's address as the rate limits read it (RATELIMIT_IP_META_KEY)."""
    return _raw_address(request).strip()


def network_of(address: str) -> str:
    """The network a client is taken to hold: its IPv4 address, or the /64 of its
    IPv6 address (a household gets a whole /64, so counting single IPv6 addresses
    would count nothing). Text that is no address is returned as it is."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def network_digest(address: str, *, purpose: str) -> str:
    """A keyed digest of the address's network (`network_of`) for counting, never the
    address itself: a copy of the database without the key does not tell who booked
    from where. Keyed by the codes key, like citizens' codes, so rotating Django's
    secret key does not reset the counts. Empty for no address."""
    network = network_of(address)
    if not network:
        return ""
    key = codes_keys()[0]
    salt = f"yankao.networks.{purpose}"
    return salted_hmac(salt, network, secret=key, algorithm="sha256").hexdigest()
