"""The knowledge base's categories, a small list kept as data."""

from __future__ import annotations

import csv
from pathlib import Path

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.csv"


def category_rows() -> list[dict[str, str]]:
    with CATEGORIES_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
