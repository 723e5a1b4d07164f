"""Queued intake (ADR 0012): the API's way in for systems that send petitions in
volume. The request is validated in full and answered at once with the case number
and the petitioner's code; the registration itself (routing, deadline, tracked item,
history, notices, search index) is done by a worker a moment later, through the
same `petition_create` the other channels use.

What makes it safe:
- the intake row is written in the request's transaction (with the Idempotency-Key
  claim, when there is one), so an accepted petition is never lost;
- its worker is woken after the commit, and a sweep every minute registers anything
  whose wake-up was lost;
- registering takes the row under a lock (PostgreSQL skips rows another worker holds;
  SQLite writes one at a time), so a petition is registered once;
- a petition that cannot be registered (no agency routed for its category since it
  was accepted) stays, failed and with the reason, for the commission to correct
  and retry; an unexpected error is retried a few times before it is marked failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from yankao.accounts.models import User
from yankao.core import clock
from yankao.core.codes import PETITION_VERIFICATION
from yankao.core.numbering import PETITION_NUMBERS
from yankao.core.sealing import seal, unseal
from yankao.organisation.models import District
from yankao.petitions.models import Category, IntakeState, PetitionIntake
from yankao.petitions.services import (
    PetitionError,
    new_verification_code,
    petition_create,
)

logger = logging.getLogger(__name__)

# Attempts at an intake that fails unexpectedly (a bug, a lost connection) before it
# is set aside as failed; refusals (PetitionError) are set aside at once.
MAX_ATTEMPTS = 5
# Petitions registered per transaction. On SQLite a batch holds the one write lock
# (about 8 ms a petition), so it stays small enough not to keep API intake waiting.
BATCH = 20


@dataclass(frozen=True)
class Queued:
    """An accepted petition and its verification code, which the caller shows once."""

    intake: PetitionIntake
    code: str


def intake_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    """A validated intake form's data as JSON: the category by its code and the
    district by its key, the coordinates as text (exact decimals)."""
    category: Category = cleaned["category"]
    district: District | None = cleaned.get("district")

    def place(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "channel": cleaned["channel"],
        "category": category.code,
        "district": district.key if district else None,
        "subject": cleaned["subject"],
        "content": cleaned["content"],
        "address": cleaned.get("address", ""),
        "latitude": place(cleaned.get("latitude")),
        "longitude": place(cleaned.get("longitude")),
        "name": cleaned.get("name", ""),
        "email": cleaned.get("email", ""),
        "phone": cleaned.get("phone", ""),
        "anonymous": bool(cleaned.get("anonymous")),
    }


class _WakeWorker:
    """The after-commit hook that hands one intake to the queue (a named method:
    Django logs a failing robust callback by its qualified name)."""

    def __init__(self, intake_id: int) -> None:
        self.intake_id = intake_id

    def schedule(self) -> None:
        from yankao.petitions.tasks import register_petition_intake  # tasks import us

        register_petition_intake(self.intake_id)


def petition_intake_queue(
    *, data: dict[str, Any], by: User, received_at: datetime | None = None
) -> Queued:
    """Accept a validated petition (see `intake_data`): give it its case number and
    code now, and queue its registration for after this transaction commits. The
    number and the row are written together (one statement on PostgreSQL), so the
    request's own transaction, if any, decides for both."""
    received = received_at or clock.now()
    code = new_verification_code()
    intake = PetitionIntake(
        received_at=received,
        submitted_by=by,
        data=data,
        code=seal(code),  # never in clear, even for a moment (core.sealing)
        verification_hash=PETITION_VERIFICATION.digest(code),
    )
    PETITION_NUMBERS.insert(intake, field="number", moment=received)
    transaction.on_commit(_WakeWorker(intake.pk).schedule, robust=True)
    return Queued(intake=intake, code=code)


def _arguments(data: dict[str, Any]) -> dict[str, Any]:
    category = Category.objects.get(code=data["category"], parent__isnull=False)
    district = District.objects.get(key=data["district"]) if data.get("district") else None

    def place(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return {
        "channel": data["channel"],
        "category": category,
        "district": district,
        "subject": data["subject"],
        "content": data["content"],
        "address": data.get("address", ""),
        "latitude": place(data.get("latitude")),
        "longitude": place(data.get("longitude")),
        "petitioner_name": data.get("name", ""),
        "petitioner_email": data.get("email", ""),
        "petitioner_phone": data.get("phone", ""),
        "anonymous": bool(data.get("anonymous")),
    }


def _register(intake: PetitionIntake) -> bool:
    """Register one intake taken under lock, inside the caller's transaction; a
    failure is kept on the row (the petition's own writes roll back to a savepoint)."""
    try:
        with transaction.atomic():
            registered = petition_create(
                **_arguments(intake.data),
                by=intake.submitted_by,
                received_at=intake.received_at,
                number=intake.number,
                code=unseal(intake.code),
            )
    except (PetitionError, Category.DoesNotExist, District.DoesNotExist) as error:
        intake.state = IntakeState.FAILED  # refused: set aside at once
        intake.error = str(error) or type(error).__name__
    except Exception as error:  # kept on the row and retried: never lost
        logger.exception("Registering queued petition %s failed", intake.pk)
        intake.error = f"{type(error).__name__}: {error}"[:2000]
        if intake.attempts + 1 >= MAX_ATTEMPTS:
            intake.state = IntakeState.FAILED
    else:
        intake.petition = registered.petition
        intake.state = IntakeState.REGISTERED
        intake.registered_at = clock.now()
        intake.code = ""  # the notice carries it (sealed) now; the petition keeps its hash
        intake.error = ""
    intake.attempts += 1
    intake.save(update_fields=["petition", "state", "registered_at", "attempts", "code", "error"])
    return intake.state == IntakeState.REGISTERED


def _queued() -> QuerySet[PetitionIntake]:
    # Rows another worker holds are skipped (PostgreSQL); SQLite has one writer.
    return (
        PetitionIntake.objects.select_for_update(skip_locked=True)
        .select_related("submitted_by")
        .filter(state=IntakeState.QUEUED)
    )


def petition_intake_register(intake_id: int) -> PetitionIntake | None:
    """Register one queued petition. None when there is nothing to do (registered
    or failed already, or another worker holds it) or this attempt failed (the
    reason is on the row)."""
    with transaction.atomic():
        intake = _queued().filter(pk=intake_id).first()
        if intake is None:
            return None
        return intake if _register(intake) else None


def petition_intakes_register(*, batch: int = BATCH, first: int | None = None) -> int:
    """Register every queued petition, oldest first, `batch` to a transaction (one
    commit and one hand-over of the batch's notices to the queue), in one pass:
    the wake-up task (`first`: the one it was woken for, registered before the
    others), the minute sweep and the bench. Returns how many were registered."""
    registered = 0 if first is None else int(petition_intake_register(first) is not None)
    last = 0
    while True:
        with transaction.atomic():
            intakes = list(_queued().filter(pk__gt=last).order_by("pk")[:batch])
            if not intakes:
                return registered
            registered += sum(_register(intake) for intake in intakes)
        last = intakes[-1].pk


@transaction.atomic
def petition_intake_retry(*, intake: PetitionIntake) -> bool:
    """Queue a failed intake again (after the commission corrected the routing, say)."""
    retried = PetitionIntake.objects.filter(pk=intake.pk, state=IntakeState.FAILED).update(
        state=IntakeState.QUEUED, attempts=0
    )
    if retried:
        transaction.on_commit(_WakeWorker(intake.pk).schedule, robust=True)
    return bool(retried)


def queued_by_number_and_code(number: str, code: str) -> PetitionIntake | None:
    """The public look-up for a petition accepted but not registered yet."""
    intake = (
        PetitionIntake.objects.filter(number=number.strip())
        .exclude(state=IntakeState.REGISTERED)
        .first()
    )
    stored = intake.verification_hash if intake else ""
    return intake if PETITION_VERIFICATION.matches(code, stored) else None
