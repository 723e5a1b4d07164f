"""Tracked items in bulk, for trying the platform at city scale (`seed --items`).

Rows are written in batches straight into the item table, with the same
deadline arithmetic and verdict rules as the services, so statistics over them
mean what they mean for real items. They carry no history: the demo's replayed
directives show history; these show volume. Memory stays bounded by the batch.

Speed (a million rows in about 20 seconds on SQLite) comes from these choices:
- Items are numbered in order of receipt, as real registers are, so every index
  that follows time grows at its end instead of being written all over.
- Moments are whole seconds from a Taipei midnight. Deadlines come from
  `add_working_days`, asked once per (receipt day, before/after office close, time
  limit); elapsed working time comes from a table of working seconds before each
  day, built from `is_working_day`. Every `CHECK_EVERY`-th row is recomputed by
  the calendar services themselves and the seed stops if they disagree.
- Rows go in through `executemany` on the raw table (COPY on PostgreSQL), one
  transaction per batch, while a forked child draws the next batch (`drawn_ahead`).
  (SQLite PRAGMAs for the load, such as a larger page cache or synchronous=OFF,
  were measured and gained nothing once rows arrive in order, so there are none.)
"""

from __future__ import annotations

import multiprocessing
import random
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from yankao.calendar import services as office_calendar
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.tracking.models import Clock, Outcome, Status, TrackedItem

# Plain strings, for the database and because enum member access costs in the row loop.
ASSIGNED, IN_PROGRESS, CLOSED = Status.ASSIGNED.value, Status.IN_PROGRESS.value, Status.CLOSED.value
ON_TIME, LATE, WORKING_DAYS = Outcome.ON_TIME.value, Outcome.LATE.value, Clock.WORKING_DAYS.value

Batch = TypeVar("Batch")
_DRAWN = "drawn"  # what the drawing process sends after the last batch

BATCH = 20_000
SPAN_DAYS = 730
CHECK_EVERY = 997  # prime, so the checked rows do not fall into a pattern of the batch
QUARTER_HOUR = 900
DAY = 86_400  # Taiwan keeps no daylight saving time, as the calendar services assume
LIMITS = (3, 6, 6, 6, 10, 15, 30)
TITLES = (
    "道路坑洞修補",
    "路燈故障",
    "側溝阻塞",
    "違規停車",
    "噪音陳情",
    "公園設施損壞",
    "行道樹修剪",
    "垃圾清運",
    "號誌故障",
    "人行道破損",
)

# Columns written; the others (unit, handler, reminded at) stay NULL.
COLUMNS = (
    "kind",
    "number",
    "title",
    "owner_agency_id",
    "status",
    "received_at",
    "clock_started_at",
    "clock",
    "time_limit",
    "due_at",
    "original_due_at",
    "remind_at",
    "commission_escalation_at",
    "escalation",
    "closed_at",
    "outcome",
    "working_days_taken",
    "extension_count",
    "transfer_count",
    "version",
    "created_at",
    "updated_at",
)


class BulkCheckError(RuntimeError):
    """A generated row disagrees with what the calendar services compute for it."""


@dataclass
class _Deadline:
    seconds: int  # the deadline, in seconds after the timeline's start
    due: Any  # the deadline as the database takes it
    remind: Any
    commission: Any


@dataclass
class Timeline:
    """The two years the items are spread over, as whole seconds after a Taipei
    midnight, with what the calendar services say about each of those days."""

    start: datetime
    now: datetime
    adapt: Callable[[datetime], Any] = field(repr=False)
    sqlite_start: datetime | None = None  # naive, in the database's time zone
    seconds: int = 0
    close: int = 0
    worked_before: list[int] = field(default_factory=list, repr=False)
    working: list[bool] = field(default_factory=list, repr=False)
    deadlines: dict[tuple[int, bool, int], _Deadline] = field(default_factory=dict, repr=False)
    closings: dict[int, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, *, now: datetime, adapt: Callable[[datetime], Any]) -> Timeline:
        local_now = office_calendar.to_taipei(now)
        first = local_now.date() - timedelta(days=SPAN_DAYS)
        start = datetime.combine(first, time(0), tzinfo=office_calendar.TAIPEI)
        timeline = cls(start=start, now=now, adapt=adapt)
        if connection.vendor == "sqlite":
            timeline.sqlite_start = timezone.make_naive(start, connection.timezone)
        timeline.seconds = int((now - start).total_seconds())
        close = office_calendar.office_close()
        timeline.close = close.hour * 3600 + close.minute * 60 + close.second
        timeline._count_working_days(first, local_now.date())
        return timeline

    def _count_working_days(self, first: date, last: date) -> None:
        total = 0
        for offset in range((last - first).days + 1):
            working = office_calendar.is_working_day(first + timedelta(days=offset))
            self.worked_before.append(total)
            self.working.append(working)
            total += DAY if working else 0

    def moment(self, seconds: int) -> datetime:
        return self.start + timedelta(seconds=seconds)

    def value(self, seconds: int) -> Any:
        """The moment as the database takes it. On SQLite that is the text of the naive
        moment in the database's time zone, as Django's SQLite backend writes it; made
        here directly because it is most of the work per row."""
        if self.sqlite_start is not None:
            return str(self.sqlite_start + timedelta(seconds=seconds))
        return self.adapt(self.moment(seconds))

    def deadline(self, received: int, limit: int) -> _Deadline:
        """The deadline of a working-day limit, which depends only on the receipt's
        Taipei day and on whether it came before office close."""
        key = (received // DAY, received % DAY < self.close, limit)
        found = self.deadlines.get(key)
        if found is None:
            due = office_calendar.add_working_days(self.moment(received), limit)
            found = _Deadline(
                seconds=int((due - self.start).total_seconds()),
                due=self.adapt(due),
                remind=self.adapt(due - timedelta(days=1)),
                commission=self.adapt(due + timedelta(days=3)),
            )
            self.deadlines[key] = found
        return found

    def prepare_deadlines(self, limits: Iterable[int]) -> None:
        """Ask the calendar services now for every deadline `deadline` can be asked
        for with these limits, so that later calls need neither them nor the
        database (rows may then be drawn in another process, `drawn_ahead`)."""
        for limit in sorted(set(limits)):
            for day in range(len(self.working)):
                for seconds in (day * DAY, day * DAY + self.close):  # before, after close
                    self.deadline(seconds, limit)

    def worked(self, moment: int) -> int:
        """Working seconds from the start to the moment (before now)."""
        day, into = divmod(moment, DAY)
        return self.worked_before[day] + (into if self.working[day] else 0)

    def closing(self, moment: int) -> Any:
        found = self.closings.get(moment)
        if found is None:
            found = self.closings[moment] = self.value(moment)
        return found


_TENTHS: dict[int, Decimal] = {}


def working_days(seconds: int) -> Decimal:
    """Working seconds as days to one decimal, rounded half up as the services do."""
    tenths = (seconds * 20 + DAY) // (2 * DAY)
    found = _TENTHS.get(tenths)
    if found is None:
        found = _TENTHS[tenths] = Decimal(tenths).scaleb(-1)
    return found


def batch_rows(
    rng: random.Random,
    *,
    timeline: Timeline,
    first_number: int,
    size: int,
    window: range,
    agency_ids: list[int],
    stamp: Any,
    checks: list[tuple[tuple[Any, ...], int, int]] | None = None,
) -> list[tuple[Any, ...]]:
    """`size` rows (values in COLUMNS order) received in the window of seconds, in
    order of receipt and numbered from first_number. Every CHECK_EVERY-th row is
    checked against the calendar services (`check_row`) at once, or, given `checks`,
    added to it for the caller to check (when the rows are drawn without the
    database, as in `drawn_ahead`)."""
    receipts = receipt_moments(rng, window=window, size=size)
    rows = []
    for i, received in enumerate(receipts):
        rows.append(_row(rng, timeline, first_number + i, received, agency_ids, stamp, checks))
    return rows


def receipt_moments(rng: random.Random, *, window: range, size: int) -> list[int]:
    """`size` receipts at whole minutes in the window of seconds, in order."""
    low, span = window.start // 60, max(1, (window.stop - window.start) // 60)
    return sorted(60 * (low + rng.randrange(span)) for _ in range(size))


@dataclass(slots=True)
class Lifecycle:
    """What happened to an item received at a moment with a limit: its deadline,
    status, and (when closed) its closing moment, verdict and working days."""

    deadline: _Deadline
    status: str
    closed: int  # the (planned) closing moment, in seconds; a past one only if closed
    closed_at: Any
    outcome: str
    taken: Decimal | None


def lifecycle(rng: random.Random, timeline: Timeline, received: int, limit: int) -> Lifecycle:
    """Draw an item's fate as the services would have recorded it."""
    deadline = timeline.deadline(received, limit)
    share = rng.uniform(1.05, 2.0) if rng.random() < 0.1 else rng.uniform(0.2, 0.98)
    closed = ((received + int((deadline.seconds - received) * share)) // QUARTER_HOUR + 1) * (
        QUARTER_HOUR
    )
    status, closed_at, outcome, taken = IN_PROGRESS, None, "", None
    if closed < timeline.seconds and rng.random() < 0.92:
        status, closed_at = CLOSED, timeline.closing(closed)
        outcome = ON_TIME if closed <= deadline.seconds else LATE
        taken = working_days(timeline.worked(closed) - timeline.worked(received))
    elif rng.random() < 0.3:
        status = ASSIGNED
    return Lifecycle(deadline, status, closed, closed_at, outcome, taken)


def item_row(
    rng: random.Random,
    timeline: Timeline,
    fate: Lifecycle,
    *,
    kind: str,
    number: str,
    title: str,
    owner_id: int,
    received: int,
    limit: int,
    stamp: Any,
) -> tuple[Any, ...]:
    """An item's values in COLUMNS order (draws the extension and transfer flags)."""
    received_at, deadline = timeline.value(received), fate.deadline
    return (
        kind,
        number,
        title,
        owner_id,
        fate.status,
        received_at,
        received_at,
        WORKING_DAYS,
        limit,
        deadline.due,
        deadline.due,
        deadline.remind,
        deadline.commission,
        0,
        fate.closed_at,
        fate.outcome,
        fate.taken,
        int(rng.random() < 0.05),
        int(rng.random() < 0.04),
        1,
        stamp,
        stamp,
    )


def _row(
    rng: random.Random,
    timeline: Timeline,
    number: int,
    received: int,
    agency_ids: list[int],
    stamp: Any,
    checks: list[tuple[tuple[Any, ...], int, int]] | None,
) -> tuple[Any, ...]:
    limit = rng.choice(LIMITS)
    fate = lifecycle(rng, timeline, received, limit)
    row = item_row(
        rng,
        timeline,
        fate,
        kind="sample",
        number=f"S{number:08d}",
        title=rng.choice(TITLES),
        owner_id=rng.choice(agency_ids),
        received=received,
        limit=limit,
        stamp=stamp,
    )
    if number % CHECK_EVERY == 0:
        if checks is None:
            check_row(timeline, row, received, fate.closed)
        else:
            checks.append((row, received, fate.closed))
    return row


def check_row(timeline: Timeline, row: tuple[Any, ...], received: int, closed: int) -> None:
    """Recompute a row's moments and figures with Django and the calendar services."""
    values = dict(zip(COLUMNS, row, strict=True))
    moment, adapt = timeline.moment(received), timeline.adapt
    due = office_calendar.add_working_days(moment, values["time_limit"])
    if (values["received_at"], values["due_at"]) != (adapt(moment), adapt(due)):
        raise BulkCheckError(f"The row {values['number']} does not match a receipt at {moment}.")
    if values["closed_at"] is None:
        return
    ended = timeline.moment(closed)
    taken = office_calendar.working_days_between(moment, ended)
    if (values["closed_at"], values["working_days_taken"]) != (adapt(ended), taken):
        raise BulkCheckError(f"The row {values['number']} does not match a closing at {ended}.")


def drawn_ahead(batches: Iterable[Batch]) -> Iterator[Batch]:
    """The batches, drawn in a child process while the caller writes the one before:
    the database's work on a batch overlaps the Python drawing the next (a thread
    would not do: SQLite takes the GIL back for every row, and waits for it behind
    the drawing thread). The child is forked, so the batches' generator goes on
    there as it would here; each batch comes back pickled through a pipe, which
    holds about one batch, so memory stays bounded. The batches must not use the
    database (the child never touches the parent's connection). Where fork is not
    the way of the platform, the batches are drawn here, one after the other.
    An error while drawing is raised here; when the caller stops, the child stops."""
    if sys.platform != "linux":
        yield from batches
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def draw() -> None:
        receiving.close()
        try:
            for batch in batches:
                sending.send((batch, None))
            sending.send((_DRAWN, None))
        except BaseException as error:  # raised again in the parent
            try:
                sending.send((_DRAWN, error))
            except Exception:  # not picklable: its text, then
                sending.send((_DRAWN, RuntimeError(f"{type(error).__name__}: {error}")))

    child = context.Process(target=draw, name="bulk-draw", daemon=True)
    child.start()
    sending.close()
    try:
        while True:
            try:
                batch, error = receiving.recv()
            except EOFError:
                raise RuntimeError("The process drawing the rows ended unexpectedly.") from None
            if error is not None:
                raise error
            if batch == _DRAWN:
                return
            yield batch
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join()


def writer(
    model: type[Model] = TrackedItem, names: tuple[str, ...] = COLUMNS
) -> Callable[[list[tuple[Any, ...]]], None]:
    """A function writing one batch of rows (values in `names` order, attribute names of
    the model) in a transaction: COPY on PostgreSQL (about four times faster than
    INSERT there), executemany of one INSERT elsewhere."""
    meta, quote = model._meta, connection.ops.quote_name
    column_of = {field.attname: field.column for field in meta.concrete_fields}
    table = quote(meta.db_table)
    columns = ", ".join(quote(column_of[name]) for name in names)
    marks = ", ".join(["%s"] * len(names))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def write(rows: list[tuple[Any, ...]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.executemany(insert, rows)
                return
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    return write


def bulk_items_seed(
    *, count: int, seed: int = 1150101, progress: Callable[[int], object] = lambda n: None
) -> int:
    """Write `count` sample items received over the last two years; rows depend only
    on the seed, the current moment (clock.now) and the agencies."""
    rng = random.Random(seed)
    agency_ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    if not agency_ids:
        raise ValueError("There are no agencies to own the items; load the city first.")
    now = clock.now().replace(microsecond=0)
    adapt = connection.ops.adapt_datetimefield_value
    timeline = Timeline.build(now=now, adapt=adapt)
    first = TrackedItem.objects.filter(kind="sample").count() + 1
    write, stamp = writer(), adapt(now)
    # The rows are drawn in a child process (`drawn_ahead`), which must not use the
    # calendar services' database: every deadline is asked for now, and the
    # sampled rows are checked here.
    timeline.prepare_deadlines(LIMITS)

    def batches() -> Iterator[tuple[list[tuple[Any, ...]], list[Any]]]:
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            window = range(
                offset * timeline.seconds // count, (offset + size) * timeline.seconds // count
            )
            checks: list[tuple[tuple[Any, ...], int, int]] = []
            rows = batch_rows(
                rng,
                timeline=timeline,
                first_number=first + offset,
                size=size,
                window=window,
                agency_ids=agency_ids,
                stamp=stamp,
                checks=checks,
            )
            yield rows, checks

    for rows, checks in drawn_ahead(batches()):
        for check in checks:
            check_row(timeline, *check)
        write(rows)
        progress(len(rows))
    return count
