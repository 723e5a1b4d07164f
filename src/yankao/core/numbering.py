"""Readable, unique numbers for records, safe under concurrent intake."""

from django.db import IntegrityError, transaction
from django.db.models import F

from yankao.core.models import Sequence


def next_value(key: str) -> int:
    """The next value of the named counter (1, 2, 3 …), without gaps from races.
    Call it inside the transaction that stores the number, so a rollback
    returns the value."""
    with transaction.atomic():
        if Sequence.objects.filter(key=key).update(value=F("value") + 1) == 0:
            try:
                with transaction.atomic():
                    Sequence.objects.create(key=key, value=1)
                    return 1
            except IntegrityError:
                Sequence.objects.filter(key=key).update(value=F("value") + 1)
        return Sequence.objects.values_list("value", flat=True).get(key=key)
