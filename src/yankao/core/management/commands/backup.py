from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yankao.core.backup import BackupError, backup_create


class Command(BaseCommand):
    # A data operation: a serving setting found wrong (a cache kept per process) must
    # not stop a backup in an emergency, nor a restore onto a machine being set up.
    requires_system_checks: list[str] = []
    help = (
        "Back up the database and every stored file into a new folder, with a manifest "
        "of checksums (docs/deployment.md). Safe while the platform serves."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            help="A new or empty folder (default: backups/<UTC time> in the data folder).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]) if options["folder"] else self._default_folder()
        try:
            manifest = backup_create(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        database = manifest["database"]
        rows = sum(database["tables"].values())
        self.stdout.write(
            f"Backed up {database['vendor']} ({len(database['tables'])} tables, {rows:,} rows) "
            f"and {len(manifest['files'])} files into {folder}."
        )
        if manifest["missing_files"]:
            self.stderr.write(
                f"{len(manifest['missing_files'])} file(s) named by rows were missing from "
                "the store; the manifest lists them under missing_files."
            )
        self.stdout.write(
            "Keep YANKAO_SECRET_KEY (and YANKAO_CODES_KEY) apart from the backups: a restore "
            "needs them, or the codes given to citizens stop working."
        )

    def _default_folder(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Path(settings.DATA_DIR) / "backups" / stamp
