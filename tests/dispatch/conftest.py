import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Stored photos go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT
