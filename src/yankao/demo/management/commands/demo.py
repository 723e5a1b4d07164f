import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yankao.demo.staff import DEMO_LOGINS, DEMO_PASSWORD, busiest_handler
from yankao.organisation.models import Agency


class Command(BaseCommand):
    help = (
        "Run the demo city: migrate, seed when the database is empty, print the demo "
        "sign-ins, and serve with the background worker on 127.0.0.1:8000."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("The demo runs only with YANKAO_DEMO=1 (use `make demo`).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not Agency.objects.exists():
            self.stdout.write("Empty database: building the demo city…")
            call_command("seed")
        self._print_logins(options["addrport"])
        if options["no_serve"]:
            return
        worker = subprocess.Popen([sys.executable, "-m", "yankao", "run_huey", "--workers", "2"])
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def _print_logins(self, addrport: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nYankao demo: http://{addrport}/"))
        self.stdout.write(f"Every demo sign-in has the password: {DEMO_PASSWORD}")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<18} {login.role:<14} {login.full_name}")
        self.stdout.write("Every agency has its own: <agency key>-handler, -supervisor.")
        handler = busiest_handler()
        if handler is not None and handler.agency is not None:
            agency, username = handler.agency.name, handler.username
            self.stdout.write(f"The most open cases are with {agency}: sign in as {username}.")
        self.stdout.write(f"E-mail the platform sends is written to {settings.EMAIL_FOLDER}\n")
