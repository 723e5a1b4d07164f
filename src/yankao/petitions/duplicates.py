"""Possible duplicates and repeats of a petition, suggested to its handler.

A duplicate is another citizen's petition about the same matter: the same
category in the same district, received within a window, and either near on the
map or written in similar words. A repeat is the same petitioner (same e-mail or
phone) on the same category, usually already answered (要點 第14點).

The database narrows the candidates with indexed filters (a bounded number of
rows); distance and text similarity are then judged on that small set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower, Substr

from yankao.petitions.models import Petition
from yankao.petitions.reference_cache import reference
from yankao.tracking.models import TrackedItem

WINDOW = timedelta(days=30)
REPEAT_WINDOW = timedelta(days=180)
RADIUS_METRES = 100.0
TEXT_SIMILARITY = 0.6
MAX_CANDIDATES = 100
MAX_SUGGESTIONS = 20
# Wording is compared on the subject and the start of the text: enough to recognise
# the same matter, and the comparison's cost stays bounded however long a text is.
COMPARED_CHARACTERS = 300
EARTH_RADIUS_METRES = 6_371_000.0
# What a suggestion shows (its number, subject, date and status) and what judging it
# needs: a candidate is read without its full text or its petitioner.
JUDGED = ("subject", "latitude", "longitude")
ITEM_SHOWN = ("number", "received_at", "status")
SHOWN = (*JUDGED, *(f"item__{name}" for name in ITEM_SHOWN))


@dataclass(frozen=True)
class Suggestion:
    petition: Petition
    reason: str  # "nearby", "similar_text" or "same_petitioner"
    score: float  # metres for "nearby", similarity 0–1 otherwise


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), accurate to well under a metre at city scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def text_similarity(a: str, b: str, *, at_least: float = 0.0) -> float:
    """The share of the two texts that match (difflib's ratio, 0–1). Pairs whose
    cheap upper bounds already fall below `at_least` are answered with that bound,
    without the full comparison (which costs milliseconds for long texts)."""
    return _similarity(SequenceMatcher(None, a, b, autojunk=False), at_least)


def _similarity(matcher: SequenceMatcher[str], at_least: float) -> float:
    if at_least:
        bound = matcher.real_quick_ratio()
        if bound < at_least:
            return bound
        bound = matcher.quick_ratio()
        if bound < at_least:
            return bound
    return matcher.ratio()


def _main_and_subitems(main_id: int) -> list[int]:
    """A main category (主項) and its sub-items (子項), as ids: an IN over a few ids
    lets the database read its indexes instead of joining categories."""
    return list(reference().families.get(main_id, (main_id,)))


def _light(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    return petitions.select_related("item").only(*SHOWN)


def _candidates(petition: Petition, district_id: int) -> list[Petition]:
    received = petition.received_at
    # The same matter: the category or a sibling under the same main item, listed
    # here (a few ids) so the database reads the (category, district) index.
    parent = petition.category.parent_id
    same_matter = _main_and_subitems(parent) if parent else [petition.category_id]
    # First the newest candidates' keys, from the index petition_category_time
    # alone; then those rows. Read in one query, every petition of the matter in
    # the window (hundreds in a busy district) was read and joined to be sorted.
    keys = list(
        Petition.objects.filter(
            category_id__in=same_matter,
            district_id=district_id,
            received_at__gte=received - WINDOW,
            received_at__lte=received + WINDOW,
        )
        .exclude(pk=petition.pk)
        .order_by("-received_at")
        .values_list("pk", flat=True)[:MAX_CANDIDATES]
    )
    rows = (
        Petition.objects.filter(pk__in=keys)
        .only(*JUDGED)
        .annotate(lead=Substr("content", 1, COMPARED_CHARACTERS))
    )
    found = {row.pk: row for row in rows}
    return [found[key] for key in keys if key in found]


def _with_items(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The shown suggestions' items (number, date, status), read for those alone."""
    items = TrackedItem.objects.filter(pk__in=[s.petition.pk for s in suggestions]).only(
        *ITEM_SHOWN
    )
    by_pk = {item.pk: item for item in items}
    for suggestion in suggestions:
        suggestion.petition.item = by_pk[suggestion.petition.pk]
    return suggestions


def _nearby(petition: Petition, other: Petition) -> float | None:
    coords = (petition.latitude, petition.longitude, other.latitude, other.longitude)
    if any(value is None for value in coords):
        return None
    metres = distance_metres(*(float(value) for value in coords))  # type: ignore[arg-type]
    return metres if metres <= RADIUS_METRES else None


def possible_duplicates(petition: Petition) -> list[Suggestion]:
    """Other petitions on the same matter, nearest or most similar first."""
    district_id = petition.district_id
    if district_id is None:
        return []
    # The petition's own text is the matcher's second sequence, which difflib
    # analyses once; each candidate's text is then set as the first.
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(f"{petition.subject}\n{petition.content[:COMPARED_CHARACTERS]}")
    found: list[Suggestion] = []
    for other in _candidates(petition, district_id):
        if len(found) >= MAX_SUGGESTIONS:
            break
        metres = _nearby(petition, other)
        if metres is not None:
            found.append(Suggestion(other, "nearby", metres))
            continue
        matcher.set_seq1(f"{other.subject}\n{other.lead}")  # type: ignore[attr-defined]
        similarity = _similarity(matcher, TEXT_SIMILARITY)
        if similarity >= TEXT_SIMILARITY:
            found.append(Suggestion(other, "similar_text", similarity))
    return _with_items(
        sorted(
            found,
            key=lambda s: (s.reason != "nearby", s.score if s.reason == "nearby" else -s.score),
        )
    )


def possible_repeats(petition: Petition) -> list[Suggestion]:
    """Earlier petitions of the same petitioner on the same main category."""
    contact = Q()
    if petition.petitioner_email:
        # Matched on the lower-cased address, which the petition_email index holds.
        contact |= Q(email_lower=petition.petitioner_email.lower())
    if petition.petitioner_phone:
        contact |= Q(petitioner_phone=petition.petitioner_phone)
    if not contact:
        return []
    parent = petition.category.parent_id or petition.category_id
    received = petition.received_at
    earlier = _light(
        Petition.objects.alias(email_lower=Lower("petitioner_email"))
        .filter(contact)
        .filter(category_id__in=_main_and_subitems(parent))
        .filter(received_at__lt=received, received_at__gte=received - REPEAT_WINDOW)
        .exclude(pk=petition.pk)
        .order_by("-received_at")[:20]
    )
    return [Suggestion(other, "same_petitioner", 1.0) for other in earlier]
