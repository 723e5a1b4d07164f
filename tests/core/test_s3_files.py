"""Stored files on an S3-compatible store (YANKAO_FILES_URL=s3://…), against a real
S3 server: moto's, started on 127.0.0.1 for these tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from tests.petitions import files
from tests.petitions.factories import petition
from yankao.core import clock
from yankao.core.env import file_storage
from yankao.core.uploads import check_file
from yankao.petitions.services import attachment_files_stray_purge

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "yankao-files"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local-test-key",
    "AWS_SECRET_ACCESS_KEY": "local-test-secret",
    "AWS_DEFAULT_REGION": "ap-east-2",
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Iterator[object]:
    """An empty bucket, and the platform's files stored in it under files/."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.resource("s3", endpoint_url=s3_server, region_name=CREDENTIALS["AWS_DEFAULT_REGION"])
    store = s3.Bucket(BUCKET)
    store.create(
        CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["AWS_DEFAULT_REGION"]}
    )
    url = f"s3://{BUCKET}/files?endpoint={s3_server}&addressing=path"
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(url)}
    yield store
    store.objects.all().delete()
    store.delete()


def objects(store) -> dict[str, bytes]:
    return {o.key: o.get()["Body"].read() for o in store.objects.all()}


def with_photo():
    checked = check_file(files.upload("路燈.png", files.png()))
    registered = petition(attachments=[checked])
    return registered.petition, registered.petition.attachments.get(), checked


@pytest.mark.django_db
def test_an_attachment_is_kept_in_the_bucket_with_its_row(bucket):
    _case, attachment, checked = with_photo()
    stored = objects(bucket)
    assert list(stored) == [f"files/{attachment.file.name}"]
    assert stored[f"files/{attachment.file.name}"] == checked.content
    assert attachment.file.name.startswith("petitions/")


@pytest.mark.django_db
def test_staff_download_the_attachment_from_the_bucket(bucket, client, staff):
    case, attachment, checked = with_photo()
    client.force_login(staff.holly)
    response = client.get(reverse("petitions:attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == checked.content


@pytest.mark.django_db
def test_an_object_gone_from_the_bucket_is_a_404_not_a_500(bucket, client, staff):
    case, attachment, _checked = with_photo()
    bucket.Object(f"files/{attachment.file.name}").delete()
    client.force_login(staff.holly)
    response = client.get(reverse("petitions:attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_stray_files_in_the_bucket_are_purged_and_attached_ones_stay(bucket):
    _case, attachment, _checked = with_photo()
    bucket.put_object(Key="files/petitions/ab12/left-behind.jpg", Body=b"x")
    assert attachment_files_stray_purge(now=clock.now() + timedelta(days=2)) == 1
    assert list(objects(bucket)) == [f"files/{attachment.file.name}"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_takes_the_files_from_the_bucket_and_a_restore_puts_them_back(
    bucket, s3_server, tmp_path, settings
):
    from django.core.management import call_command
    from django.db import connection

    from yankao.calendar.services import calendar_load_shipped
    from yankao.organisation.services import city_load
    from yankao.petitions.services import petition_reference_load

    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is in test_backup; this one is about the files")
    calendar_load_shipped()
    city_load()
    petition_reference_load()
    _case, attachment, checked = with_photo()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [entry["name"] for entry in manifest["files"]] == [attachment.file.name]
    assert (folder / "files" / attachment.file.name).read_bytes() == checked.content

    # A new machine: an empty SQLite database, and its files under another prefix.
    bucket.objects.all().delete()
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "yankao.settings",
        "YANKAO_SECRET_KEY": settings.SECRET_KEY,
        "YANKAO_DATA_DIR": str(tmp_path / "new"),
        "YANKAO_QUEUE_URL": "immediate",
        "YANKAO_FILES_URL": f"s3://{BUCKET}/restored?endpoint={s3_server}&addressing=path",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "yankao", "restore", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert objects(bucket) == {f"restored/{attachment.file.name}": checked.content}
