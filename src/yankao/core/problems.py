"""API errors as RFC 9457 problem details (application/problem+json).

Every JSON API error of the platform has the same shape:
    {"type": "about:blank", "title": "...", "status": 400, "detail": "...", "errors": [...]}
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import codes_4xx

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
}


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


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    cleaned = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        cleaned.append({"location": location, "message": str(error.get("msg", ""))})
    return cleaned


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(api, request, exc.status_code, str(exc), exc.errors)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(api, request, exc.status_code, str(exc))

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        detail = "; ".join(
            f"{'.'.join(e['location'][1:]) or 'body'}: {e['message']}" for e in errors
        )
        return problem_response(api, request, 400, detail or "Invalid input.", errors)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem_response(api, request, 413, "The request body is too large.")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(api, request, 404, "Not found, or not yours to see.")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(api, request, 401, "A valid API token is required.")
        response["WWW-Authenticate"] = "Bearer"
        return response


__all__ = ["ApiProblem", "codes_4xx", "install_problem_handlers", "problem_response"]
