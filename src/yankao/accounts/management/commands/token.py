from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yankao.accounts.models import ApiToken, User
from yankao.accounts.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens: yankao token create USERNAME [--name NAME]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            self._revoke(options["prefix"])
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No staff account named {options['username']!r}.") from exc
        if action == "create":
            issued = token_create(user=user, name=options["name"])
            self.stdout.write(issued.raw)
        else:
            for token in user.api_tokens.order_by("created_at"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}\t{token.name}\t{state}\t{token.created_at}")

    def _revoke(self, prefix: str) -> None:
        tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} active tokens have the prefix {prefix!r}.")
        token_revoke(token=tokens[0])
        self.stdout.write(f"Revoked {prefix}.")
