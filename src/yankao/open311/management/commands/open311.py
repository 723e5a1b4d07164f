from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yankao.open311.models import DEFAULT_RATE_PER_MINUTE, ApiClient
from yankao.open311.services import ClientError, client_create, client_revoke


class Command(BaseCommand):
    help = "Open311 API keys: yankao open311 key create NAME | key list | key revoke PREFIX"

    def add_arguments(self, parser: ArgumentParser) -> None:
        area = parser.add_subparsers(dest="area", required=True)
        key = area.add_parser("key", help="API keys of client applications.")
        action = key.add_subparsers(dest="action", required=True)
        create = action.add_parser("create", help="Issue a key and print it once.")
        create.add_argument("name", help="The client application, e.g. 高雄一指通.")
        create.add_argument(
            "--rate",
            type=int,
            default=DEFAULT_RATE_PER_MINUTE,
            help="Requests per minute allowed to this key.",
        )
        action.add_parser("list", help="List the clients and their keys' prefixes.")
        revoke = action.add_parser("revoke", help="Revoke a key by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                issued = client_create(name=options["name"], rate_per_minute=options["rate"])
            except ClientError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(issued.raw)
        elif action == "list":
            for client in ApiClient.objects.order_by("created_at", "pk"):
                state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "-"
                self.stdout.write(
                    f"{client.prefix}\t{client.name}\t{state}\t"
                    f"{client.rate_per_minute}/min\tlast used {used}"
                )
        else:
            self._revoke(options["prefix"])

    def _revoke(self, prefix: str) -> None:
        clients = list(ApiClient.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if len(clients) != 1:
            raise CommandError(f"{len(clients)} active keys have the prefix {prefix!r}.")
        client_revoke(client=clients[0])
        self.stdout.write(f"Revoked {prefix} ({clients[0].name}).")
