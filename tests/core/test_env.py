import pytest
from django.core.exceptions import ImproperlyConfigured

from yankao.core.env import env_bool, env_int


def test_a_boolean_setting_accepts_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_a_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_a_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


# --- where stored files go (YANKAO_FILES_URL) --------------------------------------------------


def test_files_stay_in_the_data_folder_by_default():
    from yankao.core.env import file_folder, file_storage

    assert file_storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert file_folder("") is None


def test_files_on_a_volume_of_their_own():
    from yankao.core.env import file_folder, file_storage

    assert file_storage("file:///srv/yankao-files")["BACKEND"].endswith("FileSystemStorage")
    assert file_folder("file:///srv/yankao-files") == "/srv/yankao-files"


def test_files_on_an_s3_compatible_store():
    from yankao.core.env import file_storage

    storage = file_storage(
        "s3://yankao-files/attachments/?endpoint=http://127.0.0.1:9000&region=tw-1&addressing=path"
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "yankao-files"
    assert options["location"] == "attachments"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == "tw-1"
    assert options["addressing_style"] == "path"
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/x",
        "file://relative/path",
        "s3://",
        "s3://key:secret@bucket/x",
        "s3://bucket/x?endpoint=http://a&colour=blue",
        "s3://bucket/x?addressing=sideways",
    ],
)
def test_a_bad_files_url_fails_loudly(url):
    from yankao.core.env import file_storage

    with pytest.raises(ImproperlyConfigured, match="YANKAO_FILES_URL"):
        file_storage(url)
