"""A realistic call log for the demo city (`yankao seed --calls N`).

The city's report counts 488,697 calls in seven months, about 69,800 a month or
2,300 a day. The seeder spreads calls over the days before today with the shape a
call centre has: fewer at weekends, a night trough and morning and afternoon peaks
(Taipei time), and a typhoon week that more than doubles three days' calls and
tilts them towards dispatch tickets. Most calls are answered from the knowledge
base; some raise petitions or tickets, some are transferred to an agency's line.

Rows are written with bulk_create in batches, one transaction per batch, with the
Taipei day and hour the service would store. The bulk rows link to no petition or
ticket (the demo's real petitions come through the real intake); when the knowledge
base is installed, knowledge answers name its real articles.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.core.taipei import TAIPEI, to_taipei
from yankao.hotline.models import Call, Language, Outcome
from yankao.organisation.models import Agency, AgencyLevel

BATCH = 5000
PER_DAY = 2300  # 488,697 calls / 7 months / 30.4 days
DEFAULT_CALLS = 60 * PER_DAY  # the last two months: about 30 s on SQLite
AGENTS = 24
AGENT_AGENCY = "rdec"

# Share of a day's calls starting in each hour, 0:00 to 23:00 Taipei time.
HOUR_WEIGHTS = [
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.8, 5.6, 7.6, 8.0, 7.4,
    5.6, 6.4, 7.2, 7.0, 6.6, 5.8, 4.6, 3.8, 3.2, 2.6, 2.0, 1.4,
]  # fmt: skip
WEEKDAY_FACTOR = [1.08, 1.04, 1.02, 1.02, 1.05, 0.82, 0.7]  # Monday first
TYPHOON_FACTOR = [2.6, 3.1, 2.0]  # three days of a typhoon week
OUTCOMES = {
    Outcome.KNOWLEDGE: 0.62,
    Outcome.PETITION: 0.12,
    Outcome.TICKET: 0.10,
    Outcome.TRANSFER: 0.11,
    Outcome.OTHER: 0.05,
}
TYPHOON_OUTCOMES = {
    Outcome.KNOWLEDGE: 0.45,
    Outcome.PETITION: 0.08,
    Outcome.TICKET: 0.32,
    Outcome.TRANSFER: 0.10,
    Outcome.OTHER: 0.05,
}
LANGUAGES = {
    Language.MANDARIN: 0.78,
    Language.TAIWANESE: 0.17,
    Language.HAKKA: 0.02,
    Language.ENGLISH: 0.015,
    Language.OTHER: 0.015,
}
# Median call length in seconds by outcome (log-normal around it).
MEDIAN_SECONDS = {
    Outcome.KNOWLEDGE: 130,
    Outcome.PETITION: 330,
    Outcome.TICKET: 260,
    Outcome.TRANSFER: 70,
    Outcome.OTHER: 35,
}
TRANSFER_AGENCIES = ["police", "fire", "public-works", "environmental-protection", "transportation"]
QUESTIONS = [
    "路燈不亮要找哪個單位？",
    "如何申請低收入戶？",
    "垃圾車幾點到？",
    "違規停車檢舉方式",
    "颱風假停班停課查詢",
    "市民卡申辦地點",
]
NOTES = {
    Outcome.KNOWLEDGE: "依知識庫回覆民眾。",
    Outcome.PETITION: "民眾陳情，已立案。",
    Outcome.TICKET: "民眾通報，已派工。",
    Outcome.TRANSFER: "轉接機關專線。",
    Outcome.OTHER: "",
}


def demo_agents(count: int = AGENTS) -> list[User]:
    """The call centre's agents (話務員 01…); they have no usable password."""
    agency = Agency.objects.filter(key=AGENT_AGENCY).first()
    agents = []
    for n in range(1, count + 1):
        agent, created = User.objects.get_or_create(
            username=f"hotline-{n:02d}",
            defaults={"role": Role.AGENT, "agency": agency, "full_name": f"話務員{n:02d}"},
        )
        if created:
            agent.set_unusable_password()
            agent.save(update_fields=["password"])
        agents.append(agent)
    return agents


def _daily_volumes(count: int, end: date, rng: random.Random) -> list[tuple[date, float, bool]]:
    """(day, weight, typhoon) for the days before `end`, as many days as `count`
    calls need at the city's daily volume; one typhoon week in every half year."""
    days = max(1, math.ceil(count / PER_DAY))
    first = end - timedelta(days=days - 1)
    typhoon_starts = {first + timedelta(days=offset) for offset in range(days // 3, days, 182)}
    typhoon_days: dict[date, float] = {}
    for start in typhoon_starts:
        for index, factor in enumerate(TYPHOON_FACTOR):
            typhoon_days[start + timedelta(days=index)] = factor
    volumes = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        weight = WEEKDAY_FACTOR[day.weekday()] * typhoon_days.get(day, 1.0)
        volumes.append((day, weight * rng.uniform(0.92, 1.08), day in typhoon_days))
    return volumes


def _per_day(count: int, volumes: list[tuple[date, float, bool]]) -> list[int]:
    """Whole numbers of calls per day, in proportion to the weights, adding up to count."""
    total = sum(weight for _day, weight, _typhoon in volumes)
    shares = [count * weight / total for _day, weight, _typhoon in volumes]
    made = [int(share) for share in shares]
    for index in sorted(range(len(shares)), key=lambda i: made[i] - shares[i])[: count - sum(made)]:
        made[index] += 1
    return made


def _articles() -> list[tuple[int | None, str]]:
    if apps.is_installed("yankao.knowledge"):
        model = apps.get_model("knowledge", "Article")
        found = list(model.objects.values_list("pk", "question")[:200])
        if found:
            return [(int(pk), str(question)[:300]) for pk, question in found]
    return [(None, question) for question in QUESTIONS]


def _number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return ""  # number withheld
    if roll < 0.25:
        return f"07-{rng.randint(200, 899)}-{rng.randint(0, 9999):04d}"
    return f"09{rng.randint(10, 99)}-{rng.randint(0, 999):03d}-{rng.randint(0, 999):03d}"


def calls_seed(
    *,
    count: int = DEFAULT_CALLS,
    seed: int,
    end: date | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Write `count` calls over the days up to `end` (yesterday by default);
    returns the number written. Deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    agents = demo_agents()
    transfer_to = list(
        Agency.objects.filter(key__in=TRANSFER_AGENCIES).values_list("pk", flat=True)
    ) or list(Agency.objects.filter(level=AgencyLevel.BUREAU).values_list("pk", flat=True)[:5])
    articles = _articles()
    now = clock.now()
    last = end or (to_taipei(now).date() - timedelta(days=1))
    volumes = _daily_volumes(count, last, rng)
    outcomes, outcome_weights = list(OUTCOMES), list(OUTCOMES.values())
    typhoon_weights = [TYPHOON_OUTCOMES[o] for o in outcomes]
    languages, language_weights = list(LANGUAGES), list(LANGUAGES.values())
    pending: list[Call] = []
    written = 0
    for (day, _weight, typhoon), calls in zip(volumes, _per_day(count, volumes), strict=True):
        midnight = datetime.combine(day, time.min, tzinfo=TAIPEI)
        hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=calls)
        picked = rng.choices(
            outcomes, weights=typhoon_weights if typhoon else outcome_weights, k=calls
        )
        spoken = rng.choices(languages, weights=language_weights, k=calls)
        for hour, outcome, language in zip(hours, picked, spoken, strict=True):
            started = midnight + timedelta(hours=hour, seconds=rng.randrange(3600))
            seconds = int(MEDIAN_SECONDS[outcome] * math.exp(rng.gauss(0, 0.55)))
            article = rng.choice(articles) if outcome == Outcome.KNOWLEDGE else (None, "")
            pending.append(
                Call(
                    started_at=started,
                    duration_seconds=min(seconds, 3600),
                    day=day,
                    hour=hour,
                    agent=agents[rng.randrange(len(agents))],
                    caller_number=_number(rng),
                    language=language,
                    outcome=outcome,
                    notes=NOTES[outcome],
                    article_id=article[0],
                    article_question=article[1],
                    transferred_to_id=rng.choice(transfer_to)
                    if outcome == Outcome.TRANSFER
                    else None,
                    recorded_at=started + timedelta(seconds=seconds),
                )
            )
            if len(pending) >= BATCH:
                written += _write(pending, progress)
                pending = []
    if pending:
        written += _write(pending, progress)
    return written


def _write(calls: list[Call], progress: Callable[[int], object] | None) -> int:
    with transaction.atomic():
        Call.objects.bulk_create(calls, batch_size=BATCH)
    if progress is not None:
        progress(len(calls))
    return len(calls)


def calls_seed_for_command(*, count: int | None, seed: int) -> int:
    """`yankao seed --calls N`: N calls; without N, the default only while the log is
    empty, so seeding the demo again adds no second two months."""
    from tqdm import tqdm

    if count is None:
        count = 0 if Call.objects.exists() else DEFAULT_CALLS
    if count <= 0:
        return 0
    with tqdm(total=count, desc="1999 calls", unit="call") as bar:
        return calls_seed(count=count, seed=seed, progress=bar.update)
