"""Dispatch tickets for the demo city. Deterministic for a seed and a moment.

`tickets_seed` registers a few hundred hazards of the last months through the real
intake and plays each one's life forward with the real services (acknowledge,
progress reports, the report that it is dealt with, the odd one left overdue), at
the moments it happened. Two typhoon weeks bring spikes of fallen trees, flooded
roads and underpasses, and power and signal faults.

`bulk_tickets_seed` writes many more tickets straight into the tables, for trying the
list, the map and the statistics at city scale (no history, no photos).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.core.models import Sequence
from yankao.core.numbering import TICKET_NUMBERS
from yankao.core.taipei import to_taipei
from yankao.dispatch.kinds import KIND, TICKET
from yankao.dispatch.models import Channel, Ticket, TicketClass
from yankao.dispatch.services import (
    DispatchError,
    dispatch_reference_load,
    hours_between,
    ticket_acknowledge,
    ticket_create,
    ticket_report_back,
)
from yankao.organisation.models import Agency, District
from yankao.tracking.models import Clock, Escalation, Outcome, Status, TrackedItem

# Rough centres of the districts where most calls come from (WGS 84); tickets
# elsewhere carry an address only, as many real calls do.
POINTS: dict[str, tuple[float, float]] = {
    "nanzi": (22.7280, 120.3100),
    "zuoying": (22.6900, 120.2950),
    "gushan": (22.6480, 120.2750),
    "sanmin": (22.6480, 120.3180),
    "yancheng": (22.6240, 120.2850),
    "qianjin": (22.6270, 120.2950),
    "xinxing": (22.6310, 120.3090),
    "lingya": (22.6220, 120.3200),
    "qianzhen": (22.5950, 120.3150),
    "qijin": (22.5950, 120.2700),
    "xiaogang": (22.5650, 120.3450),
    "fengshan": (22.6270, 120.3570),
    "linyuan": (22.5050, 120.3950),
    "daliao": (22.6050, 120.3950),
    "renwu": (22.7000, 120.3500),
    "niaosong": (22.6600, 120.3650),
    "gangshan": (22.7950, 120.2950),
    "qiaotou": (22.7570, 120.3050),
    "luzhu": (22.8550, 120.2620),
    "qishan": (22.8880, 120.4830),
    "meinong": (22.8970, 120.5400),
}
# How often each class is called in an ordinary week, and in a typhoon week.
ORDINARY: dict[str, int] = {
    "101": 14, "102": 5, "103": 3, "104": 1, "105": 3, "106": 16,
    "201": 6, "202": 2, "203": 2, "204": 3,
    "301": 2, "302": 2, "303": 5, "304": 10, "305": 3, "306": 3,
    "401": 4, "402": 2, "403": 3, "404": 2, "405": 5, "406": 4, "407": 2,
    "501": 2, "502": 3,
    "601": 1, "602": 1, "603": 1, "604": 2, "605": 1,
    "701": 1, "702": 2, "703": 2, "704": 3,
}  # fmt: skip
TYPHOON: dict[str, int] = {"105": 40, "702": 25, "701": 15, "704": 10, "602": 6, "601": 6, "201": 8}
ROADS = [
    "中正一路", "中山二路", "民族一路", "建國三路", "自由二路", "博愛二路", "九如一路",
    "十全一路", "三多四路", "五福三路", "青年二路", "光華一路", "明誠三路", "大順二路",
    "光遠路", "柳橋東路", "澄清路", "鳳林路", "沿海一路", "翠華路",
]  # fmt: skip
WHAT: dict[str, list[str]] = {
    "101": ["機車道有大坑洞，約一公尺寬", "路面坑洞積水，機車閃避危險"],
    "102": ["人孔蓋破裂翹起", "孔蓋凹陷，車輛經過聲響很大"],
    "103": ["路面明顯下陷約十公分"],
    "104": ["路面出現掏空，已有裂縫"],
    "105": ["路樹倒塌擋住車道", "行道樹斷枝掉落人行道", "大樹傾斜壓到路邊機車"],
    "106": ["路燈不亮，整段路很暗", "路燈閃爍不停"],
    "201": ["路口號誌全暗，車流混亂", "號誌一直閃黃燈"],
    "202": ["左轉秒數太短，車輛回堵"],
    "203": ["公車站動態看板沒有顯示"],
    "204": ["速限標誌被撞歪", "指示牌傾斜快掉下來"],
    "301": ["兩車相撞，車道受阻"],
    "302": ["路口車輛回堵，需要指揮"],
    "303": ["深夜有人大聲喧嘩"],
    "304": ["紅線違規停車擋住出入口", "轎車併排停車"],
    "305": ["攤販佔用車道"],
    "306": ["騎樓堆滿雜物，行人無法通行"],
    "401": ["路上有掉落的木板", "車道上散落砂石"],
    "402": ["路面大片油漬，機車打滑"],
    "403": ["工廠整夜運轉噪音"],
    "404": ["附近有人露天燃燒，煙很大"],
    "405": ["空地堆放垃圾發臭"],
    "406": ["路邊棄置舊沙發"],
    "407": ["電線桿貼滿小廣告"],
    "501": ["路邊有受傷的狗", "貓咪被車撞傷躺在路邊"],
    "502": ["一群流浪狗追逐機車"],
    "601": ["整條街停電"],
    "602": ["電線掉落在路面上", "電線被樹枝壓斷垂下"],
    "603": ["聞到很濃的瓦斯味"],
    "604": ["路面有水一直冒出", "整棟大樓沒有水"],
    "605": ["電信線垂落到路面"],
    "701": ["地下道積水約三十公分，機車無法通行", "地下道淹水，已有車輛受困"],
    "702": ["路面積水到腳踝", "路口淹水，車輛熄火"],
    "703": ["人孔蓋鬆動，車輛經過一直有聲響"],
    "704": ["側溝阻塞，雨水漫到路面", "水溝蓋不見了，很危險"],
}
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = ["志明", "淑芬", "美玲", "家豪", "怡君", "建宏", "雅婷", "俊傑", "佳蓉", "冠宇"]
CHANNELS = [(Channel.PHONE, 70), (Channel.APP, 18), (Channel.OPEN311, 4), (Channel.STAFF, 8)]
DONE_TEXT = [
    "已派員到場處理完成，現場恢復通行。",
    "已完成修復，並拍照存證。",
    "已清除完畢，請民眾安心通行。",
]
PROGRESS_TEXT = [
    "已派員前往，先設置警示設施。",
    "現場已管制，待機具到場施工。",
    "已通知廠商，預計今日內完成。",
]
SPAN_DAYS = 150


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def typhoon_weeks(today: datetime) -> list[datetime]:
    """Two typhoons in the span: roughly four and two months back, Monday 00:00."""
    starts = []
    for days_back in (120, 60):
        day = (today - timedelta(days=days_back)).replace(hour=0, minute=0, second=0)
        starts.append(day - timedelta(days=day.weekday()))
    return starts


def _in_typhoon(moment: datetime, typhoons: list[datetime]) -> bool:
    return any(start <= moment < start + timedelta(days=4) for start in typhoons)


def _moments(rng: random.Random, today: datetime, count: int) -> list[datetime]:
    """Calls over the span, a quarter of them inside the typhoon weeks, at any hour
    (fewer at night)."""
    typhoons = typhoon_weeks(today)
    start = today - timedelta(days=SPAN_DAYS)
    moments = []
    for _ in range(count):
        if rng.random() < 0.25:
            base = rng.choice(typhoons) + timedelta(hours=rng.uniform(0, 96))
        else:
            base = start + timedelta(days=rng.uniform(0, SPAN_DAYS))
            if base.hour < 6 and rng.random() < 0.6:
                base += timedelta(hours=8)
        if base < today:
            moments.append(base.replace(second=0, microsecond=0))
    return sorted(moments)


def _point(rng: random.Random, district: District) -> tuple[Decimal | None, Decimal | None]:
    centre = POINTS.get(district.key)
    if centre is None or rng.random() < 0.1:
        return None, None
    lat = Decimal(str(round(centre[0] + rng.uniform(-0.012, 0.012), 6)))
    lon = Decimal(str(round(centre[1] + rng.uniform(-0.012, 0.012), 6)))
    return lat, lon


@dataclass(frozen=True)
class _Cast:
    agent: User | None
    handlers: dict[int, User]


def _cast(classes: list[TicketClass]) -> _Cast:
    keys = {c.agency_key for c in classes}
    handlers: dict[int, User] = {}
    for user in User.objects.filter(
        agency__key__in=keys, role__in=[Role.HANDLER, Role.SUPERVISOR], is_active=True
    ).order_by("role", "pk"):
        assert user.agency_id is not None
        handlers.setdefault(user.agency_id, user)
    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    return _Cast(agent=agent, handlers=handlers)


def tickets_seed(
    *,
    count: int,
    seed: int = 1150101,
    now: datetime | None = None,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    """Register `count` tickets (about; a few drawn after `now` are skipped) through the
    real services and work them to where they would be today."""
    dispatch_reference_load()
    rng = random.Random(seed)  # noqa: S311 - demo data must be repeatable, not secret
    today = to_taipei(now or clock.now())
    classes = {c.code: c for c in TicketClass.objects.filter(is_active=True)}
    districts = list(District.objects.order_by("sort_order"))
    if not classes or not districts:
        raise ValueError("There are no dispatch classes or districts; load the city first.")
    cast = _cast(list(classes.values()))
    typhoons = typhoon_weeks(today)
    made = 0
    for received in _moments(rng, today, count):
        weights = TYPHOON if _in_typhoon(received, typhoons) else ORDINARY
        code = _weighted(rng, {k: v for k, v in weights.items() if k in classes})
        ticket = _register(rng, classes[code], districts, cast, received)
        if ticket is not None:
            _work(rng, ticket, cast, today, slow=_in_typhoon(received, typhoons))
            made += 1
        progress(1)
    return made


def _register(
    rng: random.Random,
    ticket_class: TicketClass,
    districts: list[District],
    cast: _Cast,
    received: datetime,
) -> Ticket | None:
    district = rng.choice(districts[:21] if rng.random() < 0.85 else districts)
    lat, lon = _point(rng, district)
    road = rng.choice(ROADS)
    channel = _weighted(rng, {str(c): w for c, w in CHANNELS})
    with clock.frozen(received):
        try:
            return ticket_create(
                by=cast.agent if channel in (Channel.PHONE, Channel.STAFF) else None,
                ticket_class=ticket_class,
                description=rng.choice(WHAT.get(ticket_class.code, ["現場狀況危險"])),
                latitude=lat,
                longitude=lon,
                district=district,
                address=f"{road}{rng.randrange(1, 600)}號前",
                reporter_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                reporter_phone=f"09{rng.randrange(10**8):08d}",
                channel=channel,
                received_at=received,
                # The demo's app and Open311 reporters publish their reports, as an
                # Open311 post is by default; callers to 1999 and staff do not.
                published=channel in (Channel.APP, Channel.OPEN311),
            )
        except DispatchError:
            return None


def _work(rng: random.Random, ticket: Ticket, cast: _Cast, today: datetime, *, slow: bool) -> None:
    """Acknowledge within the hour, maybe report progress, then report it dealt with:
    mostly within the limit, slower in a typhoon week, a few left open past it."""
    item = ticket.item
    handler = cast.handlers.get(item.owner_agency_id)
    ack = item.received_at + timedelta(minutes=rng.uniform(3, 60))
    if handler is None or ack >= today or rng.random() < 0.03:
        return
    with clock.frozen(ack):
        ticket = ticket_acknowledge(ticket=ticket, by=handler)
    limit = timedelta(hours=item.time_limit)
    share = (
        rng.uniform(1.1, 2.5) if rng.random() < (0.3 if slow else 0.1) else rng.uniform(0.2, 0.95)
    )
    done = item.received_at + limit * share
    if rng.random() < 0.3:
        progress_at = ack + (done - ack) / 2
        if progress_at >= today:
            return
        with clock.frozen(progress_at):
            ticket_report_back(
                ticket=ticket, by=handler, status_text=rng.choice(PROGRESS_TEXT), done=False
            )
    if done >= today or rng.random() < 0.02:
        return
    with clock.frozen(done):
        ticket_report_back(ticket=ticket, by=handler, status_text=rng.choice(DONE_TEXT), done=True)


# --- bulk, for scale ------------------------------------------------------------------------

BULK_BATCH = 20_000
BULK_SPAN_DAYS = 730
ITEM_COLUMNS = (
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
    "extension_count",
    "transfer_count",
    "version",
    "created_at",
    "updated_at",
)
TICKET_COLUMNS = (
    "item_id",
    "ticket_class_id",
    "description",
    "latitude",
    "longitude",
    "district_id",
    "address",
    "reporter_name",
    "reporter_phone",
    "channel",
    "acknowledged_at",
    "reported_back_at",
    "hours_to_report",
)


def _reserve_numbers(key: str, n: int) -> int:
    """Move a year's ticket counter on by n (as the intake's next_value would, n
    times); returns the first of the reserved values."""
    if Sequence.objects.filter(key=key).update(value=F("value") + n) == 0:
        Sequence.objects.create(key=key, value=n)
    return Sequence.objects.values_list("value", flat=True).get(key=key) - n + 1


def _writer(model: type[Model], names: tuple[str, ...]) -> Callable[[list[tuple[Any, ...]]], None]:
    """One batch of rows (values in `names` order) in one statement per batch:
    COPY on PostgreSQL, executemany of one INSERT elsewhere."""
    meta, quote = model._meta, connection.ops.quote_name
    column_of = {f.attname: f.column for f in meta.concrete_fields}
    table = quote(meta.db_table)
    columns = ", ".join(quote(column_of[name]) for name in names)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608

    def write(rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.executemany(insert, rows)
                return
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    return write


@dataclass(frozen=True)
class _Bulk:
    classes: list[TicketClass]
    weights: list[int]
    agencies: dict[str, int]
    districts: list[District]
    now: datetime
    write_items: Callable[[list[tuple[Any, ...]]], None]
    write_tickets: Callable[[list[tuple[Any, ...]]], None]


def _numbers(moments: list[datetime]) -> list[str]:
    days = [to_taipei(moment).date() for moment in moments]
    keys = [TICKET_NUMBERS.key(day) for day in days]
    following = {key: _reserve_numbers(key, keys.count(key)) for key in sorted(set(keys))}
    numbers = []
    for day, key in zip(days, keys, strict=True):
        numbers.append(TICKET_NUMBERS.format(day, following[key]))
        following[key] += 1
    return numbers


def _adapter() -> Callable[[datetime], Any]:
    """Moments (all in UTC here) as the database takes them: Django's own adapter
    costs more than the rest of a row on SQLite, which stores naive UTC text."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def as_text(moment: datetime) -> str:
        return str(moment.replace(tzinfo=None))

    return as_text


def _verdict(done: datetime, due: datetime) -> str:
    return Outcome.ON_TIME.value if done <= due else Outcome.LATE.value


def _bulk_batch(rng: random.Random, moments: list[datetime], bulk: _Bulk) -> None:
    """Items and tickets received at `moments`, in one transaction, with the services'
    rules: due = received + the class's hours, reminder at 75 %, the commission's alert
    4 hours after the deadline, the verdict against the deadline."""
    adapt = _adapter()
    stamp = adapt(bulk.now)
    drawn = rng.choices(bulk.classes, weights=bulk.weights, k=len(moments))
    items, facts = [], []
    with transaction.atomic():
        numbers = _numbers(moments)
        for received, ticket_class, number in zip(moments, drawn, numbers, strict=True):
            limit = timedelta(hours=ticket_class.hours)
            due = received + limit
            late = rng.random() < 0.12
            done = received + limit * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.15, 0.97))
            # Work left open lingers for days at most: older tickets are all reported.
            closed = done < bulk.now - timedelta(days=3) or (done < bulk.now and rng.random() < 0.9)
            district = rng.choice(bulk.districts)
            items.append(
                (
                    KIND, number, f"{ticket_class.name} {district.name}",
                    bulk.agencies[ticket_class.agency_key],
                    Status.CLOSED.value if closed else Status.IN_PROGRESS.value,
                    adapt(received), adapt(received), Clock.HOURS.value, ticket_class.hours,
                    adapt(due), adapt(due), adapt(received + limit * 0.75),
                    adapt(due + timedelta(hours=TICKET.commission_escalation_after)),
                    Escalation.NONE.value, adapt(done) if closed else None,
                    _verdict(done, due) if closed else "",
                    0, 0, 1, stamp, stamp,
                )
            )  # fmt: skip
            lat, lon = _point(rng, district)
            facts.append(
                (
                    ticket_class.pk,
                    rng.choice(WHAT.get(ticket_class.code, ["現場狀況危險"])),
                    lat, lon, district.pk,
                    f"{rng.choice(ROADS)}{rng.randrange(1, 600)}號前", "", "",
                    Channel.PHONE.value,
                    adapt(received + timedelta(minutes=rng.randint(3, 60))),
                    adapt(done) if closed else None,
                    hours_between(received, done) if closed else None,
                )
            )  # fmt: skip
        bulk.write_items(items)
        ids = dict(
            TrackedItem.objects.filter(kind=KIND, number__in=numbers).values_list("number", "pk")
        )
        bulk.write_tickets(
            [(ids[number], *fact) for number, fact in zip(numbers, facts, strict=True)]
        )


def bulk_tickets_seed(
    *, count: int, seed: int = 1150101, progress: Callable[[int], object] = lambda n: None
) -> int:
    """Write `count` tickets received over the last two years, in batches of one
    transaction each (memory bounded by the batch), with the same deadline and verdict
    rules as the services (clock hours) and the intake's numbering counters."""
    dispatch_reference_load()
    rng = random.Random(seed)  # noqa: S311 - demo data must be repeatable, not secret
    agencies = dict(Agency.objects.values_list("key", "pk"))
    classes = [
        c
        for c in TicketClass.objects.filter(is_active=True).order_by("code")
        if c.agency_key in agencies
    ]
    districts = list(District.objects.order_by("sort_order"))
    if not classes or not districts:
        raise ValueError("There are no dispatch classes or districts; load the city first.")
    now = clock.now().astimezone(UTC).replace(microsecond=0)
    bulk = _Bulk(
        classes=classes,
        weights=[ORDINARY.get(c.code, 1) for c in classes],
        agencies=agencies,
        districts=districts,
        now=now,
        write_items=_writer(TrackedItem, ITEM_COLUMNS),
        write_tickets=_writer(Ticket, TICKET_COLUMNS),
    )
    span = BULK_SPAN_DAYS * 86_400
    start = now - timedelta(seconds=span)
    for offset in range(0, count, BULK_BATCH):
        size = min(BULK_BATCH, count - offset)
        low, high = offset * span // count, (offset + size) * span // count
        moments = sorted(
            start + timedelta(seconds=60 * ((low + rng.randrange(max(1, high - low))) // 60))
            for _ in range(size)
        )
        _bulk_batch(rng, moments, bulk)
        progress(size)
    return count


def tickets_seed_for_command(*, tickets: int, bulk: int, seed: int) -> list[str]:
    """What `yankao seed --tickets N --bulk-tickets M` runs; returns the lines to print."""
    from tqdm import tqdm

    lines = []
    if tickets:
        with tqdm(total=tickets, desc="dispatch tickets", unit="item") as bar:
            made = tickets_seed(count=tickets, seed=seed, progress=bar.update)
        lines.append(f"Dispatch tickets: {made}.")
    if bulk:
        with tqdm(total=bulk, desc="bulk dispatch tickets", unit="item") as bar:
            made = bulk_tickets_seed(count=bulk, seed=seed, progress=bar.update)
        lines.append(f"Bulk dispatch tickets: {made}.")
    return lines
