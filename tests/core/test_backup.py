"""`yankao backup` and `yankao restore`: a backup restored onto an empty machine
holds every row and every file, and a damaged or foreign backup is refused before
anything is written.

The backup is made in this process from the test database; each restore runs as
`python -m yankao restore` in a process of its own, configured like a new machine
(its own database and data folder), as an operator would run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.dispatch.factories import ticket
from tests.petitions import files
from tests.petitions.factories import petition
from yankao.calendar.services import calendar_load_shipped
from yankao.core.backup import file_columns
from yankao.core.uploads import check_file
from yankao.dispatch.services import dispatch_reference_load
from yankao.organisation.services import city_load
from yankao.petitions.services import petition_reference_load

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def city(settings, tmp_path):
    """The city's reference data (a transactional test starts from empty tables) and
    a file store of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "files"
    calendar_load_shipped()
    city_load()
    petition_reference_load()
    dispatch_reference_load()


def some_cases() -> None:
    """Petitions with attachments (one in full-width and CJK text), a dispatch ticket
    with photos: rows in every kind of table, files under two folders."""
    photo = check_file(files.upload("路燈.png", files.png()))
    scan = check_file(files.upload("陳情書.pdf", files.pdf()))
    petition(attachments=[photo, scan], subject="路燈不亮（ＡＢＣ１２３）")
    petition(code="0103", subject="人行道破損", attachments=[photo])
    petition(subject="no attachment", content="English text and 𠮷 beyond the BMP")
    ticket(photos=[check_file(files.upload("坑洞.jpg", files.jpeg_with_gps()))])


@pytest.fixture
def backup(city, tmp_path) -> Path:
    some_cases()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))  # noqa: SIM115
    return folder


# --- a new machine ------------------------------------------------------------------------


@dataclass
class Machine:
    """An empty database and data folder, restored into by a process of its own."""

    url: str
    data: Path

    @property
    def files(self) -> Path:
        return self.data / "files"

    def environment(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "yankao.settings",
            "DATABASE_URL": self.url,
            "YANKAO_DATA_DIR": str(self.data),
            "YANKAO_SECRET_KEY": settings.SECRET_KEY,
            "YANKAO_QUEUE_URL": "immediate",
        }
        env.update(extra)
        return env

    def restore(self, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "yankao", "restore", str(folder), *args]
        return subprocess.run(
            command, env=self.environment(**env), cwd=ROOT, capture_output=True, text=True
        )

    def tables(self) -> list[str]:
        with self.connect() as target:
            return sorted(tables(target))

    def connect(self) -> Any:
        if self.url.startswith("sqlite"):
            return _Closing(sqlite3.connect(self.url.removeprefix("sqlite:///")))
        import psycopg

        return psycopg.connect(self.url)


class _Closing:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def server_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"


def source_connection() -> Any:
    """The test database, read as the new machine's is, through a connection of its
    own (the rows were committed), so both sides load values alike."""
    if connection.vendor == "sqlite":
        # A plain connection to the shared in-memory database: Django's converts values.
        return _Closing(sqlite3.connect(connection.settings_dict["NAME"], uri=True))
    import psycopg

    return psycopg.connect(f"{server_url()}/{connection.settings_dict['NAME']}")


@pytest.fixture
def machine(tmp_path) -> Iterator[Machine]:
    data = tmp_path / "new-machine"
    data.mkdir()
    if connection.vendor == "sqlite":
        yield Machine(f"sqlite:///{data / 'yankao.sqlite3'}", data)
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restored"
    server = server_url()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Machine(f"{server}/{name}", data)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- comparing ----------------------------------------------------------------------------


def tables(conn: Any) -> list[str]:
    if isinstance(conn, sqlite3.Connection) or connection.vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    cursor = conn.cursor()
    cursor.execute(query)
    return [row[0] for row in cursor.fetchall()]


def rows(conn: Any, table: str) -> list[tuple[Any, ...]]:
    cursor = conn.cursor()
    cursor.execute(f'SELECT * FROM "{table}"')
    found = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor]
    return sorted(found, key=repr)


def sequences(conn: Any) -> dict[str, Any]:
    cursor = conn.cursor()
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
    else:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
    return dict(cursor.fetchall())


def stored_names() -> list[str]:
    names = []
    with connection.cursor() as cursor:
        for table, column in file_columns():
            cursor.execute(f'SELECT "{column}" FROM "{table}"')
            names += [row[0] for row in cursor.fetchall() if row[0]]
    return names


# --- the round trip -----------------------------------------------------------------------


def test_a_backup_restored_onto_an_empty_machine_has_every_row_and_file(backup, machine):
    done = machine.restore(backup)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    with source_connection() as source, machine.connect() as target:
        assert machine.tables() == sorted(tables(source))
        for table in tables(source):
            assert rows(target, table) == rows(source, table), table
        assert sequences(target) == sequences(source)
    names = stored_names()
    assert len(names) == 4
    for name in names:
        assert (machine.files / name).read_bytes() == (settings.MEDIA_ROOT / name).read_bytes()
    on_disk = sorted(str(p.relative_to(machine.files)) for p in machine.files.rglob("*.*"))
    assert on_disk == sorted(names)


def test_the_manifest_names_the_version_vendor_rows_and_each_files_checksum(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["format"] == 1
    assert manifest["app_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"]["petitions_petition"] == 3
    assert manifest["database"]["tables"]["petitions_petitionattachment"] == 3
    assert manifest["database"]["tables"]["dispatch_ticketphoto"] == 1
    assert ["petitions", "0001_initial"] in manifest["database"]["migrations"]
    assert len(manifest["files"]) == 4
    for entry in manifest["files"]:
        assert (backup / "files" / entry["name"]).stat().st_size == entry["size"]
        assert len(entry["sha256"]) == 64
    assert settings.SECRET_KEY not in (backup / "manifest.json").read_text()


def test_the_restored_machine_answers_and_takes_new_petitions(backup, machine):
    """Sequences and the search index came along: a new case gets the next number."""
    assert machine.restore(backup).returncode == 0
    script = (
        "from tests.petitions.factories import petition\n"
        "from yankao.petitions.models import Petition\n"
        "p = petition(subject='after the restore').petition\n"
        "print(Petition.objects.count(), p.item.number)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "yankao", "shell", "-c", script],
        env=machine.environment(PYTHONPATH=str(ROOT)),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    count, number = done.stdout.strip().splitlines()[-1].split()
    assert count == "4"
    assert number.endswith("-000004")


# --- refused, with nothing written ----------------------------------------------------------
# Each restore below runs against the test database, which is not empty: a refusal
# for any other reason shows that its check comes before the database is looked at,
# and so before anything could be written.


def rows_now() -> dict[str, int]:
    with connection.cursor() as cursor:
        counted = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counted[table] = cursor.fetchone()[0]
    return counted


def refused(folder: Path, match: str, *args: str) -> None:
    before = rows_now()
    files_before = sorted(settings.MEDIA_ROOT.rglob("*"))
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(folder), *args)
    assert rows_now() == before
    assert sorted(settings.MEDIA_ROOT.rglob("*")) == files_before


def test_a_changed_file_is_refused_and_nothing_is_restored(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    name = manifest["files"][0]["name"]
    changed = backup / "files" / name
    changed.write_bytes(changed.read_bytes()[:-1] + b"\x00")
    refused(backup, rf"damaged or was changed(.|\n)*{re.escape(name)}: its checksum")


def test_a_missing_file_is_refused_and_nothing_is_restored(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    name = manifest["files"][-1]["name"]
    (backup / "files" / name).unlink()
    refused(backup, f"{re.escape(name)}: missing")


def test_a_changed_database_file_is_refused(backup):
    database = next(p for p in backup.iterdir() if p.name.startswith("database."))
    with database.open("r+b") as handle:
        handle.seek(database.stat().st_size // 2)
        handle.write(b"\xff\xfe")
    refused(backup, "the database: its checksum does not match")


def test_another_secret_key_is_refused_unless_the_operator_accepts_it(backup, settings):
    settings.SECRET_KEY = "another-key-" + "x" * 50
    refused(backup, "YANKAO_SECRET_KEY is not the one the backup was made with")
    # Accepted, the restore goes on to its next check (here: the database is in use).
    refused(backup, "is not empty", "--accept-new-key")


def test_another_codes_key_is_refused_even_with_the_same_secret_key(backup, settings):
    settings.CODES_KEY = "a-codes-key-of-another-machine-" + "y" * 40
    refused(backup, r"YANKAO_CODES_KEY \(or, without one, YANKAO_SECRET_KEY\) is not the one")


def test_a_rotated_secret_key_with_the_old_one_kept_as_fallback_is_accepted(backup, settings):
    """The machine rotated its key after the backup: the codes key is the old secret
    key (as ADR 0020 says to rotate), and the old key is a fallback."""
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-" + "z" * 50
    settings.SECRET_KEY_FALLBACKS = [old]
    settings.CODES_KEY = old
    refused(backup, "is not empty")  # past the key checks


def test_a_database_that_is_not_empty_is_refused(backup):
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(backup))


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(backup, tmp_path):
    manifest = json.loads((backup / "manifest.json").read_text())
    outside = tmp_path / "outside.txt"
    outside.write_text("not the backup's")
    manifest["files"][0]["name"] = "../../outside.txt"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    refused(backup, "names a file outside the backup")


def test_a_backup_of_another_kind_of_database_is_refused(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database"]["vendor"] = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    refused(backup, "onto the same kind of database")


@pytest.mark.parametrize("text", ["not json", "[]", '{"format": 1}', '{"format": 99}'])
def test_a_damaged_manifest_is_refused_with_a_message(backup, text):
    (backup / "manifest.json").write_text(text)
    refused(backup, "damaged|not a backup|incomplete")


def test_verify_tells_a_whole_backup_from_a_changed_one(backup):
    out = _Output()
    call_command("restore", str(backup), "--verify", stdout=out)
    assert "The backup is whole" in out.text
    manifest = json.loads((backup / "manifest.json").read_text())
    (backup / "files" / manifest["files"][0]["name"]).write_bytes(b"changed")
    with pytest.raises(CommandError, match="damaged or was changed"):
        call_command("restore", str(backup), "--verify")


def test_a_backup_goes_into_a_new_folder_only(city, tmp_path):
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "something").write_text("kept")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(folder))
    assert (folder / "something").read_text() == "kept"


def test_a_file_missing_from_the_store_is_listed_not_fatal(city, tmp_path):
    some_cases()
    lost = stored_names()[0]
    (settings.MEDIA_ROOT / lost).unlink()
    folder = tmp_path / "backup"
    err = _Output()
    call_command("backup", str(folder), stdout=_Output(), stderr=err)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["missing_files"] == [lost]
    assert "missing" in err.text
    shutil.rmtree(folder)


class _Output:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
