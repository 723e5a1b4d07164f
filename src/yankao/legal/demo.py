"""The demo city's free legal consultations: the four venues, a rota of volunteer
lawyers for the past three months and the next four weeks (on the official
calendar's working days), and bookings through the real service, each worked to
the state it would be in today: attended with the kind of advice, about 8 % no-shows,
some cancelled by the citizen. Web bookings are confirmed with the code the service
sent, a few minutes after they were made; a few were never confirmed (released when
their hold ran out), and a few made just now still wait for their code, so the desk
sees both states (ADR 0022). Deterministic for a seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.core.taipei import TAIPEI, to_taipei
from yankao.legal import services
from yankao.legal.models import Advice, BookingChannel, BookingStatus, Lawyer, Session, Venue

LAWYERS = [
    "陳建志",
    "林佳慧",
    "黃俊賢",
    "張雅雯",
    "李明哲",
    "王思婷",
    "吳宗霖",
    "劉怡如",
    "蔡政宏",
    "楊淑惠",
    "許家銘",
    "鄭宜蓁",
]
# (venue key, weekdays, start, end, desks): the centre every working afternoon with
# two lawyers; each district office one afternoon a week.
ROTA = [
    ("service-centre", {0, 1, 2, 3, 4}, time(14, 0), time(17, 0), 2),
    ("fengshan", {1}, time(14, 0), time(16, 0), 1),
    ("gangshan", {2}, time(14, 0), time(16, 0), 1),
    ("qishan", {3}, time(9, 0), time(11, 0), 1),
]
QUESTIONS: dict[str, list[str]] = {
    "civil": [
        "借錢給朋友二十萬元，對方一直不還，只有LINE對話紀錄，可以怎麼請求？",
        "房東不退還押金，理由是牆壁有髒污，請問是否合理？",
        "鄰居冷氣滴水到我家車位，多次溝通無效，可以提告嗎？",
    ],
    "criminal": [
        "在網路上被人留言辱罵，想了解提告妨害名譽的程序。",
        "收到地檢署傳票，說我的帳戶涉及詐騙，應該如何應對？",
        "騎車發生車禍對方受傷，對方要求高額和解金，該怎麼處理？",
    ],
    "family": [
        "協議離婚後對方不付小孩扶養費，可以怎麼辦？",
        "父親過世留下房子和負債，兄弟姊妹要不要辦拋棄繼承？",
        "想了解監護權變更需要準備哪些資料。",
    ],
    "labour": [
        "公司積欠兩個月薪資後歇業，要如何申請墊償？",
        "被資遣但公司沒有給資遣費，請問計算方式？",
        "加班沒有加班費，老闆說是責任制，這樣合法嗎？",
    ],
    "consumer": [
        "網購商品有瑕疵，賣家拒絕退貨，七天鑑賞期怎麼主張？",
        "健身房合約要求提前解約須付高額違約金，是否有效？",
    ],
    "land": [
        "買預售屋建商延遲交屋一年，可以請求違約金嗎？",
        "祖先留下的共有土地，其他共有人想賣，我可以優先承買嗎？",
        "隔壁蓋房子越界佔用我的土地，應該怎麼處理？",
    ],
    "other": [
        "收到交通罰單但不是我開的車，要怎麼申訴？",
        "想了解申請法律扶助的資格。",
    ],
}
TOPIC_WEIGHTS = {
    "civil": 30,
    "family": 22,
    "land": 14,
    "labour": 12,
    "criminal": 10,
    "consumer": 7,
    "other": 5,
}
ADVICE_WEIGHTS = {
    Advice.EXPLAINED: 45,
    Advice.DOCUMENTS: 15,
    Advice.MEDIATION: 12,
    Advice.COURT: 12,
    Advice.LEGAL_AID: 8,
    Advice.AGENCY: 5,
    Advice.OTHER: 3,
}
NAMES_FAMILY = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭"
NAMES_GIVEN = ["淑華", "志強", "美惠", "建國", "秀英", "俊宏", "麗雲", "文雄", "雅玲", "家瑋"]


def _lawyers() -> list[Lawyer]:
    lawyers = []
    for number, name in enumerate(LAWYERS, start=1):
        lawyer = Lawyer.objects.filter(licence_number=f"DEMO-{number:04d}").first()
        if lawyer is None:
            lawyer = services.lawyer_create(
                name=name,
                licence_number=f"DEMO-{number:04d}",
                phone=f"07-2{number:02d}-{1000 + number * 7:04d}",
                email=f"lawyer{number}@demo.yankao.invalid",
            )
        lawyers.append(lawyer)
    return lawyers


def _rota(now: datetime, lawyers: list[Lawyer], by: User | None) -> None:
    today = to_taipei(now).date()
    first, last = today - timedelta(days=91), today + timedelta(days=28)
    for index, (key, weekdays, starts, ends, desks) in enumerate(ROTA):
        venue = Venue.objects.get(key=key)
        turn = lawyers[index * 3 :] + lawyers[: index * 3]
        with clock.frozen(datetime.combine(first - timedelta(days=7), time(9), tzinfo=TAIPEI)):
            services.rota_generate(
                venue=venue,
                first=first,
                last=last,
                weekdays=weekdays,
                starts_at=starts,
                ends_at=ends,
                lawyers=turn,
                desks=desks,
                by=by,
            )


def _citizen(rng: random.Random, number: int, *, on_the_web: bool) -> dict[str, str]:
    name = rng.choice(NAMES_FAMILY) + rng.choice(NAMES_GIVEN)
    phone = f"09{rng.randrange(10, 99)}-{rng.randrange(100, 999)}-{number % 1000:03d}"
    # The web sends its confirmation code by e-mail when there is no SMS gateway.
    gives_email = rng.random() < 0.6 or on_the_web
    email = f"citizen{number}@example.org" if gives_email else ""
    return {"name": name, "phone": phone, "email": email}


def legal_seed(
    *,
    bookings: int,
    seed: int,
    now: datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Build the venues, lawyers and rota, then up to `bookings` bookings spread over
    the rota's slots (past ones worked to their outcome). Returns how many were made."""
    rng = random.Random(seed)  # noqa: S311 - demo data must be repeatable
    now = now or clock.now()
    services.venues_load()
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    _rota(now, _lawyers(), agent)
    sessions = list(Session.objects.select_related("venue").order_by("date", "starts_at", "pk"))
    slots = [(session, index) for session in sessions for index in range(session.slot_count)]
    rng.shuffle(slots)
    made = 0
    for session, index in slots:
        if made >= bookings:
            break
        if _book_one(rng, session, index, now, made, agent):
            made += 1
            if progress:
                progress(1)
    services.bookings_release_lapsed(now=now)  # what the periodic task would have done
    return made


def _book_one(
    rng: random.Random, session: Session, index: int, now: datetime, number: int, agent: User | None
) -> bool:
    starts = session.slot_start(index)
    if starts <= now + timedelta(hours=2) and starts > now - timedelta(hours=1):
        return False  # leave the hours around now alone
    booked_at = starts - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
    booked_at = min(booked_at, now - timedelta(minutes=5))
    topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
    by_phone = rng.random() < 0.35 and agent is not None
    citizen = _citizen(rng, number, on_the_web=not by_phone)
    confirming = by_phone or rng.random() >= UNCONFIRMED_SHARE
    if not confirming and starts > now:
        booked_at = now - timedelta(minutes=rng.randint(1, 10))  # still waiting now
    try:
        with clock.frozen(booked_at):
            booked = services.booking_create(
                session=session,
                slot=index,
                name=citizen["name"],
                phone=citizen["phone"],
                email=citizen["email"],
                topic=topic,
                question=rng.choice(QUESTIONS[topic]),
                consent=True,
                channel=BookingChannel.PHONE if by_phone else BookingChannel.WEB,
                by=agent if by_phone else None,
            )
        if booked.confirmation and confirming:
            with clock.frozen(booked_at + timedelta(minutes=rng.randint(1, 8))):
                services.booking_confirm(booking=booked.booking, code=booked.confirmation)
    except services.LegalError:
        return False
    if confirming:
        _work(rng, booked.booking, now, agent)
    return True


NO_SHOW_SHARE = 0.08
CANCEL_SHARE = 0.1
UNCONFIRMED_SHARE = 0.06  # web bookings whose code was never typed back


def _work(rng: random.Random, booking: object, now: datetime, agent: User | None) -> None:
    from yankao.legal.models import Booking

    assert isinstance(booking, Booking)
    roll = rng.random()
    if roll < CANCEL_SHARE:
        cancel_at = booking.starts - timedelta(hours=rng.randint(25, 72))
        if booking.booked_at < cancel_at < now:
            with clock.frozen(cancel_at):
                services.booking_cancel(booking=booking, by=None)
            return
    if booking.ends > now or agent is None:
        return
    status = BookingStatus.NO_SHOW if rng.random() < NO_SHOW_SHARE else BookingStatus.ATTENDED
    advice = (
        rng.choices(list(ADVICE_WEIGHTS), weights=list(ADVICE_WEIGHTS.values()))[0]
        if status == BookingStatus.ATTENDED
        else ""
    )
    with clock.frozen(booking.ends):
        services.booking_outcome_set(booking=booking, status=status, advice=advice, by=agent)
