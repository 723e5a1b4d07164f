"""Logs in production: one JSON object a line, and security events marked and kept
in a file of their own (core/logs.py)."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from yankao.core.logs import logging_config


@pytest.fixture
def configure() -> Iterator[object]:
    """Apply a logging configuration for one test; the suite's comes back after."""

    def apply(**options: str) -> None:
        logging.config.dictConfig(logging_config(**options))

    yield apply
    logging.config.dictConfig(settings.LOGGING)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_json_line_has_the_time_level_logger_message_and_extra_fields(configure, capsys):
    configure(style="json", level="INFO", security_file="")
    logging.getLogger("yankao.petitions").info("案件已登錄 %s", "1151126-000001", extra={"pk": 7})
    (line,) = lines(capsys.readouterr().err)
    assert line["message"] == "案件已登錄 1151126-000001"
    assert line["level"] == "INFO"
    assert line["logger"] == "yankao.petitions"
    assert line["pk"] == 7
    assert line["time"].endswith("+00:00")
    assert "stream" not in line


def test_an_exception_is_kept_in_its_json_line(configure, capsys):
    configure(style="json", level="INFO", security_file="")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("yankao.core").exception("failed")
    (line,) = lines(capsys.readouterr().err)
    assert "ValueError: boom" in line["exc_info"]


def test_security_events_are_marked_and_written_to_their_own_file(configure, capsys, tmp_path):
    security = tmp_path / "security.log"
    configure(style="json", level="WARNING", security_file=str(security))
    logging.getLogger("yankao.security").warning(
        "login spray", extra={"address": "203.0.113.9", "usernames": 12}
    )
    logging.getLogger("django.security.DisallowedHost").error("Invalid HTTP_HOST header")
    logging.getLogger("yankao.petitions").warning("not a security event")
    console = lines(capsys.readouterr().err)
    kept = lines(security.read_text())
    assert [line["message"] for line in kept] == ["login spray", "Invalid HTTP_HOST header"]
    assert all(line["stream"] == "security" for line in kept)
    assert kept[0]["address"] == "203.0.113.9"
    # On the console too, once each (not also through the root logger).
    assert [line["message"] for line in console].count("login spray") == 1
    assert {line["message"]: line.get("stream") for line in console} == {
        "login spray": "security",
        "Invalid HTTP_HOST header": "security",
        "not a security event": None,
    }


def test_security_events_at_info_are_kept_whatever_the_console_level(configure, tmp_path):
    security = tmp_path / "security.log"
    configure(style="plain", level="ERROR", security_file=str(security))
    logging.getLogger("yankao.security").info("token revoked")
    assert "token revoked" in security.read_text()


@pytest.mark.parametrize(
    ("options", "variable"),
    [
        ({"style": "xml", "level": "INFO"}, "YANKAO_LOG_FORMAT"),
        ({"style": "json", "level": "LOUD"}, "YANKAO_LOG_LEVEL"),
    ],
)
def test_a_bad_log_setting_fails_loudly(options, variable):
    with pytest.raises(ImproperlyConfigured, match=variable):
        logging_config(security_file="", **options)


def test_the_workers_lines_are_json_too(configure, capsys):
    """huey's consumer adds a plain handler of its own only to a logger without one."""
    configure(style="json", level="INFO", security_file="")
    huey = logging.getLogger("huey")
    assert huey.handlers
    logging.getLogger("huey.consumer").info("Executing yankao.petitions.tasks.register")
    (line,) = lines(capsys.readouterr().err)
    assert line["logger"] == "huey.consumer"
