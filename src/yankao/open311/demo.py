"""The demo city's Open311 client: a key for trying the API, shown once when the
demo is built (only in demo mode; a real deployment issues keys by command)."""

from __future__ import annotations

from django.conf import settings

from yankao.open311.models import ApiClient
from yankao.open311.services import client_create

DEMO_CLIENT = "示範 App (demo)"


def open311_seed_for_command() -> list[str]:
    if not settings.DEMO or ApiClient.objects.filter(name=DEMO_CLIENT).exists():
        return []
    issued = client_create(name=DEMO_CLIENT, rate_per_minute=600)
    base = settings.YANKAO_BASE_URL.rstrip("/")
    return [
        f"Open311 key of the demo app (shown once): {issued.raw}",
        f"  services: {base}/open311/v2/services.json",
        f"  post:     curl -d api_key=… -d service_code=P-0103 -d lat=22.627 -d long=120.301 "
        f"-d description=路燈不亮 -d email=you@example.com {base}/open311/v2/requests.json",
    ]
