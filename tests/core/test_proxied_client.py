"""Behind nginx the client's address is the X-Real-IP the proxy sets, believed only
from a trusted proxy: a client cannot choose the address its limits count by."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from yankao.core.env import proxy_entries
from yankao.core.middleware import ProxiedClientMiddleware, _trusted_proxies


def seen_address(settings, peer: str, claimed: str | None, trusted: list[str]) -> str:
    settings.TRUSTED_PROXIES = trusted
    _trusted_proxies.cache_clear()
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    headers = {} if claimed is None else {"HTTP_X_REAL_IP": claimed}
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **headers)
    ProxiedClientMiddleware(view)(request)
    return seen[0]


def test_the_proxy_names_the_client(settings):
    assert seen_address(settings, "127.0.0.1", "203.0.113.9", ["127.0.0.1"]) == "203.0.113.9"


def test_a_proxy_on_the_unix_socket_names_the_client(settings):
    assert seen_address(settings, "", "2001:db8::1", ["unix"]) == "2001:db8::1"


def test_a_proxy_in_a_trusted_network_names_the_client(settings):
    assert seen_address(settings, "10.0.0.7", "203.0.113.9", ["10.0.0.0/24"]) == "203.0.113.9"


def test_a_client_cannot_claim_another_address(settings):
    assert seen_address(settings, "198.51.100.4", "203.0.113.9", ["127.0.0.1"]) == "198.51.100.4"


def test_nobody_is_believed_when_no_proxy_is_trusted(settings):
    assert seen_address(settings, "127.0.0.1", "203.0.113.9", []) == "127.0.0.1"
    assert seen_address(settings, "", "203.0.113.9", []) == ""


def test_a_header_that_is_not_an_address_is_ignored(settings):
    assert seen_address(settings, "127.0.0.1", "evil, 1.2.3.4", ["127.0.0.1"]) == "127.0.0.1"


def test_the_public_rate_limit_counts_each_client_behind_the_proxy(settings, client, db):
    """Two citizens behind nginx are two addresses to the limit, not one."""
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.PUBLIC_RATE = "2/m"
    _trusted_proxies.cache_clear()
    url = "/mailbox/track/"

    def post(address: str) -> int:
        data = {"number": "1151126-000001", "code": "AAAAAAAA"}
        return client.post(url, data, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=address).status_code

    assert [post("203.0.113.1") for _ in range(3)][-1] == 429
    assert post("203.0.113.2") != 429


def test_a_bad_trusted_proxy_setting_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="YANKAO_TRUSTED_PROXIES"):
        proxy_entries(["localhost"])
    assert proxy_entries(["unix", "127.0.0.1", "10.0.0.0/8", "::1"]) == [
        "unix",
        "127.0.0.1",
        "10.0.0.0/8",
        "::1",
    ]
