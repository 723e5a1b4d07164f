"""The plumbing every endpoint of the JSON API (/api/v1) shares: errors as RFC 9457
problem documents (also for unknown paths and wrong methods) and their place in
the OpenAPI document, the text type that refuses NUL characters, and keyset
pagination with opaque cursors.

Problem documents have one shape:
    {"type": "about:blank", "title": "...", "status": 400, "detail": "...", "errors": [...]}

Keyset pagination: a list is sorted by a few fields ending in a unique key (the
primary key), and a page is the first `limit` rows after the last row of the
previous page, found by a condition on those fields, never by an offset: one
query a page, however deep, and no count. The cursor names the values of every
sort field of that last row and the sort they belong to, so a cursor from another
sort is refused rather than silently skipping or repeating rows. A NULL sorts
after every value (as PostgreSQL sorts ascending), in both databases: the order
says so explicitly for nullable fields.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import wraps
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    RequestDataTooBig,
    ValidationError,
)
from django.db.models import F, Field, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.responses import codes_4xx
from pydantic import AfterValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from yankao.core.forms import phone_is_valid, phone_normalised
from yankao.core.middleware import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    503: "Service Unavailable",
}

BAD_CURSOR = _("The cursor is not valid; start again without it.")
OTHER_SORT_CURSOR = _("The cursor belongs to another sort order; start again without it.")
UNKNOWN_PATH = _("There is no such path in the API; see /api/v1/docs.")
DATABASE_UNAVAILABLE = _("The database cannot be reached at the moment; try again shortly.")
WRONG_METHOD = _("This path does not take %(method)s; it takes %(allowed)s.")


# --- problem documents ---------------------------------------------------------------------------


class ApiProblem(HttpError):
    """Raise from an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, errors: list[dict[str, Any]] | None = None):
        super().__init__(status, detail)
        self.errors = errors or []


def problem_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    cleaned = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        cleaned.append({"location": location, "message": str(error.get("msg", ""))})
    return cleaned


def _validation_status(exc: NinjaValidationError) -> int:
    """422 when the body is well-formed but holds text no field can store (a lone
    surrogate); 400 for every other invalid input, as before."""
    return 422 if any(error.get("type") == UNENCODABLE for error in exc.errors) else 400


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(api, request, exc.status_code, str(exc), exc.errors)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(api, request, exc.status_code, str(exc))

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        detail = "; ".join(
            f"{'.'.join(e['location'][1:]) or 'body'}: {e['message']}" for e in errors
        )
        status = _validation_status(exc)
        return problem_response(api, request, status, detail or "Invalid input.", errors)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem_response(api, request, 413, "The request body is too large.")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(api, request, 404, "Not found, or not yours to see.")

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def _database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        # The connection is lost or refused: the client may retry, unlike a 500.
        logger.error("Database unavailable for %s", request.path, exc_info=exc)
        response = problem_response(api, request, 503, str(DATABASE_UNAVAILABLE))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(api, request, 401, "A valid API token is required.")
        response["WWW-Authenticate"] = "Bearer"
        return response


# --- the problems in the OpenAPI document ------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document, in the request's language.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`: the status says it."},
        "title": {"type": "string", "description": "The status's English name."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What was wrong, for a person to read."},
        "errors": {
            "type": "array",
            "description": "The fields at fault, when there are some.",
            "items": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": 'Where: `["body", "subject"]`, `["query", "limit"]`.',
                    },
                    "message": {"type": "string"},
                },
                "required": ["location", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

# Why each status is answered; which operations answer it follows from their shape
# (see `_problem_statuses`), so a new endpoint is documented without a line of its own.
PROBLEM_REASONS = {
    400: "The input is not valid (a field, a cursor, a period): see `detail` and `errors`.",
    401: "No valid API token (`Authorization: Bearer …`) or signed-in session.",
    403: "Your role, or your agency, may not do this.",
    404: "There is no such object that you may see.",
    409: "The object changed meanwhile (a stale `version`), or its state does not allow this.",
    413: "The request body is too large.",
    422: (
        "Text no field can store (a lone surrogate), or an `Idempotency-Key` sent before "
        "with another request."
    ),
    503: "The database cannot be reached at the moment; try again after `Retry-After` seconds.",
}
_PROBLEM_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`."}},
    503: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_WRITES = ("post", "put", "patch", "delete")


def problem_responses(*statuses: int) -> dict[str, Any]:
    """Extra problem answers an operation gives beyond what its shape implies, for
    its `openapi_extra` (e.g. a 404 for a look-up by a query parameter)."""
    return {"responses": {status: _problem_response(status) for status in statuses}}


def _problem_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": PROBLEM_REASONS[status],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": _PROBLEM_REF}},
    }
    if status in _PROBLEM_HEADERS:
        answer["headers"] = _PROBLEM_HEADERS[status]
    return answer


def _problem_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The problems an operation of this shape can answer: every operation may find
    the database gone (503); one with input may find it invalid (400) or unstorable
    (422); one behind authentication may lack it (401) or the right (403); a path
    naming an object may name none the caller may see (404); a body may be too large
    (413) and a write may meet a change made meanwhile (409)."""
    statuses = {503}
    parameters = operation.get("parameters") or []
    has_body = "requestBody" in operation
    if parameters or has_body:
        statuses |= {400, 422}
    if operation.get("security"):
        statuses |= {401, 403}
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.add(404)
    if has_body:
        statuses.add(413)
    if method in _WRITES:
        statuses.add(409)
    return statuses


class _DocumentedSchema(OpenAPISchema):
    """The framework's OpenAPI document, refusing two schemas of one name: the
    framework keeps the last one silently, and every operation answering the other
    then documents a shape it does not answer (two `StatisticsOut` did just that)."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != schema:
                raise ImproperlyConfigured(
                    f"Two different schemas of the API are named {name!r}; rename one."
                )
        super().add_schema_definitions(definitions)


def _document_problems(document: dict[str, Any]) -> None:
    document["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for methods in document["paths"].values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_problem_statuses(method, operation)):
                responses.setdefault(status, _problem_response(status))


def choices_schema(choices: type[Enum], title: str) -> dict[str, Any]:
    """The JSON schema of an enum of choices, inline and under a title of its own:
    for `Annotated[Choices, WithJsonSchema(choices_schema(Choices, "TicketChannel"))]`.
    Two businesses' enums of one class name (petitions and dispatch each have a
    `Channel`) would otherwise be one schema, as `_DocumentedSchema` refuses."""
    return {"title": title, "type": "string", "enum": [choice.value for choice in choices]}


# --- unknown paths and wrong methods ------------------------------------------------------------

UrlList = list[URLPattern | URLResolver]


class ProblemAPI(NinjaAPI):
    """A NinjaAPI that answers problem documents everywhere under its prefix: a path
    it does not know is a 404 for every method (a route after all the others), and a
    known path asked with a method it does not take is a 405 with `Allow`, where the
    framework would answer Django's plain pages."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, with every problem each operation can answer (see
        `_problem_statuses`) in `application/problem+json`."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = _DocumentedSchema(self, path_prefix)
        _document_problems(document)
        return document

    @property
    def urls(self) -> tuple[UrlList, str, str]:
        patterns, app_name, namespace = super().urls
        answered: UrlList = [self._with_problem_405(p) for p in patterns]
        answered.append(re_path(r"^.*$", self._unknown_path))
        return answered, app_name, namespace

    def _with_problem_405(self, pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
        if not isinstance(pattern, URLPattern):
            return pattern
        view = pattern.callback

        @wraps(view)  # keeps csrf_exempt and the operation the framework hangs on it
        def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code != 405 or response.get("Content-Type") == PROBLEM_CONTENT_TYPE:
                return response
            allowed = response.get("Allow", "")
            detail = WRONG_METHOD % {"method": request.method, "allowed": allowed}
            problem = problem_response(self, request, 405, str(detail))
            problem["Allow"] = allowed
            return problem

        return URLPattern(pattern.pattern, answered, pattern.default_args, pattern.name)

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return problem_response(self, request, 404, str(UNKNOWN_PATH))

    _unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


# --- text -------------------------------------------------------------------------------------


# The error type of text that is not Unicode text; the handler answers it with 422.
UNENCODABLE = "unencodable_text"


def _encodable(text: str) -> str:
    # A JSON body may spell a lone surrogate (the escape "\\ud800"), which no
    # encoding can write: the database driver failed with a 500, and a queued
    # petition was accepted (202) that could never be registered.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            UNENCODABLE, "must not contain lone surrogates (\\ud800-\\udfff)"
        ) from None
    return text


def _without_nul(text: str) -> str:
    # PostgreSQL cannot store NUL, and no field of the API needs one: refuse it as input.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return _encodable(text)


def _nul_stripped(text: str) -> str:
    return _encodable(text.replace("\x00", ""))


def _phone(text: str) -> str:
    # The forms' one rule (core.forms.PhoneField), for the JSON APIs.
    phone = phone_normalised(_without_nul(text))
    if phone and not phone_is_valid(phone):
        raise ValueError("is not a Taiwanese phone number (e.g. 0912-345-678 or 07-3368333)")
    return phone


# Stored text: a NUL is refused (400), a lone surrogate too (422), naming the field.
Text = Annotated[str, AfterValidator(_without_nul)]
# A phone number, optional ("" when not given), cleaned as the forms clean it.
Phone = Annotated[str, AfterValidator(_phone)]
# A time of day with its UTC offset (14:00:00+08:00), as RFC 3339 and so the `time`
# format require. Written out here: Django's JSON encoder refuses an aware time.
ZonedTime = Annotated[
    time,
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "time"}),
]
# Search words, never stored: a NUL is dropped, as the search pages drop it; a
# lone surrogate is refused as in Text (it cannot be sent to the database either).
SearchText = Annotated[str, AfterValidator(_nul_stripped)]


# --- keyset pagination --------------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    """One field of a sort: its path from the listed model (`item__due_at`), its
    direction, and whether it may be NULL (read from the model)."""

    path: str
    descending: bool
    nullable: bool

    def order_by(self) -> OrderBy | str:
        # Only nullable fields name where NULLs go: on a NOT NULL field the plain
        # order keeps the plans (and index walks) the lists were tuned with.
        if not self.nullable:
            return f"-{self.path}" if self.descending else self.path
        if self.descending:
            return F(self.path).desc(nulls_first=True)
        return F(self.path).asc(nulls_last=True)

    def after(self, value: Any) -> Q | None:
        """Rows strictly after `value` in this field's order, or None when none are
        (NULL sorts last ascending, so nothing follows it)."""
        if self.descending:
            if value is None:
                return Q(**{f"{self.path}__isnull": False})
            return Q(**{f"{self.path}__lt": value})
        if value is None:
            return None
        later = Q(**{f"{self.path}__gt": value})
        return later | Q(**{f"{self.path}__isnull": True}) if self.nullable else later

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})

    def not_before(self, value: Any) -> Q | None:
        """The same rows as `after` plus ties, as one range on this field (NOT NULL
        fields only). Redundant in logic, but it lets the database start an index
        walk at the cursor: without it SQLite read the call list's index from the
        newest call down to the cursor (a scan, 5.4 ms against 3.3 ms at 20,000
        calls), as the list's own cursor condition had always said it."""
        if self.nullable or value is None:
            return None
        return Q(**{f"{self.path}__lte" if self.descending else f"{self.path}__gte": value})


@dataclass(frozen=True)
class Sort:
    """A list's sort: its keys, the last one unique (the primary key)."""

    keys: tuple[SortKey, ...]
    fields: tuple[Field[Any, Any], ...]

    @property
    def name(self) -> str:
        return ",".join(f"-{k.path}" if k.descending else k.path for k in self.keys)

    @property
    def signature(self) -> str:
        # A short digest is enough to tell one sort from another in a cursor.
        return hashlib.sha256(self.name.encode()).hexdigest()[:12]

    def order_by(self) -> list[OrderBy | str]:
        return [key.order_by() for key in self.keys]

    def after(self, values: Sequence[Any]) -> Q:
        """Rows after the row with these values: the row comparison expanded,
        (a > x) or (a = x and b > y) or …, each direction and NULL respected."""
        found = Q()
        for index, key in enumerate(self.keys):
            later = key.after(values[index])
            if later is None:
                continue
            for tie_key, tie_value in zip(self.keys[:index], values[:index], strict=True):
                later &= tie_key.equal(tie_value)
            found = found | later if found else later
        bound = self.keys[0].not_before(values[0]) if len(self.keys) > 1 else None
        return found & bound if bound is not None else found

    def values_of(self, row: Model) -> list[Any]:
        return [_value_at(row, key.path) for key in self.keys]


def _field_at(model: type[Model], path: str) -> Field[Any, Any]:
    field: Any = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    if field is None or not getattr(field, "concrete", False):
        raise FieldDoesNotExist(path)
    return field


def _nullable_path(model: type[Model], path: str) -> bool:
    """A field is NULL in a row when it is nullable, or when a nullable relation
    on the way to it is (a row without the related row)."""
    for part in path.split("__"):
        field: Any = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.null:
            return True
        if field.is_relation:
            model = field.related_model
    return False


def _value_at(row: Any, path: str) -> Any:
    parts = path.split("__")
    for part in parts[:-1]:
        row = getattr(row, part)
        if row is None:
            return None
    return getattr(row, "pk" if parts[-1] == "pk" else parts[-1])


def sort_of(model: type[Model], ordering: Sequence[str]) -> Sort:
    """The sort `ordering` names (`["-started_at", "-pk"]`) on `model`. The last
    field must be unique, or rows with equal keys could be skipped."""
    keys, fields = [], []
    for term in ordering:
        path = term.removeprefix("-")
        field = _field_at(model, path)
        if field.is_relation and path.split("__")[-1] != "pk":
            # Django would sort by the related model's own ordering, not this column.
            raise ValueError(f"Sort by a column, not by the relation {path!r}.")
        keys.append(SortKey(path, term.startswith("-"), _nullable_path(model, path)))
        fields.append(field)
    last = fields[-1] if fields else None
    if last is None or not (last.primary_key or last.unique) or keys[-1].nullable:
        raise ValueError(f"The sort {list(ordering)} must end in a unique, non-null field.")
    return Sort(tuple(keys), tuple(fields))


def _plain(value: Any) -> Any:
    # Whole ISO moments: DjangoJSONEncoder would cut microseconds, and the row
    # after a cut moment is no longer the row after the cursor.
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    return value


def encode_cursor(sort: Sort, values: Sequence[Any]) -> str:
    raw = json.dumps([sort.signature, [_plain(v) for v in values]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> list[Any]:
    """The values in the cursor, typed as the sort's fields; a cursor that is not
    one of ours, or was made for another sort, is a 400 problem."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        signature, raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiProblem(400, str(BAD_CURSOR)) from error
    if signature != sort.signature:
        raise ApiProblem(400, str(OTHER_SORT_CURSOR))
    if not isinstance(raw, list) or len(raw) != len(sort.keys):
        raise ApiProblem(400, str(BAD_CURSOR))
    try:
        return [
            _typed(f, key, value) for f, key, value in zip(sort.fields, sort.keys, raw, strict=True)
        ]
    except (ValidationError, ValueError, TypeError, OverflowError) as error:
        raise ApiProblem(400, str(BAD_CURSOR)) from error


def _typed(field: Field[Any, Any], key: SortKey, value: Any) -> Any:
    if value is None:
        if not key.nullable:
            raise ValueError("NULL for a field that is never NULL")
        return None
    if field.is_relation:
        field = field.target_field  # type: ignore[attr-defined]
    return field.to_python(value)


Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    next_cursor: str | None


def keyset_page(
    rows: QuerySet[Row], *, ordering: Sequence[str], cursor: str | None, limit: int
) -> Page[Row]:
    """One page of `rows` in the order `ordering` names, after the row `cursor`
    points at: one query (`limit + 1` rows, the extra one says whether a next page
    exists), no count."""
    sort = sort_of(rows.model, ordering)
    if cursor:
        rows = rows.filter(sort.after(decode_cursor(sort, cursor)))
    found = list(rows.order_by(*sort.order_by())[: limit + 1])
    page = found[:limit]
    more = len(found) > limit
    return Page(page, encode_cursor(sort, sort.values_of(page[-1])) if more else None)


CURSOR_DESCRIPTION = (
    "Pass as `cursor`, with the same filters, for the next page; absent on the last "
    "page. A cursor is opaque: it holds the last row's sort keys and the sort it was "
    "made for, so a cursor from another sort or a changed filter is refused with 400."
)

__all__ = [
    "CURSOR_DESCRIPTION",
    "ApiProblem",
    "Page",
    "Phone",
    "ProblemAPI",
    "SearchText",
    "Text",
    "ZonedTime",
    "choices_schema",
    "codes_4xx",
    "install_problem_handlers",
    "keyset_page",
    "problem_response",
    "problem_responses",
    "sort_of",
]
