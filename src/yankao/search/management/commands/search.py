from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from yankao.search import sources
from yankao.search.services import DEFAULT_BATCH, reindex


class Command(BaseCommand):
    help = "Full-text search: yankao search reindex [--source petition] [--batch 2000]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "reindex", help="Rebuild the index from the sources' rows, a batch at a time."
        )
        rebuild.add_argument(
            "--source",
            action="append",
            help="Only this source (repeatable); every source when left out.",
        )
        rebuild.add_argument("--batch", type=int, default=DEFAULT_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["source"] or sources.keys()
        unknown = sorted(set(chosen) - set(sources.keys()))
        if unknown:
            raise CommandError(
                f"Unknown source {', '.join(unknown)}; known: {', '.join(sources.keys())}."
            )
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        for key in chosen:
            with tqdm(desc=key, unit="row", disable=not self.stdout.isatty()) as bar:
                result = reindex(source=key, batch_size=options["batch"], progress=bar.update)
            rate = result.indexed / result.seconds if result.seconds else 0.0
            self.stdout.write(
                f"{key}: {result.indexed} indexed, {result.removed} removed "
                f"in {result.seconds:.1f} s ({rate:.0f}/s)."
            )
