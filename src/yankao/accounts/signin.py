"""Staff sign-in under attack: who may try a password now, and what a failure costs.

The rules (docs/adr/0020), read from django-axes' records of failed sign-ins (one
row per username, address and browser, with its count and last failure):

- A username is locked for one address, never for everyone: after
  AXES_FAILURE_LIMIT failures from an address, that address may not try the
  username's password for YANKAO_LOGIN_COOLOFF after its last failure. While the
  failures are remembered (a day after the last), each further failure locks it
  again, and every AXES_FAILURE_LIMIT more double the lock, up to a day; a
  success from the address forgets them. An attacker elsewhere cannot
  lock the real user out, and the colleagues behind the same office address are
  not locked with one careless typist.
- When a username has failed from YANKAO_LOGIN_SPRAY_ADDRESSES addresses within
  YANKAO_LOGIN_SPRAY_WINDOW (guessing spread over many addresses), addresses the
  user has not signed in from in the last 90 days are slowed down: one try after
  each failure's delay, 1 s for the first address over the threshold, doubling
  with each further one, up to YANKAO_LOGIN_SLOWDOWN_MAX. Familiar addresses are
  not slowed, so the real user at their desk is not locked out by a botnet.
- A try that the lock or the slow-down refuses is not evaluated and not counted.
- A user with a second factor may always sign in with password and code, locked
  or slowed or not: the password is checked first, the code only when the
  password is right, so no one without the password can exhaust the code's own
  throttle, and the answer is the same for a wrong password and a wrong code.
- Each counted failure is checked for a spray (many usernames from one address,
  or one username from many addresses): a warning on the "yankao.security" log
  and an e-mail to the administrators, once per window.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.second_factor import (
    has_second_factor,
    second_factor_throttle_reset,
    second_factor_verify,
)
from yankao.messaging.services import outbox_enqueue

security_log = logging.getLogger("yankao.security")

LONGEST_LOCK = timedelta(days=1)  # no longer than axes remembers failures (AXES_COOLOFF_TIME)
FAMILIAR_FOR = timedelta(days=90)  # an address the user signed in from this recently


@dataclass(frozen=True)
class Gate:
    """Whether an address may try a username's password now, and until when not."""

    locked_until: datetime | None = None  # this address, after its own failures
    slowed_until: datetime | None = None  # an unfamiliar address, after spread failures

    @property
    def until(self) -> datetime | None:
        moments = [moment for moment in (self.locked_until, self.slowed_until) if moment]
        return max(moments) if moments else None

    def closed(self, now: datetime | None = None) -> bool:
        until = self.until
        return until is not None and (now or timezone.now()) < until

    @property
    def locked(self) -> bool:
        """Closed by this address's own failures (rather than a slow-down)."""
        return self.locked_until is not None and self.locked_until == self.until

    def retry_after(self, now: datetime | None = None) -> int:
        until = self.until
        if until is None:
            return 0
        return max(math.ceil((until - (now or timezone.now())).total_seconds()), 0)


OPEN = Gate()


def lock_length(failures: int) -> timedelta | None:
    """How long an address is locked out of a username after `failures` failures."""
    limit = settings.AXES_FAILURE_LIMIT
    if failures < limit:
        return None
    doublings = min((failures - limit) // limit, 16)
    return min(settings.YANKAO_LOGIN_COOLOFF * 2**doublings, LONGEST_LOCK)


def slowdown_delay(addresses: int) -> timedelta | None:
    """The wait between tries for unfamiliar addresses, when a username has failed
    from `addresses` addresses within the spray window."""
    threshold = settings.YANKAO_LOGIN_SPRAY_ADDRESSES
    if addresses < threshold:
        return None
    delay = timedelta(seconds=2 ** min(addresses - threshold, 16))
    return min(delay, settings.YANKAO_LOGIN_SLOWDOWN_MAX)


def request_address(request: HttpRequest) -> str | None:
    """The client's address, as django-axes records it."""
    return get_client_ip_address(request)


def sign_in_gate(*, username: str, address: str | None, now: datetime | None = None) -> Gate:
    """One query for the username's recorded failures, and one more only when the
    username is under a spread attack (is this address familiar?)."""
    now = now or timezone.now()
    here = Q(ip_address=address)
    found = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).aggregate(
        failures_here=Sum("failures_since_start", filter=here),
        last_here=Max("attempt_time", filter=here),
        addresses=Count(
            "ip_address",
            distinct=True,
            filter=Q(attempt_time__gte=now - settings.YANKAO_LOGIN_SPRAY_WINDOW),
        ),
        last_anywhere=Max("attempt_time"),
    )
    locked_until = None
    lock = lock_length(found["failures_here"] or 0)
    if lock is not None:
        locked_until = found["last_here"] + lock
    slowed_until = None
    delay = slowdown_delay(found["addresses"] or 0)
    if delay is not None and not familiar_address(username=username, address=address, now=now):
        slowed_until = found["last_anywhere"] + delay
    return Gate(
        locked_until=locked_until if locked_until and locked_until > now else None,
        slowed_until=slowed_until if slowed_until and slowed_until > now else None,
    )


def familiar_address(*, username: str, address: str | None, now: datetime) -> bool:
    if address is None:
        return False
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - FAMILIAR_FOR
    ).exists()


# --- one sign-in attempt -------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user: User | None
    gate: Gate  # as it stands after the attempt
    refused: bool = False  # the gate was closed: nothing was checked or counted


def sign_in(*, request: HttpRequest, username: str, password: str, code: str = "") -> SignIn:
    """Check a password (and a second-factor code where one is needed or given).

    Without a code, the gate backend refuses while the gate is closed, and the
    staff backend refuses a user who has a second factor. With a code, both let the
    password be checked, and the code must then be right: always while the gate is
    closed, and for a user who has a second factor."""
    code = code.strip()
    found = authenticate(request, username=username, password=password, with_code=bool(code))
    user = found if isinstance(found, User) else None
    gate: Gate = getattr(request, "yankao_sign_in_gate", OPEN)
    if user is None and gate.closed():
        if not code:
            return SignIn(user=None, gate=gate, refused=True)
    elif user is not None and code and (gate.closed() or has_second_factor(user)):
        device = second_factor_verify(user=user, code=code)
        if device is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=request
            )
            user = None
        else:
            user.otp_device = device  # type: ignore[attr-defined]  # django_otp records it
    if user is not None:
        return SignIn(user=user, gate=OPEN)
    address = request_address(request)
    sign_in_spray_check(username=username, address=address)
    return SignIn(user=None, gate=sign_in_gate(username=username, address=address))


# --- administrators -----------------------------------------------------------------------


@dataclass(frozen=True)
class AddressFailures:
    address: str | None
    failures: int
    last: datetime
    locked_until: datetime | None


def sign_in_failures(*, username: str, now: datetime | None = None) -> list[AddressFailures]:
    """The username's remembered failures per address, newest first (the admin page)."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(
            username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
        )
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    found = []
    for row in rows:
        lock = lock_length(row["failures"])
        until = row["last"] + lock if lock else None
        found.append(
            AddressFailures(
                address=row["ip_address"],
                failures=row["failures"],
                last=row["last"],
                locked_until=until if until and until > now else None,
            )
        )
    return found


def sign_in_unlock(*, username: str, by: str) -> int:
    """Forget every failure of the username (django-axes' reset, as its
    axes_reset_username command does) and the throttle of its second factor: every
    lock and slow-down ends. Returns the number of records removed."""
    removed = axes_reset(username=username)
    user = User.objects.filter(username=username).first()
    if user is not None:
        second_factor_throttle_reset(user=user)
    security_log.warning("sign-in unlocked: username=%r by=%s records=%d", username, by, removed)
    return removed


# --- spray alerts ---------------------------------------------------------------------


def sign_in_spray_check(
    *, username: str, address: str | None, now: datetime | None = None
) -> list[str]:
    """After a counted failure: has this address failed for many usernames, or this
    username from many addresses, within the window? Alerts once per window each."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=now - settings.YANKAO_LOGIN_SPRAY_WINDOW
    )
    alerts = []
    if address is not None:
        usernames = recent.filter(ip_address=address).values("username").distinct().count()
        if usernames >= settings.YANKAO_LOGIN_SPRAY_USERNAMES:
            alerts.append(_spray_alert("address", address, usernames, now=now))
    addresses = recent.filter(username=username).values("ip_address").distinct().count()
    if addresses >= settings.YANKAO_LOGIN_SPRAY_ADDRESSES:
        alerts.append(_spray_alert("username", username, addresses, now=now))
    return [alert for alert in alerts if alert]


def _spray_alert(kind: str, key: str, count: int, *, now: datetime) -> str:
    window = settings.YANKAO_LOGIN_SPRAY_WINDOW
    seconds = int(window.total_seconds())
    digest = hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()[:24]
    bucket = int(now.timestamp()) // seconds
    if not cache.add(f"yankao:sign-in-spray:{digest}:{bucket}", 1, timeout=seconds):
        return ""  # told already in this window
    minutes = seconds // 60
    if kind == "address":
        security_log.warning(
            "sign-in spray: %d usernames failed from address %s within %d minutes",
            count,
            key,
            minutes,
        )
        body = _(
            "%(count)s different usernames failed to sign in from the address %(address)s "
            "within %(minutes)s minutes: someone may be trying common passwords on many "
            "accounts. Sign-ins from that address are locked account by account."
        ) % {"count": count, "address": key, "minutes": minutes}
    else:
        security_log.warning(
            "sign-in spray: username %r failed from %d addresses within %d minutes",
            key,
            count,
            minutes,
        )
        body = _(
            "The username %(username)s failed to sign in from %(count)s different addresses "
            "within %(minutes)s minutes: someone may be guessing its password from many "
            "places. Sign-ins to it from unfamiliar addresses are slowed down."
        ) % {"username": key, "count": count, "minutes": minutes}
    _tell_administrators(body, dedupe_key=f"sign-in-spray:{digest}:{bucket}")
    return kind


def _tell_administrators(body: str, *, dedupe_key: str) -> None:
    recipients = list(
        User.objects.filter(is_active=True, role=Role.ADMIN)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    outbox_enqueue(
        to=recipients,
        subject=_("Sign-in alert: repeated failed sign-ins"),
        body=body,
        dedupe_key=dedupe_key,
        ref_type="sign-in-spray",
    )
