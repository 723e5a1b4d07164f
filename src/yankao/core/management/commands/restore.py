from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yankao.core.backup import BackupError, backup_restore, backup_verify, manifest_read


class Command(BaseCommand):
    # A data operation: a serving setting found wrong (a cache kept per process) must
    # not stop a backup in an emergency, nor a restore onto a machine being set up.
    requires_system_checks: list[str] = []
    help = (
        "Restore a backup made by `yankao backup` into an empty database and file store "
        "(every checksum is checked first), or only check it with --verify."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", help="The backup's folder (with manifest.json).")
        parser.add_argument(
            "--verify", action="store_true", help="Check the checksums only; change nothing."
        )
        parser.add_argument(
            "--accept-new-key",
            action="store_true",
            help="Restore although YANKAO_SECRET_KEY differs from the backup's: every code "
            "given to citizens stops working.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            if options["verify"]:
                manifest = manifest_read(folder)
                backup_verify(folder, manifest)
                self.stdout.write(
                    f"The backup is whole: the database and {len(manifest['files'])} files "
                    "match their checksums."
                )
                return
            restored = backup_restore(
                folder=folder, accept_new_key=options["accept_new_key"], say=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {restored.tables} tables ({restored.rows:,} rows, counts checked) and "
            f"{restored.files} files."
        )
        for note in restored.notes:
            self.stderr.write(note)
        if restored.migrate_needed:
            self.stdout.write("The backup is of an older version: run `yankao migrate` next.")
