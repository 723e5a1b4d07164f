"""The Republic of China era (民國紀年): ROC year 1 is 1912. Every reference
number and every date the UI shows is in it; the formatting and parsing of whole
dates is the calendar's (yankao.calendar.roc, yankao.calendar.parsing)."""

from __future__ import annotations

from datetime import date

ROC_OFFSET = 1911


def roc_year(day: date) -> int:
    year = day.year - ROC_OFFSET
    if year < 1:
        raise ValueError(f"{day.isoformat()} is before ROC year 1 (1912) and has no ROC date.")
    return year
