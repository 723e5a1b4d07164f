"""Where the city is: the one test of whether a point lies inside it, used by every
form and API that takes coordinates (settings.MAP_BOUNDS, from YANKAO_CITY_BOUNDS)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def city_bounds() -> tuple[float, float, float, float]:
    """South, west, north, east."""
    (south, west), (north, east) = settings.MAP_BOUNDS
    return south, west, north, east


def in_city(latitude: Decimal | float, longitude: Decimal | float) -> bool:
    south, west, north, east = city_bounds()
    return south <= float(latitude) <= north and west <= float(longitude) <= east
