"""Who is calling: a client by its API key (a SHA-256 look-up, one query), and
how often: a fixed one-minute window per key, or per address without a key, in
the cache shared by the app's processes (configure a shared cache, e.g. Redis,
when running several; the default local-memory cache counts per process). The
pixels a key's pictures have decoded are counted in the same way
(yankao.core.ratelimits)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yankao.core import clock
from yankao.core.ratelimits import public_pixels_wait, spend
from yankao.open311.errors import Open311Error
from yankao.open311.models import ApiClient
from yankao.open311.services import KEY_PREFIX, key_digest

KEY_INVALID = _("The api_key is not valid, or it has been revoked.")
KEY_MISSING = _("An api_key is required to post a request; the city issues keys to client apps.")
TOO_MANY = _("Too many requests for this api_key; wait %(seconds)s seconds and try again.")
TOO_MANY_ANONYMOUS = _("Too many requests from this address; wait %(seconds)s seconds.")
TOO_MANY_PIXELS = _(
    "media: too many pictures for this api_key in the last minute; wait %(seconds)s "
    "seconds, or send smaller pictures."
)


def client_for_key(raw: str) -> ApiClient | None:
    """The active client holding this key, or None."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    client = (
        ApiClient.objects.select_related("account")
        .filter(digest=key_digest(raw), revoked_at__isnull=True, account__is_active=True)
        .first()
    )
    if client is None:
        return None
    now = clock.now()
    # Record use at most once a minute, so busy clients do not write on every call.
    if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def client_required(raw: str) -> ApiClient:
    if not raw:
        raise Open311Error(403, str(KEY_MISSING))
    client = client_for_key(raw)
    if client is None:
        raise Open311Error(403, str(KEY_INVALID))
    return client


def client_optional(raw: str) -> ApiClient | None:
    """No key is fine for reading; a wrong one is refused, not silently ignored."""
    return client_required(raw) if raw else None


def throttle(request: HttpRequest, client: ApiClient | None) -> None:
    """Count this call in its minute; past the limit, the spec's error array with
    HTTP 429 and a Retry-After header."""
    if client is not None:
        bucket, limit, message = f"key:{client.pk}", client.rate_per_minute, TOO_MANY
    else:
        address = request.META.get("REMOTE_ADDR", "")
        bucket, limit = f"ip:{address}", settings.YANKAO_OPEN311_ANONYMOUS_RATE
        message = TOO_MANY_ANONYMOUS
    wait = spend(f"open311:{bucket}", 1, limit=limit)
    if wait is not None:
        raise Open311Error(
            429, str(message % {"seconds": wait}), headers={"Retry-After": str(wait)}
        )


def throttle_pixels(client: ApiClient, uploads: Iterable[UploadedFile]) -> None:
    """Count the pixels the request's picture will have decoded against the key's
    minute (settings.PUBLIC_UPLOAD_MEGAPIXELS, as for the public pages), before it
    is decoded; past it, 429 with Retry-After."""
    wait = public_pixels_wait(f"open311:key:{client.pk}", uploads)
    if wait is not None:
        raise Open311Error(
            429, str(TOO_MANY_PIXELS % {"seconds": wait}), headers={"Retry-After": str(wait)}
        )
