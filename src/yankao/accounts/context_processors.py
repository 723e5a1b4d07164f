from django.http import HttpRequest

from yankao.accounts.roles import Capability


def capabilities(request: HttpRequest) -> dict[str, bool]:
    """What the navigation may offer the signed-in user."""
    user = getattr(request, "user", None)
    has = getattr(user, "has_capability", None)
    return {
        "perms_reports": bool(has and has(Capability.REPORTS_VIEW)),
        "perms_create": bool(has and has(Capability.ITEM_CREATE)),
    }
