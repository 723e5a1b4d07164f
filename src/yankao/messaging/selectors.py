"""Reads of the outbox."""

from django.db.models import Count

from yankao.messaging.models import OutboxMessage, Status


def outbox_status_counts() -> dict[str, int]:
    """How many messages are in each status, every status listed (one query)."""
    counts = dict.fromkeys(Status.values, 0)
    rows = OutboxMessage.objects.order_by().values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts
