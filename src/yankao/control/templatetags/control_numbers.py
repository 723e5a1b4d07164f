"""Amounts of money as Taiwanese offices write them: 6,016,800 (groups of three),
whatever the locale's own grouping (Django's zh-Hant groups by four)."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def thousands(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
