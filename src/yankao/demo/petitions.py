"""A year of citizens' petitions for the demo city, through the real intake and
the engine, each worked to the state it would be in today. Deterministic."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.demo.lifecycle import replay_work
from yankao.demo.staff import GIVEN, SURNAMES
from yankao.organisation.models import District
from yankao.petitions.models import Category, Channel
from yankao.petitions.services import petition_create

# The common matters of a city mailbox, by sub-category, weighted by how often
# they come (roads, lamps, dirt, noise and parking dominate).
MATTERS: dict[str, tuple[int, list[str]]] = {
    "0101": (9, ["{road}路面坑洞多處，機車行經易滑倒", "{road}人孔蓋周邊下陷，請派員修補"]),
    "0102": (4, ["{road}人行道地磚破損翹起", "{road}人行道遭機車停放佔用"]),
    "0103": (7, ["{road}路燈故障不亮已一週", "{road}路燈閃爍，夜間行車危險"]),
    "0201": (6, ["{road}空地堆積垃圾，孳生蚊蠅", "{road}騎樓長期堆放雜物"]),
    "0202": (5, ["{road}工地夜間施工噪音擾人", "{road}附近夜間機車改裝噪音"]),
    "0204": (3, ["{road}垃圾車收運時間調整建議"]),
    "0301": (4, ["{road}路口號誌故障", "{road}行人號誌秒數過短"]),
    "0302": (2, ["公車未依時刻表發車，{road}站候車過久"]),
    "0401": (6, ["{road}紅線違規停車嚴重，請加強取締", "{road}路口併排停車影響通行"]),
    "0402": (2, ["{road}住宅夜間喧嘩，影響安寧"]),
    "0803": (1, ["{road}附近托育資源不足，請增設公共托嬰中心"]),
    "3201": (2, ["{road}一帶遊蕩犬隻追逐行人"]),
    "3301": (3, ["{road}側溝阻塞，雨天積水", "{road}水溝蓋破損"]),
    "3302": (2, ["{road}一帶下雨即淹水，請改善排水"]),
    "9901": (1, ["對{road}市政建設的建議"]),
}
ROADS = [
    "中正路",
    "中山路",
    "民族路",
    "建國路",
    "自由路",
    "博愛路",
    "九如路",
    "十全路",
    "三多路",
    "五福路",
    "青年路",
    "光華路",
    "明誠路",
    "大順路",
    "鳳山光遠路",
    "岡山柳橋東路",
]
CHANNELS = [
    (Channel.WEB, 45),
    (Channel.PHONE, 30),
    (Channel.APP, 12),
    (Channel.COUNTER, 6),
    (Channel.LETTER, 5),
    (Channel.FAX, 2),
]
REPLY = "本案已派員現場勘查並完成改善，如仍有問題，歡迎再與本機關承辦人聯繫。"


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


# Typhoon weeks in the demo year (days after its start): flooding, blocked drains and
# potholes after the storm come in at several times the usual rate.
TYPHOON_WEEKS = ((215, 222), (265, 272))
TYPHOON_SHARE = 0.12  # of the year's petitions, on top of the season's curve
STORM_MATTERS = [("3302", 5), ("3301", 4), ("0101", 3), ("0103", 1)]


def _in_typhoon_week(start: datetime, moment: datetime) -> bool:
    day = (moment - start).days
    return any(first <= day < last for first, last in TYPHOON_WEEKS)


def _received_moments(rng: random.Random, start: datetime, count: int) -> list[datetime]:
    """Receipts over a year, busier in the summer typhoon and rain season, with the
    spikes of two typhoon weeks."""
    moments: list[datetime] = []
    storm = round(count * TYPHOON_SHARE)
    for _ in range(storm):
        first, last = rng.choice(TYPHOON_WEEKS)
        day = start + timedelta(days=rng.randrange(first, last))
        moments.append(day.replace(hour=rng.randrange(6, 24), minute=rng.randrange(60)))
    while len(moments) < count:
        day = start + timedelta(days=rng.randrange(365))
        if day.month not in (6, 7, 8, 9) and rng.random() < 0.35:
            continue
        moments.append(day.replace(hour=rng.randrange(7, 23), minute=rng.randrange(60)))
    return sorted(moments)


def petitions_seed(
    *,
    count: int,
    seed: int = 1150101,
    now: datetime | None = None,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    rng = random.Random(seed)
    today = (now or clock.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    start = (today - timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    categories = {c.code: c for c in Category.objects.filter(code__in=MATTERS)}
    weights = [(code, MATTERS[code][0]) for code in categories]
    districts = list(District.objects.order_by("sort_order"))
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    storm_weights = [(code, weight) for code, weight in STORM_MATTERS if code in categories]
    for received in _received_moments(rng, start, count):
        storm = _in_typhoon_week(start, received) and rng.random() < 0.7
        code = _weighted(rng, storm_weights if storm else weights)
        road = rng.choice(ROADS)
        subject = rng.choice(MATTERS[code][1]).format(road=road)
        district = rng.choice(districts)
        channel = _weighted(rng, [(str(c), w) for c, w in CHANNELS])
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        with clock.frozen(received):
            registered = petition_create(
                channel=channel,
                category=categories[code],
                subject=subject,
                content=f"{district.name}{road}：{subject}。已持續一段時間，請相關單位派員查處並回覆處理情形。",
                by=agent if channel == Channel.PHONE else None,
                petitioner_name=name,
                petitioner_email=f"citizen{rng.randrange(10**6):06d}@example.invalid",
                petitioner_phone=f"09{rng.randrange(10**8):08d}",
                district=district,
                address=f"高雄市{district.name}{road}{rng.randrange(1, 400)}號",
                received_at=received,
                # The demo's app users publish their petitions, as the city app's
                # Open311 posts are by default; no one else does.
                published=channel == Channel.APP,
            )
        item = registered.petition.item
        if item.is_open:
            replay_work(rng, item, today, reply=REPLY)
        progress(1)
    return count
