"""A year of the mayor's directives for the demo city, replayed through the
engine's services so every item has a true history. Deterministic for a seed."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.control.services import directive_create
from yankao.core import clock
from yankao.demo.lifecycle import replay_transfer, replay_work
from yankao.organisation.models import Agency, District
from yankao.tracking.models import TrackedItem

DIRECTIVE_REPLY = "已完成現場會勘並排定改善期程，將持續追蹤辦理。"

SOURCES = ["市政會議", "市長室主管會報", "市長視察{district}", "議會質詢答復", "市長與里長座談會"]

TOPICS: dict[str, list[str]] = {
    "public-works": [
        "{district}人行道平整及無障礙坡道改善",
        "{district}主要道路路面坑洞全面巡查修補",
        "{district}路燈故障通報後 24 小時內修復機制",
    ],
    "water-resources": [
        "汛期前完成{district}側溝清疏",
        "{district}易淹水地區抽水站整備",
        "{district}滯洪池清淤及周邊綠美化",
    ],
    "environmental-protection": [
        "加強{district}登革熱孳生源清除",
        "{district}垃圾清運路線及時段檢討",
        "{district}工業區周邊空氣品質監測",
    ],
    "transportation": [
        "{district}公車路網調整及候車亭改善",
        "{district}學校周邊通學步道規劃",
        "{district}重要路口號誌時制檢討",
    ],
    "social-affairs": ["{district}長者共餐據點擴充", "{district}托育資源中心設置評估"],
    "education": ["{district}國小校舍耐震補強進度", "{district}學校午餐食材在地採購"],
    "police": ["{district}交通違規熱點加強取締", "{district}夜間治安巡邏勤務調整"],
    "tourism": ["{district}觀光景點指標系統更新"],
    "economic-development": ["{district}傳統市場環境改善"],
    "urban-development": ["{district}閒置空間再利用規劃"],
}


def _moments(rng: random.Random, start: datetime, count: int) -> Iterator[datetime]:
    """Receipt moments spread over a year, in office hours on most days."""
    moments = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(365))
        moments.append(
            day.replace(hour=rng.choice([9, 10, 11, 14, 15, 16]), minute=rng.randrange(60))
        )
    return iter(sorted(moments))


def directives_seed(
    *,
    count: int,
    seed: int = 1150101,
    now: datetime | None = None,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    """Create `count` directives received over the past year, each worked to the
    state it would be in today: most closed (about a tenth late), some transferred
    or extended, the recent ones still open."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = (now or clock.now()).astimezone(zone)
    start = (today - timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    agencies = {a.key: a for a in Agency.objects.filter(key__in=TOPICS)}
    districts = list(District.objects.values_list("name", flat=True))
    controller = User.objects.filter(role=Role.CONTROLLER).first()
    created = 0
    for received in _moments(rng, start, count):
        agency_key = rng.choice(list(agencies))
        misrouted = rng.random() < 0.08
        first_key = (
            rng.choice([k for k in agencies if k != agency_key]) if misrouted else agency_key
        )
        agency = agencies[first_key]
        district = rng.choice(districts)
        title = rng.choice(TOPICS[agency_key]).format(district=district)
        source = rng.choice(SOURCES).format(district=district)
        with clock.frozen(received):
            directive = directive_create(
                by=controller,
                owner_agency=agency,
                title=title,
                instruction=f"請{agency.short_name}就「{title}」研擬具體作法並回報辦理情形。",
                source=source,
            )
        item: TrackedItem | None = directive.item
        if misrouted and item is not None:
            item = replay_transfer(rng, item, today, agencies[agency_key])
        if item is not None:
            replay_work(rng, item, today, reply=DIRECTIVE_REPLY)
        created += 1
        progress(1)
    return created
