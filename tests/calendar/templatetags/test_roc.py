"""The roc_date, roc_short and roc_datetime template filters (builtins)."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

UTC = ZoneInfo("UTC")
DAY = date(2026, 11, 26)
MOMENT = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)  # 14:30 in Taipei


def render(source: str, language: str, **context: Any) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "value", "chinese", "english"),
    [
        ("{{ v|roc_date }}", DAY, "民國 115 年 11 月 26 日", "2026-11-26"),
        ("{{ v|roc_short }}", DAY, "115/11/26", "2026-11-26"),
        ("{{ v|roc_month }}", DAY, "民國 115 年 11 月", "2026-11"),
        ('{{ v|roc_month:"short" }}', DAY, "115/11", "2026-11"),
        ('{{ v|roc_month:"short" }}', MOMENT, "115/11", "2026-11"),
        ("{{ v|roc_date }}", MOMENT, "民國 115 年 11 月 26 日", "2026-11-26"),
        ("{{ v|roc_short }}", MOMENT, "115/11/26", "2026-11-26"),
        ("{{ v|roc_datetime }}", MOMENT, "115/11/26 14:30", "2026-11-26 14:30"),
        (
            '{{ v|roc_datetime:"long" }}',
            MOMENT,
            "民國 115 年 11 月 26 日 14:30",
            "2026-11-26 14:30",
        ),
        ("{{ v|roc_datetime }}", DAY, "115/11/26", "2026-11-26"),
    ],
)
def test_filters_show_roc_in_chinese_and_iso_in_english(
    source: str, value: Any, chinese: str, english: str
) -> None:
    assert render(source, "zh-hant", v=value) == chinese
    assert render(source, "en", v=value) == english


@pytest.mark.parametrize("name", ["roc_date", "roc_short", "roc_datetime"])
@pytest.mark.parametrize("value", [None, ""])
def test_empty_values_render_nothing(name: str, value: Any) -> None:
    assert render(f"{{{{ v|{name} }}}}", "zh-hant", v=value) == ""


def test_a_missing_variable_renders_nothing() -> None:
    assert render("{{ missing|roc_datetime }}", "zh-hant") == ""


def test_an_evening_in_utc_is_shown_on_the_taipei_date() -> None:
    late = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    assert render("{{ v|roc_datetime }}", "zh-hant", v=late) == "115/11/26 00:30"
