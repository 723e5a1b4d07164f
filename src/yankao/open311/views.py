"""The GeoReport v2 endpoints under /open311/v2/. Each view checks the caller
(jurisdiction, key, rate), reads its input, calls one selector or service and
answers in the format the path ends with. Every refusal is the spec's error
array (400, 403, 404, 405, 413, 429), never an HTML page or a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from yankao.core.api import ApiProblem
from yankao.core.idempotency import Outcome, idempotency_key, run_once
from yankao.core.uploads import request_too_large, upload_handlers
from yankao.open311 import auth, inputs, openapi
from yankao.open311.catalogue import (
    Attribute,
    RequestRefused,
    Service,
    all_services,
    find_service,
)
from yankao.open311.errors import Open311Error
from yankao.open311.formats import ERRORS, JSON, REQUESTS, SERVICES, respond, w3c
from yankao.open311.models import ApiClient
from yankao.open311.selectors import (
    PublicRequest,
    public_request,
    public_requests,
    request_for_token,
)
from yankao.open311.services import request_create
from yankao.tracking.models import ENDED_STATUSES, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NOT_FOUND = _("Not found.")
UNKNOWN_SERVICE = _("service_code: unknown service %(code)s.")
UNKNOWN_JURISDICTION = _("jurisdiction_id: unknown jurisdiction %(value)s.")
# One sentence in one language; the method names are the protocol's own words.
WRONG_METHOD = _("This address takes only these methods: %(methods)s.")

View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Answer errors as the spec's array in the requested format; check the
    method and the jurisdiction first."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, fmt: str = JSON, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        str(WRONG_METHOD % {"methods": ", ".join(methods)}),
                        headers={"Allow": ", ".join(methods)},
                    )
                if request.method == "POST":
                    _read_body(request)
                _check_jurisdiction(request)
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return respond(
                    fmt, error.as_list(), ERRORS, status=error.status, headers=error.headers
                )

        inner.methods = methods  # type: ignore[attr-defined]  # read by the description's test
        return inner

    return wrap


def _read_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    if content_type not in FORM_TYPES:
        raise Open311Error(
            400,
            str(_("Send the fields as application/x-www-form-urlencoded or multipart/form-data.")),
        )
    if request_too_large(request):
        raise Open311Error(413, str(_("The request is too large.")))
    request.upload_handlers = upload_handlers(request)
    try:
        request.POST  # noqa: B018 - parse now, inside the error handling
    except RequestDataTooBig as error:
        raise Open311Error(413, str(_("The request is too large."))) from error
    except (SuspiciousOperation, MultiPartParserError, ValueError) as error:
        raise Open311Error(400, str(_("The request body could not be read."))) from error


def _check_jurisdiction(request: HttpRequest) -> None:
    value = inputs.param(request, "jurisdiction_id")
    if value and value != settings.YANKAO_OPEN311_JURISDICTION:
        raise Open311Error(404, str(UNKNOWN_JURISDICTION % {"value": value[:100]}))


def _caller(request: HttpRequest, *, required: bool) -> ApiClient | None:
    raw = inputs.param(request, "api_key")
    client = auth.client_required(raw) if required else auth.client_optional(raw)
    auth.throttle(request, client)
    return client


# --- discovery and services -------------------------------------------------------------------


@require_safe
def openapi_document(request: HttpRequest) -> JsonResponse:
    """The OpenAPI description of these endpoints (yankao.open311.openapi)."""
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


@endpoint("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    _caller(request, required=False)
    body = {
        "changeset": CHANGESET,
        "contact": str(settings.YANKAO_OPEN311_CONTACT),
        "key_service": str(
            _("Keys for client applications are issued by the city's administrators.")
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, body, ("discovery", None))


def _service_row(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": True,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


@endpoint("GET", "HEAD")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _caller(request, required=False)
    return respond(fmt, [_service_row(service) for service in all_services()], SERVICES)


def _attribute_row(attribute: Attribute) -> dict[str, Any]:
    row: dict[str, Any] = {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.values:
        row["values"] = [{"key": key, "name": name} for key, name in attribute.values]
    return row


@endpoint("GET", "HEAD")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _caller(request, required=False)
    found = find_service(code)
    if found is None:
        raise Open311Error(404, str(UNKNOWN_SERVICE % {"code": code[:40]}))
    business, service = found
    body = {
        "service_code": service.code,
        "attributes": [_attribute_row(a) for a in business.attributes(service)],
    }
    return respond(fmt, body, ("service_definition", None))


# --- requests -----------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _request_row(found: PublicRequest) -> dict[str, Any]:
    shown = found.shown
    return {
        "service_request_id": found.number,
        "status": "closed" if found.status in ENDED_STATUSES else "open",
        "status_notes": shown.status_notes or str(Status(found.status).label),
        "service_name": shown.service_name,
        "service_code": shown.service_code,
        "description": shown.description,
        "agency_responsible": found.agency,
        "service_notice": shown.service_notice,
        "requested_datetime": w3c(found.received_at),
        "updated_datetime": w3c(found.updated_at),
        "expected_datetime": w3c(found.due_at),
        "address": shown.address,
        "address_id": None,
        "zipcode": shown.zipcode or None,
        "lat": _number(shown.latitude),
        "long": _number(shown.longitude),
        "media_url": None,
    }


@endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    _caller(request, required=False)
    items = public_requests(inputs.request_filters(request.GET))
    return respond(fmt, [_request_row(item) for item in items], REQUESTS)


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    _caller(request, required=False)
    item = public_request(request_id) if len(request_id) <= 40 else None
    if item is None:
        raise Open311Error(404, str(NOT_FOUND))
    return respond(fmt, [_request_row(item)], REQUESTS)


@endpoint("GET", "HEAD")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    _caller(request, required=False)
    found = request_for_token(token)
    if found is None:
        raise Open311Error(404, str(NOT_FOUND))
    return respond(fmt, [{"service_request_id": found.item.number, "token": token}], REQUESTS)


def _idempotency_key(request: HttpRequest) -> str | None:
    try:
        header = idempotency_key(request)
    except ApiProblem as problem:
        raise Open311Error(400, str(problem)) from problem
    return header or inputs.client_token(request)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _caller(request, required=True)
    assert client is not None
    auth.throttle_pixels(client, request.FILES.getlist("media"))
    code = inputs.service_code(request)
    found = find_service(code) if code else None
    if found is None:
        raise Open311Error(
            400,
            str(UNKNOWN_SERVICE % {"code": code[:40]})
            if code
            else str(_("service_code is required.")),
        )
    business, service = found
    data, extra = inputs.request_input(request, business, service)

    def register() -> Outcome:
        try:
            created = request_create(
                client=client, business=business, service=service, data=data, **extra
            )
        except RequestRefused as error:
            raise Open311Error(400, str(error)) from error
        body = {
            "service_request_id": created.request.item.number,
            "token": created.request.token,
            "service_notice": created.notice,
            "account_id": extra["account_id"] or None,
        }
        return Outcome(status=201, body=body)

    key = _idempotency_key(request)
    try:
        outcome = (
            register()
            if key is None
            else run_once(
                user=client.account,
                key=key,
                fingerprint=inputs.fingerprint(request, data),
                operation=register,
            )
        )
    except ApiProblem as problem:  # the key was used for another request
        raise Open311Error(problem.status_code, str(problem)) from problem
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return respond(fmt, [outcome.body], REQUESTS, status=outcome.status, headers=headers)


@endpoint("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, fmt: str = JSON, rest: str = "") -> HttpResponse:
    raise Open311Error(404, str(NOT_FOUND))
