"""Rows of the long lists written in Python (ADR 0013, 0015).

The template engine costs about 15 µs a cell, and a worklist page has fifty rows
of six to ten cells: most of the page's time. A list's view works each row's
labels out (already strings), and these helpers put them into the table's markup,
escaping every value; the template prints the rows where its `<tbody>` is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """A choices list as value → label, the labels translated once for the page."""
    return {value: str(label) for value, label in choices}


def keyed_url(name: str) -> Callable[[int], str]:
    """The URL named `name` for a row's key (a URL ending in `<id:pk>/`), reversed
    once for the page instead of once a row."""
    prefix = reverse(name, args=[0]).removesuffix("0/")
    return lambda key: f"{prefix}{key}/"


def text(value: object) -> str:
    """A value as escaped cell text."""
    return html.escape(str(value))


def link(url: str, label: object) -> str:
    return f'<a href="{html.escape(url)}">{text(label)}</a>'


def overdue_badge() -> str:
    return f' <strong class="badge overdue-badge">{text(_("Overdue"))}</strong>'


def row(cells: Iterable[str], *, overdue: bool = False) -> str:
    """One table row of cells already written (escaped) by the helpers above."""
    opening = '<tr class="overdue">' if overdue else "<tr>"
    inside = "\n      ".join(f"<td>{cell}</td>" for cell in cells)
    return f"    {opening}\n      {inside}\n    </tr>"


def rows(lines: Iterable[str]) -> SafeString:
    return SafeString("\n".join(lines))
