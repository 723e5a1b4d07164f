"""Background work of the outbox, run by the huey consumer (`yankao run_huey`).

`deliver_messages` is queued once after each commit that wrote messages, so they go
out within seconds; `deliver_due_messages` sweeps every minute for retries and for
anything the queue lost (a broker outage, a worker killed mid-task).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yankao.messaging.services import (
    outbox_deliver,
    outbox_deliver_due,
    recipient_quotas_purge,
)


@db_task()
def deliver_messages(message_ids: list[int]) -> None:
    # No huey retries: the outbox keeps its own attempts and schedule; one message
    # failing does not hold back the others.
    for message_id in message_ids:
        outbox_deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def deliver_due_messages() -> int:
    return outbox_deliver_due()


@db_periodic_task(crontab(minute="5"))
def purge_recipient_quotas() -> int:
    """The counts of confirmations per address are needed for the hour only."""
    return recipient_quotas_purge()
