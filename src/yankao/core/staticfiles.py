"""Static files that installed packages ship, served as our own (no CDN).

A few front-end libraries come inside Python packages pinned in pyproject.toml
(plotly.js in the `plotly` package). This finder makes each named file of such a
package a static file under a path of ours, so `collectstatic`, whitenoise and the
Content Security Policy (`script-src 'self'`) treat it like any file of the
project, and only that file: the package's other data (sample data sets,
templates) is not published.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# Static path → (package, the file's path inside the package).
PACKAGE_FILES: dict[str, tuple[str, str]] = {
    "plotly/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}


def package_file(package: str, inside: str) -> Path | None:
    """Where an installed package keeps a file, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / inside
    return found if found.is_file() else None


class PackageFilesFinder(BaseFinder):
    """Finds the files of PACKAGE_FILES (settings.STATICFILES_FINDERS names it)."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(
                f"The static file {path} should come from the package {package!r} "
                f"({inside}), which is not installed or lacks it.",
                id="yankao.staticfiles.E001",
            )
            for path, (package, inside) in PACKAGE_FILES.items()
            if package_file(package, inside) is None
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        source = PACKAGE_FILES.get(path)
        found = package_file(*source) if source else None
        if found is None:
            return []  # as Django's own finders answer "not here"
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for path, source in PACKAGE_FILES.items():
            found = package_file(*source)
            if found is None:
                continue
            folder, name = path.rsplit("/", 1)
            storage = FileSystemStorage(location=str(found.parent))
            storage.prefix = folder  # type: ignore[attr-defined]  # collectstatic reads it
            yield name, storage
