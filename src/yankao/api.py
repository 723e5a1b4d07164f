"""The JSON API under /api/v1, with its OpenAPI document at /api/v1/openapi.json.

Each business mounts its own router here; authentication is a bearer token
(`yankao token create USERNAME`) or, for staff in a browser, their session.
"""

from yankao.accounts.api_auth import session_auth, token_auth
from yankao.calendar.api import router as calendar_router
from yankao.core.api import ProblemAPI, install_problem_handlers
from yankao.tracking.api import router as tracking_router

api = ProblemAPI(
    title="Yankao API",
    version="1",
    description=(
        "The city commission's platform API. Errors are RFC 9457 problem details "
        "(`application/problem+json`) everywhere under /api/v1, unknown paths (404) and "
        "methods a path does not take (405) included. "
        "Authenticate with `Authorization: Bearer <token>`.\n\n"
        "Lists are paged by cursor: pass a page's `next_cursor` as `cursor`, with the same "
        "filters, until it is absent. Each list has one sort, stated with it, ending in the "
        "row's id, so every row appears exactly once. A cursor is opaque; one from another "
        "sort, or not one of ours, is refused with 400: start again without it.\n\n"
        "Dates are ISO 8601 in any form (2024-02-07, 20240207, 2024-W06-3, 2024-038); "
        "a date and time without an offset is Asia/Taipei time. A plain date where a moment "
        "is asked for keeps the meaning the endpoint documents (the calendar's `start`: "
        "09:00 that day). Dates and moments must lie within the years 2 to 9998 (UTC), "
        "else 400."
    ),
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[token_auth, session_auth],
)
install_problem_handlers(api)

api.add_router("/calendar", calendar_router)
api.add_router("/items", tracking_router)
api.add_router("/petitions", "yankao.petitions.api.router")
api.add_router("/tickets", "yankao.dispatch.api.router")
api.add_router("/calls", "yankao.hotline.api.router")
api.add_router("/legal", "yankao.legal.api.router")
api.add_router("/knowledge", "yankao.knowledge.api.router")
api.add_router("/programmes", "yankao.control.api.router")
