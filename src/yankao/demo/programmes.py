"""Tracked programmes for the demo city: every kind of the commission's registries,
about two years of monthly progress replayed through the services at the moments
they would have been made (milestones met, some late; reports made by the due
day, a few after it; a few programmes lagging, some seriously), the months
before last locked by the commission. Deterministic for a seed.

The report's volumes (103 policy-plan items, 148 grant cases, 575 forward-looking
cases) are reached with `yankao seed --programmes 826`, through the same services
(slow: a programme's two years are a few hundred writes)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.calendar.services import CalendarRangeError
from yankao.control.models import (
    ControlLevel,
    FundingSource,
    Milestone,
    Pledge,
    Programme,
    ProgrammeKind,
)
from yankao.control.months import add_months, current_month, month_end, months_between
from yankao.control.months import report_due_day as due_day_of
from yankao.control.services import (
    BudgetLine,
    ControlError,
    CurvePoint,
    MilestonePlan,
    ProgressFigures,
    latest_milestone_day,
    milestone_complete,
    programme_create,
    programme_lights_refresh,
    progress_month_lock,
    progress_submit,
)
from yankao.core import clock
from yankao.core.taipei import TAIPEI
from yankao.organisation.models import Agency


@dataclass(frozen=True)
class Template:
    kind: str
    agency: str
    title: str
    level: str
    pledge: str
    sources: tuple[str, ...]
    scale: int  # the whole budget, in NT$ millions


K, L, S = ProgrammeKind, ControlLevel, FundingSource
TEMPLATES = [
    # 施政計畫列管
    Template(
        K.POLICY_PLAN,
        "economic-development",
        "和發產業園區招商推動計畫",
        L.SELF,
        "P01",
        (S.CITY,),
        120,
    ),
    Template(K.POLICY_PLAN, "tourism", "愛河灣觀光廊帶行銷計畫", L.SELF, "P02", (S.CITY,), 45),
    Template(
        K.POLICY_PLAN, "agriculture", "農漁產品外銷通路拓展計畫", L.SELF, "P03", (S.CITY,), 38
    ),
    Template(
        K.POLICY_PLAN,
        "social-affairs",
        "長者共餐據點擴充計畫",
        L.SELF,
        "P09",
        (S.CITY, S.CENTRAL_GRANT),
        60,
    ),
    Template(
        K.POLICY_PLAN,
        "education",
        "國中小雙語教育推動計畫",
        L.SELF,
        "P12",
        (S.CITY, S.CENTRAL_GRANT),
        85,
    ),
    Template(K.POLICY_PLAN, "youth", "青年創業基金及育成計畫", L.SELF, "P14", (S.CITY,), 150),
    Template(K.POLICY_PLAN, "anti-drug", "校園反毒宣導及輔導計畫", L.SELF, "P10", (S.CITY,), 22),
    # 基本設施補助
    Template(
        K.INFRASTRUCTURE_GRANT,
        "public-works",
        "鳳山區人行道無障礙改善工程",
        L.MINISTRY,
        "P08",
        (S.CENTRAL_GRANT, S.CITY),
        96,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "water-resources",
        "岡山區雨水下水道建設",
        L.MINISTRY,
        "P07",
        (S.CENTRAL_GRANT, S.CITY),
        210,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "transportation",
        "旗山區公車候車亭改善",
        L.MINISTRY,
        "P05",
        (S.CENTRAL_GRANT, S.CITY),
        18,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "sports",
        "楠梓運動中心設施改善",
        L.MINISTRY,
        "P08",
        (S.CENTRAL_GRANT, S.CITY),
        64,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "cultural-affairs",
        "美濃客家文物館修繕",
        L.MINISTRY,
        "P08",
        (S.CENTRAL_GRANT, S.CITY),
        27,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "environmental-protection",
        "大寮垃圾轉運站設備汰換",
        L.MINISTRY,
        "P06",
        (S.CENTRAL_GRANT, S.CITY),
        75,
    ),
    Template(
        K.INFRASTRUCTURE_GRANT,
        "public-works",
        "路竹區道路鋪面平整計畫",
        L.MINISTRY,
        "P08",
        (S.CENTRAL_GRANT, S.CITY),
        88,
    ),
    # 前瞻基礎建設
    Template(
        K.FORWARD_LOOKING,
        "mrt",
        "輕軌二階延伸段建設",
        L.EXECUTIVE_YUAN,
        "P05",
        (S.SPECIAL_BUDGET, S.CITY),
        3800,
    ),
    Template(
        K.FORWARD_LOOKING,
        "water-resources",
        "愛河流域水環境改善",
        L.EXECUTIVE_YUAN,
        "P07",
        (S.SPECIAL_BUDGET, S.CITY),
        640,
    ),
    Template(
        K.FORWARD_LOOKING,
        "water-resources",
        "典寶溪滯洪池整治",
        L.EXECUTIVE_YUAN,
        "P07",
        (S.SPECIAL_BUDGET, S.CITY),
        520,
    ),
    Template(
        K.FORWARD_LOOKING,
        "information",
        "智慧城鄉生活應用推動",
        L.MINISTRY,
        "P13",
        (S.SPECIAL_BUDGET,),
        160,
    ),
    Template(
        K.FORWARD_LOOKING,
        "education",
        "校園數位學習設備更新",
        L.MINISTRY,
        "P12",
        (S.SPECIAL_BUDGET, S.CITY),
        230,
    ),
    Template(
        K.FORWARD_LOOKING,
        "transportation",
        "前鎮公共自行車路網擴建",
        L.MINISTRY,
        "P05",
        (S.SPECIAL_BUDGET, S.CITY),
        110,
    ),
    Template(
        K.FORWARD_LOOKING,
        "marine",
        "旗津海岸環境營造",
        L.MINISTRY,
        "P02",
        (S.SPECIAL_BUDGET, S.CITY),
        300,
    ),
    # 自行列管
    Template(K.SELF_CONTROLLED, "rdec", "1999 話務系統汰換", L.SELF, "P13", (S.CITY,), 42),
    Template(
        K.SELF_CONTROLLED, "civil-affairs", "區公所廳舍耐震補強", L.SELF, "P08", (S.CITY,), 95
    ),
    Template(
        K.SELF_CONTROLLED,
        "health",
        "社區心理衛生中心設置",
        L.SELF,
        "P11",
        (S.CITY, S.CENTRAL_GRANT),
        58,
    ),
    Template(K.SELF_CONTROLLED, "fire", "救災裝備汰換計畫", L.SELF, "P11", (S.CITY,), 70),
    Template(K.SELF_CONTROLLED, "labor", "青年職涯轉銜輔導計畫", L.SELF, "P14", (S.CITY,), 16),
    Template(
        K.SELF_CONTROLLED, "urban-development", "閒置市有地活化規劃", L.SELF, "P04", (S.CITY,), 12
    ),
    # 工程計畫
    Template(
        K.WORKS, "pw-new-construction", "大社區聯外道路拓寬工程", L.SELF, "P05", (S.CITY,), 420
    ),
    Template(K.WORKS, "pw-maintenance", "三民區路燈 LED 汰換工程", L.SELF, "P06", (S.CITY,), 66),
    Template(
        K.WORKS,
        "pw-building",
        "市立圖書館分館新建工程",
        L.SELF,
        "P08",
        (S.CITY, S.CENTRAL_GRANT),
        380,
    ),
    Template(K.WORKS, "water-resources", "林園區排水改善工程", L.SELF, "P07", (S.CITY,), 145),
    Template(K.WORKS, "sports", "左營棒球場整修工程", L.SELF, "P08", (S.CITY,), 230),
    Template(
        K.WORKS,
        "pw-new-construction",
        "仁武區橋梁耐震補強工程",
        L.SELF,
        "P08",
        (S.CITY, S.CENTRAL_GRANT),
        190,
    ),
]

MILESTONES = [
    ("完成規劃設計", "規劃設計報告書經機關審定"),
    ("完成發包作業", "決標紀錄公告於政府電子採購網"),
    ("主要工項完成過半", "監造單位查驗紀錄及進度報表"),
    ("完工驗收", "驗收紀錄及結算明細表"),
]
WORK_DONE = "依預定進度辦理各項作業，並召開工作會議追蹤執行情形。"
PROBLEMS = "部分工項受天候影響，需調整施工順序。"
LAG_REASON = "用地取得及管線遷移協調費時，致進度落後。"
REMEDY = "已召開協調會加速管線遷移，並增派人力趕工，預計兩個月內趕上預定進度。"
# Profiles: the share of the plan each reaches, and of the allocated budget executed.
ON_TRACK, LAGGING, SERIOUS = "on_track", "lagging", "serious"


def _profile(rng: random.Random) -> str:
    draw = rng.random()
    return ON_TRACK if draw < 0.6 else LAGGING if draw < 0.85 else SERIOUS


def _s_curve(months: list[date]) -> dict[date, Decimal]:
    """A logistic S-curve to 100 % in the last month, two decimals, never falling."""
    count, values = len(months), {}
    low, high = 1 / (1 + math.exp(6)), 1 / (1 + math.exp(-6))
    for n, month in enumerate(months, start=1):
        share = (1 / (1 + math.exp(-12 * (n / count - 0.5))) - low) / (high - low)
        values[month] = Decimal(str(100 * share)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    values[months[-1]] = Decimal(100)
    return values


def _budget(template: Template, months: list[date], curve: dict[date, Decimal]) -> list[BudgetLine]:
    """The whole budget spread over the years as the curve spends it."""
    total = template.scale * 1_000_000
    lines, before = [], Decimal(0)
    for year in sorted({m.year for m in months}):
        last = max(m for m in months if m.year == year)
        share = (curve[last] - before) / 100
        before = curve[last]
        amount = int(total * share)
        if amount <= 0:
            continue
        city = amount if len(template.sources) == 1 else amount * 2 // 5
        lines.append(BudgetLine(year=year, source=template.sources[-1], amount=city))
        if len(template.sources) > 1 and amount - city > 0:
            lines.append(BudgetLine(year=year, source=template.sources[0], amount=amount - city))
    return lines


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TAIPEI)


def _reporter(agency: Agency, fallback: User | None) -> User | None:
    staff = User.objects.filter(
        agency=agency, is_active=True, role__in=[Role.HANDLER, Role.SUPERVISOR]
    )
    return staff.order_by("role", "pk").first() or fallback


@dataclass
class _Replay:
    rng: random.Random
    today: date
    controller: User | None


def _actual(profile: str, planned: Decimal, before: Decimal, rng: random.Random) -> Decimal:
    if profile == ON_TRACK:
        value = planned - Decimal(str(rng.uniform(-1.5, 2.5)))
    elif profile == LAGGING:
        value = planned * Decimal(str(rng.uniform(0.84, 0.92)))
    else:
        value = planned * Decimal(str(rng.uniform(0.68, 0.8)))
    value = min(max(value, before, Decimal(0)), Decimal(100))
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _budget_figures(
    profile: str, year_total: int, planned_in_year: Decimal, rng: random.Random
) -> tuple[int, int]:
    allocated = int(year_total * min(planned_in_year, Decimal(1)))
    ratio = rng.uniform(0.9, 1.0) if profile == ON_TRACK else rng.uniform(0.7, 0.9)
    if profile == SERIOUS:
        ratio = rng.uniform(0.5, 0.75)
    return allocated, int(allocated * ratio)


def _report(
    replay: _Replay,
    programme: Programme,
    by: User,
    month: date,
    figures: ProgressFigures,
) -> None:
    """Make the report by its due day (sometimes a few days after), with the reason
    and remedy when the month turns out to lag."""
    due = due_day_of(programme.kind, month)
    late = replay.rng.random() < 0.06
    shift = replay.rng.randint(1, 4) if late else -replay.rng.randint(0, 5)
    day = due + timedelta(days=shift)
    if day >= replay.today:
        return  # not made yet
    with clock.frozen(_at(day, replay.rng.choice([9, 10, 14, 16]))):
        try:
            progress_submit(programme=programme, by=by, month=month, figures=figures)
        except ControlError as error:
            if "lag_reason" not in error.errors and "remedy" not in error.errors:
                raise
            lagging = ProgressFigures(
                **{**figures.__dict__, "lag_reason": LAG_REASON, "remedy": REMEDY}
            )
            progress_submit(programme=programme, by=by, month=month, figures=lagging)


def _complete_milestones(
    replay: _Replay, by: User, profile: str, milestones: list[Milestone], month: date
) -> None:
    """Meet the milestones planned in the month: on time for most, days or weeks
    late for lagging programmes, and not yet for some of the seriously lagging."""
    for milestone in milestones:
        if milestone.completed_on is not None or milestone.planned_date.replace(day=1) != month:
            continue
        if profile == SERIOUS and replay.rng.random() < 0.6:
            continue
        delay = replay.rng.randint(-6, 0) if profile == ON_TRACK else replay.rng.randint(3, 30)
        met = max(milestone.planned_date + timedelta(days=delay), milestone.programme.start_date)
        if met >= replay.today:
            continue
        with clock.frozen(_at(met, 16)):
            milestone_complete(
                milestone=milestone,
                by=by,
                completed_on=met,
                evidence=f"{milestone.criteria}，已於 {met:%Y-%m-%d} 完成並存檔備查。",
            )


@dataclass(frozen=True)
class _Spec:
    template: Template
    agency: Agency
    start: date
    end: date
    registered: datetime
    profile: str


def _spec(replay: _Replay, template: Template, agencies: dict[str, Agency]) -> _Spec | None:
    rng, today = replay.rng, replay.today
    agency = agencies.get(template.agency)
    span = rng.randint(24, 40)
    this_month = current_month(_at(today))
    start = add_months(this_month, -rng.randint(6, 26)).replace(day=rng.randint(1, 20))
    end = month_end(add_months(start.replace(day=1), span - 1))
    registered = _at(start - timedelta(days=rng.randint(10, 30)))
    if agency is None or len(months_between(start, end)) < 6:
        return None
    return _Spec(template, agency, start, end, registered, _profile(rng))


def _register(spec: _Spec, by: User, months: list[date], curve: dict[date, Decimal]) -> Programme:
    template = spec.template
    # Milestones beyond the office calendar cannot be given a deadline yet: the last
    # ones of a long programme wait for next year's calendar.
    latest = latest_milestone_day() or spec.end
    plans = [
        MilestonePlan(
            title=title,
            planned_date=month_end(months[min(len(months) - 1, int(len(months) * share) - 1)]),
            criteria=criteria,
        )
        for (title, criteria), share in zip(MILESTONES, (0.2, 0.4, 0.7, 1.0), strict=True)
    ]
    plans = [plan for plan in plans if plan.planned_date <= latest]
    with clock.frozen(spec.registered):
        return programme_create(
            by=by,
            title=template.title,
            kind=template.kind,
            control_level=template.level,
            owner_agency=spec.agency,
            start_date=spec.start,
            end_date=spec.end,
            pledge=Pledge.objects.filter(code=template.pledge).first(),
            summary=f"{template.title}：依核定計畫分年分期辦理，並按月填報執行進度。",
            budget=_budget(template, months, curve),
            curve=[CurvePoint(month=m, percent=v) for m, v in curve.items()],
            milestones=plans,
        )


def _one(replay: _Replay, spec: _Spec) -> bool:
    rng = replay.rng
    by = _reporter(spec.agency, replay.controller)
    if by is None:
        return False
    months = months_between(spec.start, spec.end)
    curve = _s_curve(months)
    try:
        programme = _register(spec, by, months, curve)
    except (ControlError, CalendarRangeError):
        return False
    milestones = list(
        Milestone.objects.filter(programme=programme).select_related("item", "programme")
    )
    actual, last_month = Decimal(0), add_months(current_month(_at(replay.today)), -1)
    totals: dict[int, int] = {}
    for line in programme.budget.all():
        totals[line.year] = totals.get(line.year, 0) + line.amount
    for month in months:
        if month > last_month:
            break
        _complete_milestones(replay, by, spec.profile, milestones, month)
        if month == last_month and rng.random() < 0.3:
            continue  # not reported yet: the dashboard's missing reports
        planned = curve[month]
        actual = _actual(spec.profile, planned, actual, rng)
        year_start = curve.get(add_months(month.replace(month=1), -1), Decimal(0))
        year_end = curve[max(m for m in months if m.year == month.year)]
        span = year_end - year_start
        share = (planned - year_start) / span if span > 0 else Decimal(1)
        allocated, executed = _budget_figures(spec.profile, totals.get(month.year, 0), share, rng)
        figures = ProgressFigures(
            actual_percent=actual,
            budget_allocated=allocated,
            budget_executed=executed,
            work_done=WORK_DONE,
            problems=PROBLEMS if spec.profile != ON_TRACK else "",
        )
        _report(replay, programme, by, month, figures)
    return True


def _lock_months(controller: User | None, today: date, first: date) -> None:
    """The commission locks each month on the 20th of the next (the last two stay open)."""
    if controller is None:
        return
    for month in months_between(first, add_months(current_month(_at(today)), -3)):
        with clock.frozen(_at(add_months(month, 1).replace(day=20))):
            progress_month_lock(month=month, by=controller)


def programmes_seed(
    *,
    count: int = len(TEMPLATES),
    seed: int = 1150101,
    now: datetime | None = None,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    """Create `count` programmes (the templates in turn, a later phase when one is
    repeated), in the order they were registered, each with its history up to
    `now`; returns how many were made."""
    rng = random.Random(seed)
    moment = now or clock.now()
    today = moment.astimezone(TAIPEI).date()
    replay = _Replay(rng, today, User.objects.filter(role=Role.CONTROLLER).order_by("pk").first())
    agencies = {a.key: a for a in Agency.objects.filter(is_active=True)}
    specs = []
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        if index >= len(TEMPLATES):
            phase = index // len(TEMPLATES) + 1
            template = Template(
                **{**template.__dict__, "title": f"{template.title}（第{phase}期）"}
            )
        spec = _spec(replay, template, agencies)
        if spec is not None:
            specs.append(spec)
    made = 0
    for spec in sorted(specs, key=lambda one: one.registered):
        made += _one(replay, spec)
        progress(1)
    if specs:
        first = min(spec.start for spec in specs).replace(day=1)
        _lock_months(replay.controller, today, first)
    with clock.frozen(moment):
        programme_lights_refresh(now=moment, every=True)
    return made
