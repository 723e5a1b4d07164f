"""The S-curve chart of a programme: planned and actual cumulative progress by
month, as a plotly figure (data and layout, plain JSON) that the page hands to
plotly.js from the project's own static files (static/control/s-curve.js reads
it from a JSON data block: no inline script, as the Content Security Policy
requires). The page carries the same figures in a table, so nothing depends on
the chart being seen."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from yankao.calendar.roc import format_roc_month_short
from yankao.control.selectors import CurveMonth

# plotly.js (4.1 in plotly 7.1.0) adds the CSS of its map library as a <style>
# element when the page holds no element of this id, and the Content Security Policy
# refuses that; the programme page holds an empty one (no map is ever drawn). A new
# plotly may change the id: the browser test of the S-curve then fails on the policy.
MAPLIBRE_STYLE_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"

# The site's colours (static/yankao/site.css): distinct in hue and in lightness, and
# the two lines also differ in dash and marker, so they are told apart without colour.
PLANNED_COLOUR = "#00579c"
ACTUAL_COLOUR = "#b34700"


def _label(month: Any) -> str:
    english = (translation.get_language() or "").lower().startswith("en")
    return f"{month:%Y-%m}" if english else format_roc_month_short(month)


def s_curve_figure(months: list[CurveMonth], *, title: str) -> dict[str, Any]:
    labels = [_label(m.month) for m in months]
    planned = [float(m.planned) if m.planned is not None else None for m in months]
    actual = [float(m.actual) if m.actual is not None else None for m in months]
    percent = "%"
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Planned"),
                "x": labels,
                "y": planned,
                "line": {"color": PLANNED_COLOUR, "width": 2, "dash": "dash"},
                "hovertemplate": "%{x} " + _("Planned") + " %{y:.2f}" + percent + "<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Actual"),
                "x": labels,
                "y": actual,
                "connectgaps": False,
                "line": {"color": ACTUAL_COLOUR, "width": 3},
                "marker": {"symbol": "circle", "size": 7},
                "hovertemplate": "%{x} " + _("Actual") + " %{y:.2f}" + percent + "<extra></extra>",
            },
        ],
        "layout": {
            "title": {"text": title},
            "xaxis": {"title": {"text": _("Month")}, "type": "category"},
            "yaxis": {"title": {"text": _("Cumulative progress (%)")}, "range": [0, 102]},
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"t": 48, "r": 16, "b": 72, "l": 56},
            "font": {
                "family": '"Noto Sans TC", "Noto Sans CJK TC", "Microsoft JhengHei", sans-serif'
            },
            "hovermode": "x unified",
        },
    }
