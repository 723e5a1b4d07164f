from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from yankao.messaging.selectors import outbox_status_counts
from yankao.messaging.services import outbox_deliver_due


class Command(BaseCommand):
    help = "Look at the outbox or deliver what is due: yankao outbox status|deliver"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Print how many messages are in each status.")
        deliver = sub.add_parser("deliver", help="Deliver the messages that are due, now.")
        deliver.add_argument("--limit", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for status, count in outbox_status_counts().items():
                self.stdout.write(f"{status}\t{count}")
        else:
            sent = outbox_deliver_due(limit=options["limit"])
            self.stdout.write(f"Sent {sent} message(s).")
