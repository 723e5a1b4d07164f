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
- Case numbers are those of `petitions.services.case_number` (ROC date of receipt and
  a sequence through the ROC year), continuing the same counters (`core.Sequence`,
  key `petition-<ROC year>`), which are moved on in each batch's transaction, so the
  real intake keeps numbering after the bulk rows without a clash.
- Personal data is fake and recognisably so (e-mail at example.invalid, 09 numbers
  drawn at random, names from the demo's name lists); it is shown masked anyway.
- `verification_hash` stays empty: these petitions cannot be looked up publicly.
- No history (events), attachments or ratings: the demo's real petitions show those.
- The indexes on the petitioner's e-mail and phone are set aside during a load that
  at least doubles the table, and built again at the end (also when it fails).
  Their keys are random, so each batch would otherwise rewrite a page of the index
  for nearly every row: at a million rows on SQLite that was 40 s of the load, and
  building both afresh takes 3.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from yankao.calendar.roc import roc_year
from yankao.core import clock
from yankao.core.models import Sequence
from yankao.demo import bulk
from yankao.demo.petitions import CHANNELS, MATTERS, ROADS
from yankao.demo.staff import GIVEN, SURNAMES
from yankao.organisation.models import District
from yankao.petitions.models import Category, Disposition, Petition, RoutingRule
from yankao.petitions.selectors import petition_route
from yankao.tracking.models import TrackedItem

KIND = "petition"
BATCH = bulk.BATCH
NORMAL = Disposition.NORMAL.value
# Indexes whose keys are random (the petitioner's contact), set aside during a large load.
RANDOM_KEY_INDEXES = ("petition_email", "petition_phone")
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
    """Case numbers as `services.case_number` makes them, continuing its counters."""

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
            year = roc_year(day)
            found = self.days[index] = (
                f"petition-{year}",
                f"{year:03d}{day.month:02d}{day.day:02d}-",
            )
        key, prefix = found
        value = self.counters.get(key, 0) + 1
        self.counters[key] = value
        self.touched.add(key)
        return f"{prefix}{value:06d}"

    def save(self) -> None:
        """Store the counters moved on since the last save (inside the batch's
        transaction)."""
        for key in sorted(self.touched):
            value = self.counters[key]
            if Sequence.objects.filter(key=key).update(value=value) == 0:
                Sequence.objects.create(key=key, value=value)
        self.touched.clear()


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


@contextmanager
def indexes_set_aside(names: tuple[str, ...]) -> Iterator[None]:
    """Petition indexes dropped for the block and built again after it, whatever
    happens in it. Not inside a transaction on SQLite (its schema editor refuses)."""
    indexes = [index for index in Petition._meta.indexes if index.name in names]
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Petition, index)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.add_index(Petition, index)


def bulk_petitions_seed(
    *,
    count: int,
    seed: int = 1150101,
    progress: Callable[[int], object] = lambda n: None,
    set_aside: bool | None = None,
) -> int:
    """Write `count` petitions received over the last two years; rows depend only on
    the seed, the current moment (clock.now), the city and the counters.
    `set_aside`: build the random-key indexes afresh at the end (by default, when
    the load is a batch or more and at least doubles the table)."""
    if set_aside is None:
        set_aside = count >= max(BATCH, Petition.objects.count())
    if not set_aside:
        return _seed(count=count, seed=seed, progress=progress)
    with indexes_set_aside(RANDOM_KEY_INDEXES):
        return _seed(count=count, seed=seed, progress=progress)


def _seed(*, count: int, seed: int, progress: Callable[[int], object]) -> int:
    rng = random.Random(seed)
    router = Router()
    categories, weights = _weighted_categories()
    districts = list(District.objects.order_by("sort_order").values_list("pk", "name"))
    # A district named, each alike, or none (the DISTRICT_GIVEN share).
    places: list[tuple[int | None, str]] = [*districts, (None, "")]
    place_weights = [DISTRICT_GIVEN / max(len(districts), 1)] * len(districts)
    place_weights.append(1 - DISTRICT_GIVEN)
    names = [surname + given for surname in SURNAMES for given in GIVEN]
    if not categories or not router.rules:
        raise ValueError("There are no petition categories or rules; load the city first.")
    channels = [str(channel) for channel, _ in CHANNELS]
    channel_weights = [weight for _, weight in CHANNELS]
    now = clock.now().replace(microsecond=0)
    adapt = connection.ops.adapt_datetimefield_value
    timeline = bulk.Timeline.build(now=now, adapt=adapt)
    numbers = _Numbers(timeline)
    write_items = bulk.writer()
    write_petitions = bulk.writer(Petition, PETITION_COLUMNS)
    stamp = adapt(now)
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        window = range(
            offset * timeline.seconds // count, (offset + size) * timeline.seconds // count
        )
        receipts = bulk.receipt_moments(rng, window=window, size=size)
        drawn_categories = rng.choices(categories, weights=weights, k=size)
        drawn_channels = rng.choices(channels, weights=channel_weights, k=size)
        # The plain draws of the batch at once: choices() costs a fraction of a
        # choice() or randrange() a row.
        drawn_places = rng.choices(places, weights=place_weights, k=size)
        drawn_roads = rng.choices(ROADS, k=size)
        drawn_houses = rng.choices(HOUSES, k=size)
        drawn_names = rng.choices(names, k=size)
        drawn_mailboxes = rng.choices(MAILBOXES, k=size)
        drawn_phones = rng.choices(PHONES, k=size)
        items, petitions = [], []
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
            items.append(row)
            anonymous = rng.random() < ANONYMOUS
            place = f"高雄市{district_name}{road}{drawn_houses[n]}號"
            petitions.append(
                [
                    number,  # replaced by the item's id once written
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
                ]
            )
            if (offset + len(items)) % bulk.CHECK_EVERY == 0:
                _check(timeline, row, received, fate.closed, category, district_id)
        with transaction.atomic():
            _write_batch(write_items, write_petitions, items, petitions)
            numbers.save()
        progress(size)
    return count


def _write_batch(
    write_items: Callable[[list[tuple[Any, ...]]], None],
    write_petitions: Callable[[list[tuple[Any, ...]]], None],
    items: list[tuple[Any, ...]],
    petitions: list[list[Any]],
) -> None:
    """Write the items, read back their ids (by number, among the rows just added),
    then the petitions pointing at them. Call inside a transaction."""
    before = TrackedItem.objects.aggregate(top=Max("pk"))["top"] or 0
    write_items(items)
    ids = dict(TrackedItem.objects.filter(pk__gt=before, kind=KIND).values_list("number", "pk"))
    if len(ids) < len(items):
        raise bulk.BulkCheckError("Some petition items were not written.")
    for values in petitions:
        values[0] = ids[values[0]]
    write_petitions([tuple(values) for values in petitions])


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
