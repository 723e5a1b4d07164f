from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from yankao.calendar.services import calendar_load_shipped
from yankao.core.planner import planner_statistics_refresh
from yankao.demo.bulk import bulk_items_seed
from yankao.demo.bulk_petitions import bulk_petitions_seed
from yankao.demo.directives import directives_seed
from yankao.demo.petitions import petitions_seed
from yankao.demo.programmes import TEMPLATES as PROGRAMME_TEMPLATES
from yankao.demo.programmes import programmes_seed
from yankao.demo.staff import agency_staff_create, staff_create
from yankao.organisation.services import city_load
from yankao.petitions.services import petition_reference_load


class Command(BaseCommand):
    help = "Build the demo city deterministically: agencies, staff per role, a year of work."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--directives",
            type=int,
            default=400,
            help="Mayor's directives replayed with full history (default 400).",
        )
        parser.add_argument(
            "--programmes",
            type=int,
            default=None,
            help="Tracked programmes of every kind with two years of monthly progress "
            "(default: the demo's 33; the commission's registries hold about 826).",
        )
        parser.add_argument(
            "--items",
            type=int,
            default=0,
            help="Extra tracked items written in bulk, for scale (e.g. 1000000).",
        )
        parser.add_argument(
            "--petitions",
            type=int,
            default=600,
            help="Citizens' petitions through the real intake (default 600).",
        )
        parser.add_argument(
            "--bulk-petitions",
            type=int,
            default=0,
            help="Extra petitions written in bulk, for scale (e.g. 1000000).",
        )
        parser.add_argument(
            "--legal-bookings",
            type=int,
            default=600,
            help="Free legal consultation bookings on a generated rota (default 600; 0: none).",
        )
        parser.add_argument(
            "--calls",
            type=int,
            default=None,
            help="1999 calls written in bulk over the days before today (default: about "
            "two months, 138,000, when the log is empty; e.g. 1000000 for scale).",
        )
        parser.add_argument(
            "--knowledge",
            action=BooleanOptionalAction,
            default=True,
            help="About 150 knowledge-base articles from the agencies (default on).",
        )
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            help="Extra knowledge-base articles written in bulk, for scale (e.g. 100000).",
        )
        parser.add_argument(
            "--tickets",
            type=int,
            default=300,
            help="Dispatch tickets through the real intake, typhoon weeks included (default 300).",
        )
        parser.add_argument(
            "--bulk-tickets",
            type=int,
            default=0,
            help="Extra dispatch tickets written in bulk, for scale (e.g. 1000000).",
        )
        parser.add_argument(
            "--open311",
            action=BooleanOptionalAction,
            default=True,
            help="In demo mode, an Open311 key for a demo client app, printed once (default on).",
        )
        parser.add_argument("--seed", type=int, default=1150101)

    def handle(self, *args: Any, **options: Any) -> None:
        calendar_load_shipped()
        agencies, districts = city_load()
        petition_reference_load()
        self.stdout.write(
            f"Agencies: {agencies.created} new, {agencies.updated} updated; "
            f"districts: {districts.created} new."
        )
        staff = staff_create()
        extra = agency_staff_create()
        self.stdout.write(f"Staff: {len(staff)} demo sign-ins, {extra} more agency staff.")
        if options["directives"]:
            with tqdm(total=options["directives"], desc="directives", unit="item") as bar:
                made = directives_seed(
                    count=options["directives"], seed=options["seed"], progress=bar.update
                )
            self.stdout.write(f"Directives: {made}.")
        programmes = options["programmes"]
        if programmes is None:
            programmes = len(PROGRAMME_TEMPLATES)
        if programmes:
            with tqdm(total=programmes, desc="programmes", unit="item") as bar:
                made = programmes_seed(count=programmes, seed=options["seed"], progress=bar.update)
            self.stdout.write(f"Programmes: {made}.")
        if options["petitions"]:
            with tqdm(total=options["petitions"], desc="petitions", unit="item") as bar:
                made = petitions_seed(
                    count=options["petitions"], seed=options["seed"], progress=bar.update
                )
            self.stdout.write(f"Petitions: {made}.")
        if options["items"]:
            with tqdm(total=options["items"], desc="tracked items", unit="item") as bar:
                made = bulk_items_seed(
                    count=options["items"], seed=options["seed"], progress=bar.update
                )
            self.stdout.write(f"Bulk tracked items: {made}.")
        if options["bulk_petitions"]:
            with tqdm(total=options["bulk_petitions"], desc="bulk petitions", unit="item") as bar:
                made = bulk_petitions_seed(
                    count=options["bulk_petitions"], seed=options["seed"], progress=bar.update
                )
            self.stdout.write(f"Bulk petitions: {made}.")
        from yankao.dispatch.demo import tickets_seed_for_command

        for line in tickets_seed_for_command(
            tickets=options["tickets"], bulk=options["bulk_tickets"], seed=options["seed"]
        ):
            self.stdout.write(line)
        if options["legal_bookings"]:
            from yankao.legal.demo import legal_seed

            with tqdm(total=options["legal_bookings"], desc="legal bookings", unit="item") as bar:
                made = legal_seed(
                    bookings=options["legal_bookings"], seed=options["seed"], progress=bar.update
                )
            self.stdout.write(f"Legal consultation bookings: {made}.")
        # Before the calls: the demo's calls answered from the knowledge base name its articles.
        if options["knowledge"] or options["articles"]:
            from yankao.knowledge.demo import knowledge_seed_for_command

            for line in knowledge_seed_for_command(
                demo=options["knowledge"], bulk=options["articles"], seed=options["seed"]
            ):
                self.stdout.write(line)
        from yankao.hotline.demo import calls_seed_for_command

        if made := calls_seed_for_command(count=options["calls"], seed=options["seed"]):
            self.stdout.write(f"1999 calls: {made}.")
        bulk = ("items", "bulk_petitions", "bulk_tickets", "articles")
        if any(options[name] for name in bulk):
            # After a bulk load the query planner needs fresh statistics, as an operator
            # would run ANALYZE after loading data (PostgreSQL's autovacuum would, later).
            # On PostgreSQL, VACUUM also marks the new pages all-visible, which lets
            # counts and look-ups be answered from indexes alone, as they are on a
            # database autovacuum has kept.
            done = planner_statistics_refresh(vacuum=True)
            self.stdout.write(f"Statistics refreshed for the query planner ({done}).")
        if options["open311"]:
            from yankao.open311.demo import open311_seed_for_command

            for line in open311_seed_for_command():
                self.stdout.write(line)
