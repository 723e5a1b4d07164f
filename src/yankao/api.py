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
        "The city commission's platform API. Errors are RFC 9457 problem details. "
        "Authenticate with `Authorization: Bearer <token>`."
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
