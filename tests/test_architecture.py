"""The layers of docs/architecture.md are a checked contract (import-linter, run by
`make check`). These tests keep the contract whole: every app has its place in a
layer, so a new app cannot slip past the check by being left out of it."""

import tomllib
from pathlib import Path

import yankao

SOURCE = Path(yankao.__file__).parent
PYPROJECT = SOURCE.parent.parent / "pyproject.toml"


def _layers() -> list[list[str]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    (contract,) = [
        one for one in config["tool"]["importlinter"]["contracts"] if one["type"] == "layers"
    ]
    return [
        [name.strip() for name in layer.replace(":", "|").split("|")]
        for layer in contract["layers"]
    ]


def test_every_app_is_placed_in_exactly_one_layer():
    apps = sorted(path.parent.name for path in SOURCE.glob("*/apps.py"))
    placed = [name for layer in _layers() for name in layer]
    assert sorted(placed) == apps


def test_the_core_is_the_lowest_layer_and_alone():
    assert _layers()[-1] == ["core"]


def test_the_contract_keeps_the_businesses_independent():
    """Within the businesses' layer the packages are independent ("|"): a business
    that needs another's piece moves it down into a core."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    businesses = next(layer for layer in contract["layers"] if "petitions" in layer)
    assert ":" not in businesses
    assert {"petitions", "dispatch", "legal", "knowledge", "control"} <= {
        name.strip() for name in businesses.split("|")
    }
