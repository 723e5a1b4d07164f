"""Limits on what one address may do to public pages in a minute (guessing case
codes on the tracking page, flooding the mailbox with confirmation e-mails, making
the server decode pictures).

Counts live in the default cache: Redis in production, so every worker shares them.
Behind a reverse proxy the address is the client's own once YANKAO_TRUSTED_PROXIES names
the proxy (core.middleware.ProxiedClientMiddleware).

Posts are counted one by one (settings.PUBLIC_RATE). Pictures cost in proportion to
their pixels, so those the public pages decode are counted as well, by the pixel,
against settings.PUBLIC_UPLOAD_MEGAPIXELS a minute (docs/adr/0019).

`network_digest` turns the network one client is taken to hold (an IPv4 address, an
IPv6 /64, which one household gets) into a keyed digest, for a business that must
count what one address holds (legal bookings, ADR 0022) without storing the address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import _get_ip, is_ratelimited

from yankao.core import clock
from yankao.core.codes import codes_keys
from yankao.core.uploads import PUBLIC, pixels_to_decode

View = Callable[..., HttpResponse]
WINDOW_SECONDS = 60
TOO_MANY_POSTS = _(
    "This page was sent too many times from your connection in the last minute. Please "
    "wait a minute and try again. If you need help, call 1999."
)
TOO_MANY_PIXELS = _(
    "Too many pictures were sent from your connection in the last minute. Please wait "
    "a minute and try again, or attach fewer or smaller pictures. If you need help, "
    "call 1999."
)


def client_address(request: HttpRequest) -> str:
    """The address a public page counts a client by: django-ratelimit's own (its
    "ip" key, honouring RATELIMIT_IP_META_KEY and the IPv6 /64 mask), so that posts
    and pixels are counted for the same client."""
    return str(_get_ip(request))


def spend(bucket: str, amount: int, *, limit: int) -> int | None:
    """Count `amount` in this minute's window of `bucket` (a fixed window on the
    platform's clock). None while the window's total stays within `limit`; past it,
    the seconds until the window ends. What was refused is counted too, so a client
    that keeps trying stays refused until the window ends."""
    now = clock.now().timestamp()
    window = int(now // WINDOW_SECONDS)
    key = f"spend:{bucket}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        total = cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=WINDOW_SECONDS * 2)
        total = amount
    if total <= limit:
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now))


def _refused(request: HttpRequest, message: Any, wait: int | str) -> HttpResponse:
    response = render(request, "core/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


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
                return _refused(request, TOO_MANY_POSTS, 60)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public_pixels_wait(bucket: str, uploads: Iterable[UploadedFile]) -> int | None:
    """Count the pixels checking these uploads would decode (read from their
    headers, nothing decoded) against the bucket's minute; None while within
    settings.PUBLIC_UPLOAD_MEGAPIXELS, else the seconds to wait."""
    pixels = pixels_to_decode(uploads, limits=PUBLIC)
    if not pixels:
        return None
    return spend(f"pixels:{bucket}", pixels, limit=settings.PUBLIC_UPLOAD_MEGAPIXELS * 1_000_000)


def public_upload_refused(
    request: HttpRequest, uploads: Iterable[UploadedFile]
) -> HttpResponse | None:
    """On a public page, before its form decodes any picture: the page refusing the
    post (429, Retry-After) when this address has had too many pixels decoded in the
    minute, else None."""
    wait = public_pixels_wait(f"ip:{client_address(request)}", uploads)
    return None if wait is None else _refused(request, TOO_MANY_PIXELS, wait)


IPV6_PREFIX = 64


def network_of(address: str) -> str:
    """The network a client is taken to hold, as `client_address` counts it: its IPv4
    address, or the /64 of its IPv6 address (a household gets a whole /64, so counting
    single IPv6 addresses would count nothing); an IPv4 address written as IPv6
    (::ffff:…) is the IPv4 address. Text that is no address is returned as it is."""
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
