"""What every bench module measures with: a figure row (the keys of run.Figure), the
median of timed runs, and a nearest-rank percentile."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any


def row(
    database: str,
    items: int,
    metric: str,
    value: float,
    unit: str,
    target: float | None,
    runs: int = 1,
    *,
    above: bool = False,
    of: str = "median of",
) -> dict[str, Any]:
    """One figure; `target` is a bound the value must stay below (above, if `above`)."""
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "database": database,
        "items": items,
        "target": target,
        "runs": runs,
        "of": of,
        "above": above,
    }


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall-clock seconds of `runs` calls, after one untimed warm-up call."""
    action()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 for p95): the value at position
    ceil(share × n) in order."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
