"""An OpenAPI 3.1 description of the GeoReport v2 endpoints under /open311/v2/,
served at /open311/v2/openapi.json.

GeoReport v2 describes itself in prose only; this document states what these
endpoints take and answer, so that a client generator or a conformance tool
(tests/gates run one against it) can check them. Each format is its own path
(`services.json`, `services.xml`), as the URL conf has them; the XML bodies are
described by the same schemas with the element names the spec gives. A test
fails when a route of the URL conf is missing here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from yankao.core.geography import city_bounds
from yankao.open311.formats import ERRORS, REQUESTS, SERVICES
from yankao.open311.inputs import ADDRESS_MAX, DESCRIPTION_MAX, MAX_IDS, WINDOW
from yankao.open311.selectors import MAX_PAGE_SIZE

ROOT = "/open311/v2"
FORMATS = ("json", "xml")
MEDIA = {"json": "application/json", "xml": "text/xml"}
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_MOMENT = {"type": "string", "format": "date-time", "description": "W3C, Asia/Taipei time."}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status."},
            "description": {"type": "string", "description": "In the request's language."},
        },
        "required": ["code", "description"],
        "xml": {"name": ERRORS[1]},
    },
    "Discovery": {
        "type": "object",
        "properties": {
            "changeset": _MOMENT,
            "contact": _STRING,
            "key_service": _STRING,
            "endpoints": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {
                    "type": "object",
                    "xml": {"name": "endpoint"},
                    "properties": {
                        "specification": _STRING,
                        "url": _STRING,
                        "changeset": _MOMENT,
                        "type": {"enum": ["production", "test"]},
                        "formats": {
                            "type": "array",
                            "xml": {"wrapped": True},
                            "items": {"type": "string", "xml": {"name": "format"}},
                        },
                    },
                    "required": ["specification", "url", "changeset", "type", "formats"],
                },
            },
        },
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "xml": {"name": "discovery"},
    },
    "Service": {
        "type": "object",
        "properties": {
            "service_code": {"type": "string", "description": "`P-0103` (petitions), `D-105`."},
            "service_name": _STRING,
            "description": _STRING,
            "metadata": {"type": "boolean", "description": "Always true: see the definition."},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": _STRING,
            "group": _STRING,
        },
        "required": [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
        "xml": {"name": SERVICES[1]},
    },
    "ServiceDefinition": {
        "type": "object",
        "properties": {
            "service_code": _STRING,
            "attributes": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {
                    "type": "object",
                    "xml": {"name": "attribute"},
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": _STRING,
                        "datatype": {
                            "enum": [
                                "string",
                                "number",
                                "datetime",
                                "text",
                                "singlevaluelist",
                                "multivaluelist",
                            ]
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": _NULLABLE_STRING,
                        "order": {"type": "integer"},
                        "description": _STRING,
                        "values": {
                            "type": "array",
                            "xml": {"wrapped": True},
                            "items": {
                                "type": "object",
                                "xml": {"name": "value"},
                                "properties": {"key": _STRING, "name": _STRING},
                                "required": ["key", "name"],
                            },
                        },
                    },
                    "required": [
                        "variable",
                        "code",
                        "datatype",
                        "required",
                        "datatype_description",
                        "order",
                        "description",
                    ],
                },
            },
        },
        "required": ["service_code", "attributes"],
        "xml": {"name": "service_definition"},
    },
    "ServiceRequest": {
        "type": "object",
        "properties": {
            "service_request_id": {
                "type": "string",
                "description": "The case or ticket number: `1151126-000123`, `派115-000123`.",
            },
            "status": {"enum": ["open", "closed"]},
            "status_notes": _STRING,
            "service_name": _STRING,
            "service_code": _STRING,
            "description": _STRING,
            "agency_responsible": _STRING,
            "service_notice": _STRING,
            "requested_datetime": _MOMENT,
            "updated_datetime": _MOMENT,
            "expected_datetime": {**_MOMENT, "type": ["string", "null"]},
            "address": _STRING,
            "address_id": {"type": "null", "description": "Not used: places are addresses."},
            "zipcode": _NULLABLE_STRING,
            "lat": {"type": ["number", "null"]},
            "long": {"type": ["number", "null"]},
            "media_url": {
                "type": "null",
                "description": "Never: pictures are shown only to permitted staff.",
            },
        },
        "required": [
            "service_request_id",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url",
        ],
        "xml": {"name": REQUESTS[1]},
    },
    "RequestCreated": {
        "type": "object",
        "properties": {
            "service_request_id": _STRING,
            "token": {"type": "string", "description": "Resolve it at tokens/{token}."},
            "service_notice": _STRING,
            "account_id": _NULLABLE_STRING,
        },
        "required": ["service_request_id", "token", "service_notice", "account_id"],
        "xml": {"name": REQUESTS[1]},
    },
    "RequestToken": {
        "type": "object",
        "properties": {"service_request_id": _STRING, "token": _STRING},
        "required": ["service_request_id", "token"],
        "xml": {"name": REQUESTS[1]},
    },
    "RequestInput": {
        "type": "object",
        "properties": {
            "api_key": {"type": "string", "description": "The client's key (required)."},
            "jurisdiction_id": _STRING,
            "service_code": {"type": "string", "maxLength": 40, "examples": ["P-0103", "D-101"]},
            # Bounded by the city's box when the document is built (see `_in_city`).
            "lat": {"type": "number", "description": "WGS 84, inside the city; with long."},
            "long": {"type": "number", "description": "WGS 84, inside the city; with lat."},
            "address_string": {"type": "string", "maxLength": ADDRESS_MAX},
            "address_id": {"type": "string", "maxLength": 100},
            "email": {"type": "string", "format": "email"},
            "device_id": {"type": "string", "maxLength": 100},
            "account_id": {"type": "string", "maxLength": 100},
            "first_name": {"type": "string", "maxLength": 50},
            "last_name": {"type": "string", "maxLength": 50},
            "phone": {"type": "string", "maxLength": 30, "description": "A Taiwanese number."},
            "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
            "media_url": {"type": "string", "maxLength": 500},
            "attribute[district]": {
                "type": "string",
                "description": "A district's key or name (see the service definition).",
            },
            "attribute[subject]": {
                "type": "string",
                "maxLength": 100,
                "description": "Petitions: the subject (required for them).",
            },
            "client_token": {
                "type": "string",
                "description": (
                    "An extension: the body's own idempotency key (1 to 255 visible ASCII "
                    "characters), as the `Idempotency-Key` header."
                ),
            },
        },
        "required": ["service_code"],
    },
}


def _in_city(schemas: dict[str, Any]) -> dict[str, Any]:
    """The schemas with `lat` and `long` bounded by the city's box (YANKAO_CITY_BOUNDS):
    a point outside it is refused with 400, as the description says."""
    south, west, north, east = city_bounds()
    found = {**schemas, "RequestInput": {**schemas["RequestInput"]}}
    properties = found["RequestInput"]["properties"] = {**schemas["RequestInput"]["properties"]}
    properties["lat"] = {**properties["lat"], "minimum": south, "maximum": north}
    properties["long"] = {**properties["long"], "minimum": west, "maximum": east}
    return found


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str, root: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name), "xml": {"name": root, "wrapped": True}}


def _body(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {MEDIA[fmt]: {"schema": schema}}


def _errors(fmt: str, *statuses: int) -> dict[str, Any]:
    reasons = {
        400: "A parameter is not valid; each error names it.",
        403: "The api_key is missing (to post), not valid, or revoked.",
        404: "No such service, request, token or jurisdiction.",
        409: "A request with this idempotency key is still being registered.",
        413: "The request is too large.",
        422: "The idempotency key was used before for another request.",
        429: "Too many requests in this minute; wait `Retry-After` seconds.",
    }
    found: dict[str, Any] = {}
    for status in statuses:
        answer: dict[str, Any] = {
            "description": reasons[status],
            "content": _body(fmt, _list("Error", ERRORS[0])),
        }
        if status == 429:
            answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        found[str(status)] = answer
    # A page's own answer (not the error array) when the database cannot be reached.
    found["503"] = {
        "description": "The database cannot be reached; try again after `Retry-After`.",
        "content": {"text/html": {"schema": _STRING}},
    }
    return found


def _parameter(name: str, description: str, *, where: str = "query", **schema: Any) -> Any:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _common() -> list[dict[str, Any]]:
    jurisdiction = settings.YANKAO_OPEN311_JURISDICTION
    return [
        _parameter("jurisdiction_id", f"Optional; if given, `{jurisdiction}`, else 404."),
        _parameter("api_key", "Optional for reading; a key given must be valid, else 403."),
    ]


_REQUEST_FILTERS = [
    _parameter(
        "service_request_id",
        f"Comma-separated ids, at most {MAX_IDS}; the other filters are then ignored.",
    ),
    _parameter("service_code", "Comma-separated service codes."),
    _parameter(
        "start_date",
        "W3C date and time (Asia/Taipei without an offset) or a day (from its start).",
    ),
    _parameter(
        "end_date",
        f"As start_date (a day: up to its end); at most {WINDOW.days} days after start_date.",
    ),
    _parameter("status", "`open`, `closed`, or both, comma-separated."),
    _parameter("page", "An extension: the page, from 1.", pattern=r"^\d+$"),
    _parameter("page_size", f"An extension: 1 to {MAX_PAGE_SIZE} (the default).", pattern=r"^\d+$"),
]


def _get(fmt: str, summary: str, answer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    statuses = extra.pop("statuses", (403, 404, 429))
    return {
        "summary": summary,
        "parameters": _common() + extra.pop("parameters", []),
        "responses": {
            "200": {"description": "Found.", "content": _body(fmt, answer)},
            **_errors(fmt, *statuses),
        },
    }


_EXAMPLE_REQUEST = {
    "api_key": "o311_…",
    "service_code": "P-0103",
    "lat": 22.6273,
    "long": 120.3014,
    "address_string": "高雄市苓雅區四維三路2號",
    "description": "路燈不亮已三天。",
    "attribute[subject]": "路燈不亮",
}


def _post(fmt: str) -> dict[str, Any]:
    form = _ref("RequestInput")
    multipart = {
        "allOf": [
            form,
            {
                "type": "object",
                "properties": {
                    "media": {
                        "type": "string",
                        "format": "binary",
                        "description": "One JPEG or PNG picture.",
                    }
                },
            },
        ]
    }
    return {
        "summary": "Post a service request (an api_key is required)",
        "description": (
            "The request is registered at once as a petition or a dispatch ticket: the "
            "answer holds its id and a token. Send an `Idempotency-Key` header (or the "
            "`client_token` field) to make a resend safe: the same key with the same fields "
            "answers the first response again, with `Idempotent-Replayed: true`."
        ),
        "parameters": _common(),
        "requestBody": {
            "required": True,
            "content": {
                FORM_MEDIA[0]: {"schema": form, "example": _EXAMPLE_REQUEST},
                FORM_MEDIA[1]: {"schema": multipart, "example": _EXAMPLE_REQUEST},
            },
        },
        "responses": {
            "201": {
                "description": "Registered (or replayed).",
                "content": _body(fmt, _list("RequestCreated", REQUESTS[0])),
            },
            **_errors(fmt, 400, 403, 404, 409, 413, 422, 429),
        },
    }


def _paths(fmt: str) -> dict[str, Any]:
    code = _parameter("service_code", "A service code, e.g. `P-0103`.", where="path")
    code["examples"] = {"petition": {"value": "P-0103"}, "ticket": {"value": "D-101"}}
    request_id = _parameter("service_request_id", "A case or ticket number.", where="path")
    token = _parameter("token", "The token a POST answered.", where="path")
    requests = _get(
        fmt,
        "Service requests received through the public channels, newest first",
        _list("ServiceRequest", REQUESTS[0]),
        parameters=_REQUEST_FILTERS,
        statuses=(400, 403, 404, 429),
    )
    return {
        f"{ROOT}/discovery.{fmt}": {
            "get": _get(fmt, "The endpoints, formats and contact", _ref("Discovery"))
        },
        f"{ROOT}/services.{fmt}": {"get": _get(fmt, "The services", _list("Service", SERVICES[0]))},
        f"{ROOT}/services/{{service_code}}.{fmt}": {
            "get": _get(
                fmt,
                "A service's attributes",
                _ref("ServiceDefinition"),
                parameters=[code],
            )
        },
        f"{ROOT}/requests.{fmt}": {"get": requests, "post": _post(fmt)},
        f"{ROOT}/requests/{{service_request_id}}.{fmt}": {
            "get": _get(
                fmt,
                "One service request",
                _list("ServiceRequest", REQUESTS[0]),
                parameters=[request_id],
            )
        },
        f"{ROOT}/tokens/{{token}}.{fmt}": {
            "get": _get(
                fmt,
                "The request a token stands for",
                _list("RequestToken", REQUESTS[0]),
                parameters=[token],
            )
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI document of the GeoReport v2 endpoints."""
    paths: dict[str, Any] = {
        f"{ROOT}/": {"get": _get("json", "The discovery document (JSON)", _ref("Discovery"))}
    }
    for fmt in FORMATS:
        paths.update(_paths(fmt))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Yankao Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Service requests (petitions and dispatch tickets) as GeoReport v2 describes "
                "them (http://wiki.open311.org/GeoReport_v2), in JSON or XML as the path "
                "ends. Reading needs no key; posting needs an `api_key`, issued by the city. "
                "Errors are the spec's array of `{code, description}` in the path's format, "
                "with HTTP 400, 403, 404, 405, 413, 422 and 429 (with `Retry-After`). "
                "Every GET also takes HEAD."
            ),
        },
        "paths": paths,
        "components": {"schemas": _in_city(SCHEMAS)},
    }
