"""Date filters available in every template (registered as a template builtin).

    {{ item.due_at|roc_datetime }}          115/11/26 14:30  (English: 2026-11-26 14:30)
    {{ item.due_at|roc_datetime:"long" }}   民國 115 年 11 月 26 日 14:30
    {{ day|roc_date }}                      民國 115 年 11 月 26 日  (English: 2026-11-26)
    {{ day|roc_short }}                     115/11/26  (English: 2026-11-26)
    {{ month|roc_month }}                   民國 115 年 11 月  (English: 2026-11)
    {{ month|roc_month:"short" }}           115/11  (English: 2026-11)

They take a date or a datetime (shown in Asia/Taipei); None and "" give "".
"""

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import translation

from yankao.calendar import roc
from yankao.core.taipei import to_taipei

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def _as_date(value: date | datetime) -> date:
    return to_taipei(value).date() if isinstance(value, datetime) else value


def _render(value: Any, as_roc: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, date):
        return str(value)
    day = _as_date(value)
    if _english() or day.year <= roc.ROC_OFFSET:
        return day.isoformat()
    return str(as_roc(day))


@register.filter
def roc_date(value: Any) -> str:
    """民國 115 年 11 月 26 日; ISO in English."""
    return _render(value, roc.format_roc_long)


@register.filter
def roc_short(value: Any) -> str:
    """115/11/26; ISO in English."""
    return _render(value, roc.format_roc_short)


@register.filter
def roc_month(value: Any, style: str = "long") -> str:
    """民國 115 年 11 月 (style "short": 115/11) for a month given by any of its days;
    2026-11 in English."""
    if value is None or value == "" or not isinstance(value, date):
        return "" if value in (None, "") else str(value)
    day = _as_date(value)
    if _english() or day.year <= roc.ROC_OFFSET:
        return f"{day:%Y-%m}"
    return roc.format_roc_month_short(day) if style == "short" else roc.format_roc_month(day)


@register.filter
def roc_datetime(value: Any, style: str = "short") -> str:
    """115/11/26 14:30 (style "long": 民國 115 年 11 月 26 日 14:30); ISO in English."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return roc_short(value) if style != "long" else roc_date(value)
    local = to_taipei(value)
    if _english() or local.year <= roc.ROC_OFFSET:
        return roc.format_iso_datetime(local)
    if style == "long":
        return roc.format_roc_long_datetime(local)
    return roc.format_roc_short_datetime(local)
