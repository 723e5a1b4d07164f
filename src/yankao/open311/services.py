"""Every write of the Open311 app: issuing and revoking client keys, and
registering a request as the business its service belongs to. Keyword-only
arguments, one transaction each."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.open311.catalogue import Business, RequestInput, Service
from yankao.open311.models import DEFAULT_RATE_PER_MINUTE, ApiClient, ServiceRequest
from yankao.tracking.models import ENDED_STATUSES, Status

KEY_PREFIX = "o311_"
PREFIX_LENGTH = 12


class ClientError(Exception):
    """A key operation refused; the message says why."""


def key_digest(raw: str) -> str:
    # The keys are 256 random bits: a fast digest is enough (nothing to brute-force).
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    client: ApiClient
    raw: str  # shown once; only its digest is kept


def _account_username(name: str) -> str:
    slug = slugify(name)[:80] or "client"
    return f"open311-{slug}-{secrets.token_hex(3)}"


@transaction.atomic
def client_create(*, name: str, rate_per_minute: int = DEFAULT_RATE_PER_MINUTE) -> IssuedKey:
    """Issue a key to a client application, with the system account it acts as."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ClientError(_("Give the client a name of 1 to 100 characters."))
    if rate_per_minute < 1:
        raise ClientError(_("The rate must be at least one request a minute."))
    if ApiClient.objects.filter(name=name).exists():
        raise ClientError(_("A client with this name already exists."))
    account = User.objects.create(
        username=_account_username(name),
        password=make_password(None),
        role=Role.SYSTEM,
        full_name=f"Open311: {name}"[:60],
    )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=key_digest(raw),
        account=account,
        rate_per_minute=rate_per_minute,
        created_at=clock.now(),
    )
    return IssuedKey(client=client, raw=raw)


@transaction.atomic
def client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke the key at once; the client's past requests stay, its account is
    switched off so nothing can act as it any more."""
    ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    User.objects.filter(pk=client.account_id).update(is_active=False)
    client.refresh_from_db()
    return client


@dataclass(frozen=True)
class Created:
    request: ServiceRequest
    service: Service
    notice: str  # service_notice: what happens next, or why nothing will


@transaction.atomic
def request_create(
    *,
    client: ApiClient,
    business: Business,
    service: Service,
    data: RequestInput,
    device_id: str = "",
    account_id: str = "",
) -> Created:
    """Register the request as its business does (a petition or a ticket, which
    puts it on the responsible agency's worklist), and keep its Open311 facts."""
    item = business.create(service=service, data=data, by=client.account)
    request = ServiceRequest.objects.create(
        item=item,
        client=client,
        service_code=service.code,
        token=secrets.token_urlsafe(18),
        device_id=device_id[:100],
        account_id=account_id[:100],
        received_at=item.received_at,
    )
    notice = service.notice
    if item.status in ENDED_STATUSES:  # e.g. a petition nobody can be answered on (要點 第14點)
        notice = business.shown(item).status_notes or str(Status(item.status).label)
    return Created(request=request, service=service, notice=notice)
