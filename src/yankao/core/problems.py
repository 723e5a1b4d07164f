"""API errors as RFC 9457 problem details: defined in `yankao.core.api`, the one
module of the API's plumbing; this name stays for the code that imports it here."""

from yankao.core.api import (
    PROBLEM_CONTENT_TYPE,
    ApiProblem,
    codes_4xx,
    install_problem_handlers,
    problem_response,
)

__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "ApiProblem",
    "codes_4xx",
    "install_problem_handlers",
    "problem_response",
]
