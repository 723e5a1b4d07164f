"""Outside the demo and DEBUG, a per-process cache (rate limits counted per worker)
stops `yankao check`, and with it `migrate` and `runserver`."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
}


def test_a_per_process_cache_in_production_mode_fails_the_check(settings):
    settings.DEMO, settings.DEBUG, settings.CACHES = False, False, LOCAL
    with pytest.raises(SystemCheckError, match=r"yankao\.E001"):
        call_command("check")


@pytest.mark.parametrize("mode", ["DEMO", "DEBUG"])
def test_the_demo_and_debug_may_keep_a_per_process_cache(settings, mode):
    settings.DEMO, settings.DEBUG, settings.CACHES = False, False, LOCAL
    setattr(settings, mode, True)
    call_command("check")


def test_a_shared_cache_passes_the_check(settings):
    settings.DEMO, settings.DEBUG, settings.CACHES = False, False, REDIS
    call_command("check")
