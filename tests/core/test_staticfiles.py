"""plotly.js comes from the pinned plotly package and is served as our own static
file (no CDN): the finder finds it, lists it for collectstatic, and finds nothing
else of the package."""

from django.contrib.staticfiles import finders
from django.core.checks import run_checks

from yankao.core.staticfiles import PackageFilesFinder


def test_plotly_js_is_a_static_file_of_ours():
    found = finders.find("plotly/plotly.min.js")
    assert found is not None and found.endswith("package_data/plotly.min.js")
    with open(found, encoding="utf-8") as handle:
        assert "plotly.js" in handle.read(2000)


def test_collectstatic_sees_plotly_js_under_our_path_and_nothing_else_of_the_package():
    listed = [
        (f"{storage.prefix}/{path}", storage.path(path))
        for path, storage in PackageFilesFinder().list(ignore_patterns=[])
    ]
    assert [name for name, _ in listed] == ["plotly/plotly.min.js"]
    assert finders.find("plotly/package_data/plotly.min.js") is None
    assert PackageFilesFinder().find("plotly/templates/plotly.json") == []


def test_the_system_checks_find_the_package_files():
    assert [m for m in run_checks() if m.id == "yankao.staticfiles.E001"] == []
