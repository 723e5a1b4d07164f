"""What every search box shares: a pasted paragraph still searches, cut to the
length the index reads rather than refused."""

from __future__ import annotations

from typing import Any

from django import forms

QUERY_MAX = 200


def query_text(value: Any) -> str:
    """The words to search for: NUL characters dropped (no database stores them),
    cut at QUERY_MAX characters."""
    return str(value or "").replace("\x00", "")[:QUERY_MAX]


class QueryField(forms.CharField):
    """A search box's field: optional, and never refused for its length (cut
    instead, see query_text)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return query_text(super().clean(value))
