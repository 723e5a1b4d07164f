from typing import Any

from django.conf import settings
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


def maps(request: HttpRequest) -> dict[str, Any]:
    """The map settings every page's maps read (templates/includes/map.html)."""
    return {
        "map_config": {
            "tiles": settings.MAP_TILES,
            "attribution": settings.MAP_ATTRIBUTION,
            "center": settings.MAP_CENTER,
            "zoom": settings.MAP_ZOOM,
        }
    }
