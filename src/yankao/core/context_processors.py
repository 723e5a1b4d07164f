from typing import Any

from django.conf import settings
from django.http import HttpRequest


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
