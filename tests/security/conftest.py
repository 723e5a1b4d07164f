"""Everything under tests/security is hostile input (issue 15): marked `hostile`, so
`pytest -m hostile` (`make test-hostile`) runs the hostile suite alone."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.hostile)
