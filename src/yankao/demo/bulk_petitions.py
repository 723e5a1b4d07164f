"""Citizens' petitions in bulk, for trying the petition pages and reports at city scale
(`seed --bulk-petitions`).

Each petition is a tracked item of kind "petition" and its Petition row, written in
batches the way `yankao.demo.bulk` writes sample items, with its helpers: the same
timeline of whole seconds, the same deadline and working-day arithmetic, the same
sampled self-check against the calendar services, executemany (COPY on PostgreSQL),
one transaction per batch, memory bounded by the batch.

What is particular to petitions:
- The category and district are drawn as the demo's real intake draws them (the
  common matters weighted, every other active sub-category now and then); the
  responsible agency is what `petitions.selectors.petition_route` would give, from
  the routing rules read once into memory; the time limit is the category's.
- Case numbers are those of `core.numbering.PETITION_NUMBERS` (ROC date of receipt and
  a sequence through the ROC year), continuing the same counters (`core.Sequence`,
  key `petition-<ROC year>`), which are moved on in each batch's transaction, so the
  real intake keeps numbering after the bulk rows without a clash.
- Personal data is fake and recognisably so (e-mail at example.invalid, 09 numbers
  drawn at random, names from the demo's name lists); it is shown masked anyway.
- `verification_hash` stays empty: these petitions cannot be looked up publicly.
- No history (events), attachments or ratings: the demo's real petitions show those.
- The petition table's plain indexes (all but its key) are set aside during a load
  that at least doubles the table, and built again at the end (also when it fails;
  not when the process is killed). Their keys are spread (the petitioner's contact,
  the category and district before the time), so each batch would otherwise write
  a page of each for nearly every row: at a million rows on SQLite that was about
  40 s of the load, and building them afresh takes about 10. A load killed in
  between leaves them missing; the next load builds them first.
- The rows are drawn in a child process while the batch before is written
  (`bulk.drawn_ahead`), so drawing costs no time of its own after the first batch.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model

from yankao.core import clock
from yankao.core.models import Sequence
from yankao.core.numbering import PETITION_NUMBERS, WIDTH, numbered
from yankao.demo import bulk
from yankao.demo.petitions import CHANNELS, MATTERS, ROADS
from yankao.demo.staff import GIVEN, SURNAMES
from yankao.organisation.models import District
from yankao.petitions.models import Category, Channel, Disposition, Petition, RoutingRule
from yankao.petitions.selectors import petition_route
from yankao.tracking.models import TrackedItem

KIND = "petition"
BATCH = bulk.BATCH
NORMAL = Disposition.NORMAL.value
APP = Channel.APP.value
OTHER_CATEGORY_WEIGHT = 1  # each active sub-category outside MATTERS; MATTERS weigh ×10
DISTRICT_GIVEN = 0.9  # share of petitions that name a district
ANONYMOUS = 0.03
HOUSES = range(1, 400)  # house numbers on the road
MAILBOXES = range(10**6)  # citizen000000@example.invalid …
PHONES = range(10**8)  # 09 and eight digits

PETITION_COLUMNS = (
    "item_id",
    "channel",
    "category_id",
    "district_id",
    "address",
    "subject",
    "content",
    "petitioner_name",
    "petitioner_email",
    "petitioner_phone",
    "petitioner_address",
    "anonymous",
    "language",
    "disposition",
    "verification_hash",
    "created_at",
    "received_at",
    "published",
)


class Router:
    """`petition_route` over the routing rules read once: a rule for the category in
    the district, then for the category anywhere, then the same for its parent."""

    def __init__(self) -> None:
        self.parents = dict(Category.objects.values_list("pk", "parent_id"))
        self.rules: dict[tuple[int, int | None], int] = {
            (category, district): agency
            for category, district, agency in RoutingRule.objects.values_list(
                "category_id", "district_id", "agency_id"
            )
        }
        self._cache: dict[tuple[int, int | None], int | None] = {}

    def route(self, category_id: int, district_id: int | None) -> int | None:
        key = (category_id, district_id)
        if key in self._cache:
            return self._cache[key]
        parent = self.parents.get(category_id)
        found = None
        for category in (category_id, parent):
            if category is None:
                continue
            for district in (district_id, None) if district_id is not None else (None,):
                found = self.rules.get((category, district))
                if found is not None:
                    break
            if found is not None:
                break
        self._cache[key] = found
        return found


class _Numbers:
    """Case numbers as `PETITION_NUMBERS` makes them, continuing its counters."""

    def __init__(self, timeline: bulk.Timeline) -> None:
        self.first_day = timeline.start.date()
        self.counters = dict(
            Sequence.objects.filter(key__startswith="petition-").values_list("key", "value")
        )
        self.days: dict[int, tuple[str, str]] = {}
        self.touched: set[str] = set()

    def next(self, received: int) -> str:
        index = received // bulk.DAY
        found = self.days.get(index)
        if found is None:
            day = self.first_day + timedelta(days=index)
            found = self.days[index] = (PETITION_NUMBERS.key(day), PETITION_NUMBERS.prefix(day))
        key, prefix = found
        value = self.counters.get(key, 0) + 1
        self.counters[key] = value
        self.touched.add(key)
        return numbered(prefix, value, WIDTH)

    def moved(self) -> dict[str, int]:
        """The counters moved on since the last call, with their values now (what
        the batch drawn since then must store)."""
        moved = {key: self.counters[key] for key in sorted(self.touched)}
        self.touched.clear()
        return moved


def _save_counters(counters: dict[str, int]) -> None:
    """Store a batch's counters (inside its transaction)."""
    for key, value in counters.items():
        if Sequence.objects.filter(key=key).update(value=value) == 0:
            Sequence.objects.create(key=key, value=value)


def _weighted_categories() -> tuple[list[Category], list[int]]:
    categories = list(
        Category.objects.filter(is_active=True, parent__isnull=False).order_by("code")
    )
    weights = [
        MATTERS[c.code][0] * 10 if c.code in MATTERS else OTHER_CATEGORY_WEIGHT for c in categories
    ]
    return categories, weights


def _subject(rng: random.Random, category: Category, road: str) -> str:
    matters = MATTERS.get(category.code)
    if matters:
        return rng.choice(matters[1]).format(road=road)
    return f"{road}{category.name}問題反映"


def plain_indexes(model: type[Model]) -> list[tuple[str, str]]:
    """The name and CREATE statement of each index on the model's table that
    enforces nothing (neither a key nor unique), as the database has them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisunique ORDER BY c.relname",
                [connection.ops.quote_name(table)],
            )
        else:
            return []
        found = cursor.fetchall()
    return [(name, sql) for name, sql in found if not sql.upper().startswith("CREATE UNIQUE")]


@contextmanager
def indexes_set_aside(model: type[Model]) -> Iterator[None]:
    """The model's plain indexes (`plain_indexes`) dropped for the block and built
    again after it, from their own statements, whatever happens in it. Its unique
    ones stay and go on checking every row."""
    indexes = plain_indexes(model)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def indexes_restore(model: type[Model]) -> list[str]:
    """Build the indexes the model declares (its fields' and its Meta's) that its
    table lacks, as a load killed before it built its indexes again leaves it.
    Their names."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
    editor = connection.schema_editor()
    # Django's own list of a model's index statements, as `migrate` writes them.
    missing = {
        str(statement.parts["name"]).strip('"'): statement
        for statement in editor._model_indexes_sql(model)  # type: ignore[attr-defined]
    }
    missing = {name: sql for name, sql in missing.items() if name not in present}
    if missing:  # (entered only then: SQLite's refuses to start inside a transaction)
        with editor:
            for statement in missing.values():
                editor.execute(statement)
    return list(missing)


def bulk_petitions_seed(
    *,
    count: int,
    seed: int = 1150101,
    progress: Callable[[int], object] = lambda n: None,
    set_aside: bool | None = None,
) -> int:
    """Write `count` petitions received over the last two years; rows depend only on
    the seed, the current moment (clock.now), the city and the counters.
    `set_aside`: build the table's plain indexes afresh at the end (by default,
    when the load is a batch or more and at least doubles the table)."""
    indexes_restore(Petition)
    if set_aside is None:
        set_aside = count >= max(BATCH, Petition.objects.count())
    if not set_aside:
        return _seed(count=count, seed=seed, progress=progress)
    with indexes_set_aside(Petition):
        return _seed(count=count, seed=seed, progress=progress)


@dataclass
class _Batch:
    """One transaction's rows, drawn without the database (see `_batches`)."""

    items: list[tuple[Any, ...]]  # the id, then bulk.COLUMNS
    petitions: list[tuple[Any, ...]]
    counters: dict[str, int]  # the case-number counters after it
    checks: list[tuple[tuple[Any, ...], int, int, Category, int | None]]


def _seed(*, count: int, seed: int, progress: Callable[[int], object]) -> int:
    """Read what the rows need, then write the batches `_batches` draws, each in its
    own transaction, while the next is drawn in a child process
    (`bulk.drawn_ahead`): the database's work on one batch overlaps the Python that
    makes the next."""
    router = Router()
    categories, weights = _weighted_categories()
    if not categories or not router.rules:
        raise ValueError("There are no petition categories or rules; load the city first.")
    districts = list(District.objects.order_by("sort_order").values_list("pk", "name"))
    now = clock.now().replace(microsecond=0)
    adapt = connection.ops.adapt_datetimefield_value
    timeline = bulk.Timeline.build(now=now, adapt=adapt)
    # Every deadline a row can need, asked of the calendar services now: the
    # process that draws the rows must not use the database.
    timeline.prepare_deadlines({category.time_limit_days for category in categories})
    batches = _batches(
        random.Random(seed),
        count=count,
        first_id=(TrackedItem.objects.aggregate(top=Max("pk"))["top"] or 0) + 1,
        timeline=timeline,
        router=router,
        numbers=_Numbers(timeline),
        categories=(categories, weights),
        districts=districts,
        stamp=adapt(now),
    )
    write_items = bulk.writer(TrackedItem, ("id", *bulk.COLUMNS))
    write_petitions = bulk.writer(Petition, PETITION_COLUMNS)
    # The items' ids are given, so that the petitions can point at them at once;
    # PostgreSQL's counter of ids is then moved past them, in each batch's transaction.
    move_ids_on = connection.ops.sequence_reset_sql(no_style(), [TrackedItem])
    for batch in bulk.drawn_ahead(batches):
        for check in batch.checks:
            _check(timeline, *check)
        with transaction.atomic(), connection.cursor() as cursor:
            write_items(batch.items)
            write_petitions(batch.petitions)
            for sql in move_ids_on:
                cursor.execute(sql)
            _save_counters(batch.counters)
        progress(len(batch.items))
    return count


def _batches(
    rng: random.Random,
    *,
    count: int,
    first_id: int,
    timeline: bulk.Timeline,
    router: Router,
    numbers: _Numbers,
    categories: tuple[list[Category], list[int]],
    districts: list[tuple[int, str]],
    stamp: Any,
) -> Iterator[_Batch]:
    """The rows of `count` petitions, BATCH at a time, in order of receipt, their
    items numbered from `first_id`. Only Python and the seeded generator: no
    database, so that it can run in another process."""
    # A district named, each alike, or none (the DISTRICT_GIVEN share).
    places: list[tuple[int | None, str]] = [*districts, (None, "")]
    place_weights = [DISTRICT_GIVEN / max(len(districts), 1)] * len(districts)
    place_weights.append(1 - DISTRICT_GIVEN)
    names = [surname + given for surname in SURNAMES for given in GIVEN]
    channels = [str(channel) for channel, _ in CHANNELS]
    channel_weights = [weight for _, weight in CHANNELS]
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        window = range(
            offset * timeline.seconds // count, (offset + size) * timeline.seconds // count
        )
        receipts = bulk.receipt_moments(rng, window=window, size=size)
        drawn_categories = rng.choices(categories[0], weights=categories[1], k=size)
        drawn_channels = rng.choices(channels, weights=channel_weights, k=size)
        # The plain draws of the batch at once: choices() costs a fraction of a
        # choice() or randrange() a row.
        drawn_places = rng.choices(places, weights=place_weights, k=size)
        drawn_roads = rng.choices(ROADS, k=size)
        drawn_houses = rng.choices(HOUSES, k=size)
        drawn_names = rng.choices(names, k=size)
        drawn_mailboxes = rng.choices(MAILBOXES, k=size)
        drawn_phones = rng.choices(PHONES, k=size)
        batch = _Batch(items=[], petitions=[], counters={}, checks=[])
        for n, (received, category, channel) in enumerate(
            zip(receipts, drawn_categories, drawn_channels, strict=True)
        ):
            district_id, district_name = drawn_places[n]
            owner = router.route(category.pk, district_id)
            if owner is None:
                raise ValueError(f"No agency handles category {category.code}.")
            road = drawn_roads[n]
            subject = _subject(rng, category, road)
            number = numbers.next(received)
            fate = bulk.lifecycle(rng, timeline, received, category.time_limit_days)
            row = bulk.item_row(
                rng,
                timeline,
                fate,
                kind=KIND,
                number=number,
                title=subject,
                owner_id=owner,
                received=received,
                limit=category.time_limit_days,
                stamp=stamp,
            )
            item_id = first_id + offset + n
            batch.items.append((item_id, *row))
            anonymous = rng.random() < ANONYMOUS
            place = f"高雄市{district_name}{road}{drawn_houses[n]}號"
            batch.petitions.append(
                (
                    item_id,
                    channel,
                    category.pk,
                    district_id,
                    place,
                    subject,
                    f"{district_name}{road}：{subject}。已持續一段時間，請相關單位派員查處並回覆處理情形。",
                    "" if anonymous else drawn_names[n],
                    f"citizen{drawn_mailboxes[n]:06d}@example.invalid",
                    f"09{drawn_phones[n]:08d}",
                    "" if anonymous else place,
                    anonymous,
                    "zh-hant",
                    NORMAL,
                    "",
                    row[5],  # created when received, as at the real intake
                    row[5],
                    # The app's petitions stand for the city app's Open311 posts,
                    # published by default; no other channel's are.
                    channel == APP,
                )
            )
            if (offset + n + 1) % bulk.CHECK_EVERY == 0:
                batch.checks.append((row, received, fate.closed, category, district_id))
        batch.counters = numbers.moved()
        yield batch


def _check(
    timeline: bulk.Timeline,
    row: tuple[Any, ...],
    received: int,
    closed: int,
    category: Category,
    district_id: int | None,
) -> None:
    """The item's moments against the calendar services, and its owner against
    `petition_route` itself (one query)."""
    bulk.check_row(timeline, row, received, closed)
    district = District(pk=district_id) if district_id is not None else None
    routed = petition_route(category, district)
    if routed is None or routed.pk != row[3]:
        raise bulk.BulkCheckError(f"The petition {row[1]} is not routed as the rules say.")
