"""Typed reading of settings from the environment; bad values fail loudly at start-up."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def tile_origins(template: str) -> list[str]:
    """The origin(s) a tile URL template loads images from, for the CSP: a
    `{s}` sub-domain placeholder becomes a wildcard; an empty template, none."""
    if not template:
        return []
    parts = urlsplit(template)
    if not parts.scheme or not parts.netloc:
        return []  # a path on this site: covered by 'self'
    host = parts.netloc.replace("{s}.", "*.")
    return [f"{parts.scheme}://{host}"]
