"""Errors as GeoReport v2 answers them: an array of {code, description} with the
HTTP status of the first, in the format the client asked for."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Open311Error(Exception):
    """Raise from a view to answer the spec's error array. `status` is the HTTP
    status and each error's code; `headers` go on the response (Retry-After)."""

    status: int
    descriptions: list[str]
    headers: dict[str, str] = field(default_factory=dict)

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = [str(text) for text in descriptions]
        self.headers = headers or {}

    def as_list(self) -> list[dict[str, object]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]
