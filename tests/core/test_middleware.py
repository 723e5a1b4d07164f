"""The CSP header built once is the header django-csp builds."""

import pytest
from csp.constants import NONCE
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from yankao.core.middleware import CSPMiddleware

pytestmark = pytest.mark.django_db


def _answer(view=lambda request: HttpResponse("ok")):
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(view)
    return request, middleware(request)


def test_the_policy_is_django_csps_for_the_settings():
    _, response = _answer()
    assert response["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_change_of_settings_changes_the_policy():
    _answer()  # built and kept
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        _, response = _answer()
        assert response["Content-Security-Policy"] == "default-src 'none'"
    _, response = _answer()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_views_own_header_and_exemption_are_kept():
    def own(request):
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    def exempt(request):
        response = HttpResponse("ok")
        response._csp_exempt = True
        return response

    assert _answer(own)[1]["Content-Security-Policy"] == "default-src 'none'"
    assert "Content-Security-Policy" not in _answer(exempt)[1]


def test_a_views_update_and_a_nonce_go_to_django_csp():
    def updated(request):
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://tiles.example.org"]}
        return response

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    assert "https://tiles.example.org" in _answer(updated)[1]["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [NONCE]}}):
        _, response = _answer(with_nonce)
    assert f"script-src 'nonce-{response.content.decode()}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    from csp.exceptions import CSPNonceError

    request, _ = _answer()
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
