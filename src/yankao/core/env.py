"""Typed reading of settings from the environment; bad values fail loudly at start-up."""

import ipaddress
import os
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

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


_S3_QUERY = {"endpoint": "endpoint_url", "region": "region_name", "addressing": "addressing_style"}


def file_storage(url: str) -> dict[str, Any]:
    """The STORAGES entry for stored files (attachments, photos) from
    YANKAO_FILES_URL: empty or file:///path for a folder (MEDIA_ROOT, see
    `file_folder`), s3://bucket/prefix for an S3-compatible store, with
    `?endpoint=https://…&region=…&addressing=path|virtual` for stores other than
    Amazon's. S3 credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, a profile, an instance role), never from the URL."""
    parts = urlsplit(url)
    if file_folder(url) is not None or not url:
        return {"BACKEND": _FILE_SYSTEM}
    if parts.scheme == "s3" and parts.netloc and not parts.username:
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options(parts)}
    raise ImproperlyConfigured(
        f"YANKAO_FILES_URL must be empty, file:///absolute/path or s3://bucket/prefix, got {url!r}"
    )


def file_folder(url: str) -> str | None:
    """The folder of a file:///absolute/path files URL; None for any other."""
    parts = urlsplit(url)
    if parts.scheme == "file" and not parts.netloc and parts.path.startswith("/"):
        return parts.path
    return None


_FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"


def _s3_options(parts: SplitResult) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # Names are random and never reused: an existing key is never overwritten.
        "file_overwrite": False,
        # Private objects (the bucket's own policy decides), served only through the
        # platform's views, which check who asks.
        "default_acl": None,
        "querystring_auth": True,
        "signature_version": "s3v4",
    }
    for name, values in parse_qs(parts.query, strict_parsing=False).items():
        if name not in _S3_QUERY:
            raise ImproperlyConfigured(
                f"YANKAO_FILES_URL: unknown option {name!r} (known: {', '.join(_S3_QUERY)})"
            )
        options[_S3_QUERY[name]] = values[-1]
    if options.get("addressing_style", "path") not in ("path", "virtual"):
        raise ImproperlyConfigured("YANKAO_FILES_URL: addressing must be path or virtual")
    return options


def proxy_entries(entries: list[str]) -> list[str]:
    """YANKAO_TRUSTED_PROXIES checked: each an address, a network or "unix"."""
    for entry in entries:
        if entry == "unix":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"YANKAO_TRUSTED_PROXIES: {entry!r} is not an address, a network or 'unix'"
            ) from error
    return entries
