"""The statistics page's figures as one table (the source of the screen's tables,
the hour-of-day chart and every exported file); the page and its files go through
the reporting kit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_short
from yankao.core.reporting.periods import english, month_label, period_label
from yankao.core.reporting.table import Cell, Table
from yankao.hotline.forms import PeriodForm
from yankao.hotline.selectors import Statistics, call_statistics

CHART_WIDTH = 320  # pixels for the busiest hour
BAR_HEIGHT = 16


@dataclass(frozen=True)
class HourBar:
    hour: int
    calls: int
    width: int
    y: int


def hour_bars(stats: Statistics) -> list[HourBar]:
    busiest = max(stats.by_hour) or 1
    return [
        HourBar(
            hour=hour, calls=n, width=round(n * CHART_WIDTH / busiest), y=hour * (BAR_HEIGHT + 4)
        )
        for hour, n in enumerate(stats.by_hour)
    ]


def statistics_table(stats: Statistics, month: date) -> Table:
    """Every figure of the page, one per row: what is counted, the group, calls, share."""
    rows: list[list[Cell]] = []
    total = stats.total

    def share(n: int) -> Decimal | None:
        return (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else None

    rows.append([_("Total"), _("All calls"), total, share(total) if total else None])
    rows.append([_("Total"), _("Average per month"), stats.average_per_month, None])
    rows.append([_("Total"), _("Average per day"), stats.average_per_day, None])
    rows.append([_("Total"), _("Average call length (seconds)"), stats.average_seconds, None])
    for first, n in stats.months:
        rows.append([_("By month"), month_label(first), n, share(n)])
    for group in stats.by_outcome:
        rows.append([_("By outcome"), group.label, group.calls, group.share])
    for group in stats.by_language:
        rows.append([_("By language"), group.label, group.calls, group.share])
    for hour, n in enumerate(stats.by_hour):
        rows.append([_("By hour of day"), f"{hour:02d}:00–{hour:02d}:59", n, share(n)])
    for day, n in stats.days_of_month(month):
        rows.append([_("By day"), _label_day(day), n, share(n)])
    return Table(
        title=_("1999 call statistics"),
        period=period_label(stats.start, stats.end),
        headings=[_("Breakdown"), _("Group"), _("Calls"), _("Share of all calls (%)")],
        rows=rows,
    )


def _label_day(day: date) -> str:
    """115/10/05 (2026-10-05 in English)."""
    return day.isoformat() if english() else format_roc_short(day)


def statistics_figures(user: User, form: PeriodForm) -> dict[str, Any]:
    start, end = form.period()
    stats = call_statistics(user=user, start=start, end=end)
    month = form.month_shown(start, end)
    return {
        "stats": stats,
        "month": month,
        "month_days": stats.days_of_month(month),
        "months": [(first, month_label(first), n) for first, n in stats.months],
        "bars": hour_bars(stats),
        "chart_width": CHART_WIDTH,
        "chart_height": 24 * (BAR_HEIGHT + 4),
        "bar_height": BAR_HEIGHT,
        "table": statistics_table(stats, month),
        "period": period_label(start, end),
    }
