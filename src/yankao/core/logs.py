"""The logging configuration: plain lines for a person at a terminal, or one JSON
object a line for a log collector, and a security-event stream of its own.

Security events are logged on the "yankao.security" logger (sign-in abuse,
refused keys, …) and Django's "django.security" ones (a disallowed host, a
failed CSRF check). They carry `"stream": "security"` on the console and are also
written to a file of their own when YANKAO_SECURITY_LOG names one, so that they
can be kept longer and watched apart from the rest."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured

SECURITY_LOGGERS = ("yankao.security", "django.security")
STYLES = ("plain", "json")


class SecurityStream(logging.Filter):
    """Marks a record as a security event (a field of its own in JSON lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.stream = "security"
        return True


def _formatter(style: str) -> dict[str, Any]:
    if style == "plain":
        return {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",  # ISO 8601, UTC
        "json_ensure_ascii": False,  # Chinese as it is, not \\u escapes
    }


def _huey(style: str) -> dict[str, Any]:
    """The worker's own logger. Plain: huey's consumer prints through a handler of its
    own (do not print twice). JSON: ours, which the consumer then leaves alone."""
    if style == "plain":
        return {"propagate": False}
    return {"handlers": ["console"], "level": "INFO", "propagate": False}


def logging_config(*, style: str, level: str, security_file: str) -> dict[str, Any]:
    """The LOGGING setting. `style` is plain or json; `security_file`, when not
    empty, also receives every security event (reopened after log rotation)."""
    if style not in STYLES:
        raise ImproperlyConfigured(f"YANKAO_LOG_FORMAT must be plain or json, got {style!r}")
    if level.upper() not in logging.getLevelNamesMapping():
        raise ImproperlyConfigured(f"YANKAO_LOG_LEVEL must be a logging level, got {level!r}")
    handlers: dict[str, Any] = {
        "console": {"class": "logging.StreamHandler", "formatter": style},
        "security_console": {
            "class": "logging.StreamHandler",
            "formatter": style,
            "filters": ["security"],
        },
    }
    if security_file:
        handlers["security_file"] = {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": security_file,
            "formatter": style,
            "filters": ["security"],
        }
    security = {
        "handlers": [name for name in handlers if name.startswith("security_")],
        "level": "INFO",
        "propagate": False,
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"security": {"()": "yankao.core.logs.SecurityStream"}},
        "formatters": {style: _formatter(style)},
        "handlers": handlers,
        "root": {"handlers": ["console"], "level": level.upper()},
        "loggers": {
            "axes": {"level": "WARNING"},
            "huey": _huey(style),
            **dict.fromkeys(SECURITY_LOGGERS, security),
        },
    }
