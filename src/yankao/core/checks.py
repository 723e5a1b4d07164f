"""System checks of the platform's own configuration (run by `yankao check`,
`migrate` and `runserver`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags

PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def production_mode() -> bool:
    """Neither the demo (YANKAO_DEMO) nor DEBUG: a deployment, with several processes."""
    return not settings.DEMO and not settings.DEBUG


def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Rate limits and sign-in counts live in the cache. A cache kept in each
    process lets every worker process allow the full rate, so four workers allow
    four times the limit: a deployment must share one cache (YANKAO_CACHE_URL)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not production_mode() or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            "The cache is kept in each process, so rate limits are counted per worker.",
            hint=(
                "Set YANKAO_CACHE_URL to a redis:// URL shared by every process; "
                "only the demo (YANKAO_DEMO=1) or DEBUG may run without one."
            ),
            obj="CACHES",
            id="yankao.E001",
        )
    ]


TAGS = (Tags.caches, Tags.security)
