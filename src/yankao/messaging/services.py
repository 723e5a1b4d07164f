"""Writes to the outbox: enqueue a message, deliver it, retry it.

Guarantees (see README.md): a message exists only if the transaction that caused
it commits; it is delivered at least once, by one worker at a time; a crash
between sending and recording may cause one resend, which carries the same
Message-ID so that receivers can drop it. A private code in a message is stored
sealed, never in clear, and erased once the message is sent or dead
(messaging.secrets); confirmations typed into public forms are limited per
recipient address and hour (`recipient_quota_take`).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from yankao.accounts.models import User
from yankao.core import clock
from yankao.messaging.channels import get_sender
from yankao.messaging.models import (
    RETRYABLE,
    Channel,
    MessageAccess,
    OutboxMessage,
    RecipientQuota,
    Status,
)
from yankao.messaging.secrets import conceal

logger = logging.getLogger(__name__)

# How long one worker owns a message it is sending. Longer than any send may take
# (SMTP and webhook timeouts are far shorter), so a lease only runs out when the
# worker died.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 8
MAX_ERROR_LENGTH = 2000


def absolute_url(path: str) -> str:
    """A link for a message: the site's address (YANKAO_BASE_URL) and the path."""
    return settings.YANKAO_BASE_URL.rstrip("/") + path


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def retry_delay(attempts: int) -> timedelta:
    """1 min after the first failed attempt, then 2, 4, 8 … up to 1 h."""
    exponent = min(max(attempts - 1, 0), 16)
    return min(FIRST_RETRY * 2**exponent, MAX_RETRY)


# --- enqueue ------------------------------------------------------------------------


def outbox_enqueue(
    *,
    channel: str = Channel.EMAIL,
    to: list[str],
    subject: str,
    body: str,
    html_body: str = "",
    dedupe_key: str | None = None,
    ref_type: str = "",
    ref_id: str = "",
    secret: str = "",
) -> OutboxMessage:
    """Put a message in the outbox, in the caller's transaction; it is sent after commit.

    With a `dedupe_key` that is already in the outbox, the existing message is
    returned and nothing new is sent. A `secret` (a private code, a confirmation
    link) must appear in the body, and only there: it is stored sealed, with a mask
    in the body, and put back when the message is sent.
    """
    if channel not in Channel.values:
        raise ValueError(f"Unknown outbox channel {channel!r}.")
    recipients = [str(address) for address in to if str(address).strip()]
    if not recipients:
        raise ValueError("An outbox message needs at least one recipient.")
    key = dedupe_key or None
    message = OutboxMessage(
        channel=channel,
        to=recipients,
        subject=subject,
        body=body,
        html_body=html_body,
        dedupe_key=key,
        ref_type=ref_type,
        ref_id=ref_id,
    )
    if secret:
        if secret in subject or html_body:
            raise ValueError("A message's secret goes in its plain-text body only.")
        message.body, message.secret_sealed = conceal(body, secret)
    # Within the caller's transaction, and without savepoints: a registration tells
    # a handler and a petitioner, and each savepoint is two more round trips.
    with transaction.atomic(savepoint=False):
        if key is None:
            message.save(force_insert=True)
        else:
            # Insert unless the key is in the outbox already (an earlier enqueue, or
            # another transaction that committed the same key first), then read the
            # key's message: no error, so no savepoint to roll back to.
            OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
            message = OutboxMessage.objects.get(dedupe_key=key)
            if message.status != Status.PENDING or message.attempts:
                return message  # already on its way
        schedule_after_commit(message.pk)
    return message


class _CommitBatch:
    """The messages one transaction wrote, handed to the queue as one task after it
    commits: a create that tells a handler and a petitioner costs one enqueue."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    # A named method, not functools.partial: Django logs a failing robust callback
    # by its __qualname__, which partial objects lack.
    def deliver_after_commit(self) -> None:
        schedule_delivery(self.ids)


def _pending_batch() -> _CommitBatch | None:
    """This transaction's batch, if its commit callback is still registered (a
    rollback, of the transaction or of the savepoint that registered it, drops it)."""
    connection = transaction.get_connection()
    batch: _CommitBatch | None = getattr(connection, "_yankao_outbox_batch", None)
    if batch is None:
        return None
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "__self__", None) is batch:
            return batch
    return None


def schedule_after_commit(message_id: int) -> None:
    batch = _pending_batch()
    if batch is None:
        batch = _CommitBatch()
        transaction.get_connection()._yankao_outbox_batch = batch
        transaction.on_commit(batch.deliver_after_commit, robust=True)
    batch.ids.append(message_id)


def schedule_delivery(message_ids: list[int]) -> None:
    """Hand messages to the task queue. If the queue is down, the periodic sweep
    delivers them later, so a failure here is only logged (robust on_commit)."""
    from yankao.messaging.tasks import deliver_messages  # tasks import this module

    deliver_messages(list(message_ids))


# --- delivery -----------------------------------------------------------------------------


def outbox_claim(message_id: int, *, now: datetime | None = None) -> datetime | None:
    """Take a message for sending, atomically. Returns the lease (which also fences
    the later status update) or None when the message is not due or another worker
    has it."""
    now = now or timezone.now()
    lease = now + LEASE
    due = Q(status__in=RETRYABLE, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_until__lt=now, attempts__lt=max_attempts()
    )
    claimed = OutboxMessage.objects.filter(due, pk=message_id).update(
        status=Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    return lease if claimed == 1 else None


def outbox_deliver(message_id: int, *, now: datetime | None = None) -> Status | None:
    """Try to send one message if it is due. Returns its new status, or None when
    it was not ours to send (not due, already sent, or claimed by another worker)."""
    now = now or timezone.now()
    lease = outbox_claim(message_id, now=now)
    if lease is None:
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        get_sender(message.channel)(message)
    except Exception as exc:
        logger.warning("Outbox message %s failed: %s", message_id, exc, exc_info=True)
        return _record_failure(message, lease, exc, now=now)
    return _record_sent(message, lease)


def _owned(message: OutboxMessage, lease: datetime) -> QuerySet[OutboxMessage]:
    # The lease value is unique per claim, so it fences out a worker whose lease
    # ran out and was taken over.
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, lease_until=lease)


def _erasing_secret(now: datetime) -> dict[str, Any]:
    """Fields for an update that ends a message's life (sent or dead): its secret,
    if it had one, is erased, and when."""
    return {
        "secret_sealed": "",
        "secret_erased_at": Case(
            When(~Q(secret_sealed=""), then=Value(now)), default=F("secret_erased_at")
        ),
    }


def _record_sent(message: OutboxMessage, lease: datetime) -> Status:
    now = timezone.now()
    updated = _owned(message, lease).update(
        status=Status.SENT, sent_at=now, lease_until=None, last_error="", **_erasing_secret(now)
    )
    if not updated:
        # Our lease ran out mid-send and another worker took over: it may send
        # again, with the same Message-ID.
        logger.warning("Outbox message %s was sent after its lease ran out.", message.pk)
    return Status.SENT


def _record_failure(
    message: OutboxMessage, lease: datetime, exc: Exception, *, now: datetime
) -> Status:
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    dead = message.attempts >= max_attempts()
    status = Status.DEAD if dead else Status.FAILED
    _owned(message, lease).update(
        status=status,
        last_error=error,
        lease_until=None,
        next_attempt_at=now + retry_delay(message.attempts),
        **(_erasing_secret(now) if dead else {}),
    )
    if dead:
        logger.error("Outbox message %s is dead after %s attempts.", message.pk, message.attempts)
    return status


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """The periodic sweep: deliver what is due. Returns how many messages were sent."""
    # Each message gets a fresh clock (and lease) unless the caller fixed `now`:
    # a long sweep must not hand out leases that have already run out.
    fixed_now = now
    now = now or timezone.now()
    _bury_abandoned(now)
    due = Q(status__in=RETRYABLE, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_until__lt=now
    )
    ids = list(
        OutboxMessage.objects.filter(due)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_deliver(pk, now=fixed_now) == Status.SENT for pk in ids)


def _bury_abandoned(now: datetime) -> int:
    """A message whose every attempt ended with its worker dying (a lease running
    out) would otherwise be claimed forever."""
    return OutboxMessage.objects.filter(
        status=Status.SENDING, lease_until__lt=now, attempts__gte=max_attempts()
    ).update(
        status=Status.DEAD,
        lease_until=None,
        last_error="The last delivery attempt did not finish before its lease ran out.",
        **_erasing_secret(now),
    )


# --- administration ---------------------------------------------------------------------------


def outbox_retry(*, message_ids: list[int]) -> int:
    """Give failed or dead messages a fresh series of attempts, starting now.
    Sent messages and messages being sent are left alone: nothing is sent twice.
    Nor are dead messages whose secret was erased: they would arrive without it."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(
                pk__in=message_ids,
                status__in=[Status.FAILED, Status.DEAD],
                secret_erased_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids, status__in=[Status.FAILED, Status.DEAD]).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            schedule_after_commit(pk)
    return len(ids)


def outbox_message_access_log(
    *, message: OutboxMessage, by: User, reason: str, where: str
) -> MessageAccess:
    """Record that a user is looking at a message's recipients and text."""
    return MessageAccess.objects.create(
        message=message, user=by, at=timezone.now(), reason=reason[:300], where=where
    )


# --- confirmations per recipient ---------------------------------------------------------------

DEFAULT_CONFIRMATIONS_PER_HOUR = 5


def confirmations_per_hour() -> int:
    return int(getattr(settings, "CONFIRMATIONS_PER_HOUR", DEFAULT_CONFIRMATIONS_PER_HOUR))


def recipient_key(kind: str, address: str) -> str:
    """A keyed digest of the kind and the address as a mailbox reads it: case and a
    `+tag` in the local part do not make another address."""
    local, at, domain = address.strip().lower().rpartition("@")
    normal = f"{local.split('+', 1)[0]}@{domain}" if at else domain
    value = f"{kind}\n{normal}"
    return salted_hmac("yankao.messaging.recipient-quota", value, algorithm="sha256").hexdigest()


def _this_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def recipient_quota_take(*, kind: str, address: str, now: datetime | None = None) -> bool:
    """Count one message of `kind` (a confirmation of something typed into a public
    form) to `address`, unless this clock hour's CONFIRMATIONS_PER_HOUR are used up:
    then False, and the caller sends nothing. In the caller's transaction: a
    rolled-back request uses up nothing, and concurrent requests for one address
    queue on the hour's row, so the limit holds exactly (0: no limit)."""
    limit = confirmations_per_hour()
    if limit <= 0:
        return True
    key, hour = recipient_key(kind, address), _this_hour(now or clock.now())
    with transaction.atomic(savepoint=False):
        RecipientQuota.objects.bulk_create(
            [RecipientQuota(key=key, hour=hour, count=0)], ignore_conflicts=True
        )
        taken = RecipientQuota.objects.filter(key=key, hour=hour, count__lt=limit).update(
            count=F("count") + 1
        )
    return taken == 1


def recipient_quotas_purge(*, now: datetime | None = None) -> int:
    """Forget the counts of past hours."""
    deleted, _counts = RecipientQuota.objects.filter(
        hour__lt=_this_hour(now or clock.now())
    ).delete()
    return deleted
