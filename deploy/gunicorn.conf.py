"""Gunicorn's settings for Yankao behind nginx (docs/deployment.md).

Read by the systemd unit, the container and `make prod-check` alike; the few
values that differ between them come from the environment:
YANKAO_BIND (default the unix socket nginx proxies to), YANKAO_WEB_WORKERS
(default: one per core, at least two) and PROMETHEUS_MULTIPROC_DIR (set when
YANKAO_METRICS is on, so that /metrics adds up every worker's counts)."""

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("YANKAO_BIND", "unix:/run/yankao/gunicorn.sock")
# Sync workers: nginx buffers slow clients, so a worker is busy only while Django
# works. The platform is CPU-bound with its database on the same machine.
workers = int(os.environ.get("YANKAO_WEB_WORKERS", max(2, os.cpu_count() or 1)))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests (with some jitter, so not all at
# once): memory that a long-lived process collects is given back.
max_requests = 5000
max_requests_jitter = 500
backlog = 2048
# nginx writes the access log; gunicorn's own messages go to stderr (the journal).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("YANKAO_LOG_LEVEL", "info").lower()
# X-Forwarded-Proto is believed from nginx only (the socket or this machine).
forwarded_allow_ips = "127.0.0.1,::1"
wsgi_app = "yankao.wsgi:application"
# systemd (or the container's runtime) manages the process; no control socket in $HOME.
control_socket_disable = True

if os.environ.get("YANKAO_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
        },
    }


def on_starting(server: Any) -> None:
    """Counts of a previous run's workers would be added to this run's: start empty."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker's gauges leave with it (its counters stay in the sums)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
