"""Limits on what one address may do to public pages in a minute (guessing case
codes on the tracking page, flooding the mailbox with confirmation e-mails).

Counts live in the default cache: Redis in production, so every worker shares them.
Behind a reverse proxy the address is the client's own once YANKAO_TRUSTED_PROXIES names
the proxy (core.middleware.ProxiedClientMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

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
