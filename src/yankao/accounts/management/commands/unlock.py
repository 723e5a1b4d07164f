from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from yankao.accounts.signin import sign_in_unlock


class Command(BaseCommand):
    help = (
        "Unlock sign-in for usernames: forget their failed sign-ins from every address "
        "(django-axes' reset) and the throttle of their second factor."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        for username in options["usernames"]:
            removed = sign_in_unlock(username=username, by="command line")
            self.stdout.write(f"{username}: unlocked ({removed} failure records removed).")
