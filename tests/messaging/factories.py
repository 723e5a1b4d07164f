from datetime import timedelta
from typing import Any

from django.utils import timezone

from yankao.messaging.models import OutboxMessage


def make_message(**fields: Any) -> OutboxMessage:
    defaults: dict[str, Any] = {
        "channel": "email",
        "to": ["alice@example.org"],
        "subject": "Item A-1 is due",
        "body": "Please reply by Friday.",
        # Due a moment ago, so a test's "now" taken before creating it still finds it due.
        "next_attempt_at": timezone.now() - timedelta(minutes=1),
    }
    return OutboxMessage.objects.create(**{**defaults, **fields})
