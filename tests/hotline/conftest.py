"""A small real knowledge base for the console tests: two articles written and
approved through the knowledge base's own services, found by its own search."""

from __future__ import annotations

import pytest

from tests.knowledge.conftest import published
from yankao.knowledge.models import Article


@pytest.fixture
def knowledge(staff) -> dict[str, Article]:
    """A Public Works article on street lights and a Fengshan district office one on
    low-income households."""
    return {
        "lamp": published(
            "路燈不亮要找哪個單位？",
            "路燈由工務局養護工程處維護，可立即派工…",
            staff=staff,
            keywords="路燈故障",
        ),
        "low_income": published(
            "如何申請低收入戶？",
            "向戶籍所在地區公所社會課提出申請…",
            staff=staff,
            owner="district-fengshan",
            category="social",
            keywords="低收入戶 社會救助",
        ),
    }
