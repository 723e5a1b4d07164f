"""Backups of the whole platform, and restoring one onto an empty machine.

A backup is a folder: the database (SQLite's online backup, or `pg_dump` in its
custom format), a copy of every stored file that a row names, and `manifest.json`
with the SHA-256 of each of them, the app's version and commit, the database's
vendor, the rows of every table, the migrations applied and a check of the key
that citizens' codes depend on (never the key itself).

Everything the manifest says is read in one consistent view of the database: on
PostgreSQL a REPEATABLE READ transaction exports its snapshot and `pg_dump` dumps
that same snapshot; on SQLite the facts are read from the copy itself. Files are
written before the row that names them commits and are never changed, so each
file named in that view is on the store when the backup reads it.

Restoring checks everything before it writes anything: the manifest's format,
the vendor, every checksum, the key, that the database has no tables and that no
file on the store differs from the backup's. Then it loads the database (in one
transaction on PostgreSQL), copies the files and counts the rows again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.crypto import constant_time_compare, salted_hmac

from yankao.core.codes import CodeKind

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20

# The key checks: digests of a fixed probe, one under the key citizens' tracking and
# booking codes are hashed with (YANKAO_CODES_KEY, or the secret key), one under the
# secret key, which seals the codes the outbox and idempotent replays still hold and
# signs sessions. Each tells whether a machine has the same key, and nothing else.
KEY_CHECK = CodeKind(salt="yankao.core.backup.key-check")
KEY_PROBE = "YANKAO-BACKUP-KEY-CHECK"
SECRET_KEY_CHECK_SALT = "yankao.core.backup.secret-key-check"  # noqa: S105 - a salt


def secret_key_check(key: str | None = None) -> str:
    return salted_hmac(SECRET_KEY_CHECK_SALT, KEY_PROBE, secret=key, algorithm="sha256").hexdigest()


def secret_key_matches(check: str) -> bool:
    """Whether the secret key, or one of its fallbacks, made `check`."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(secret_key_check(key), check) for key in keys)


def keys_differing(manifest: dict[str, Any]) -> list[str]:
    """The settings whose key is not the one the backup was made with."""
    differing = []
    if not KEY_CHECK.matches(KEY_PROBE, str(manifest.get("key_check", ""))):
        differing.append("YANKAO_CODES_KEY (or, without one, YANKAO_SECRET_KEY)")
    if not secret_key_matches(str(manifest.get("secret_key_check", ""))):
        differing.append("YANKAO_SECRET_KEY")
    return differing


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why and what to do."""


@dataclass
class StoredName:
    """A file named by a row: which storage holds it, and its name there."""

    storage: Storage
    name: str


@dataclass
class Snapshot:
    """What the manifest tells of the database, read in the dump's own view."""

    tables: dict[str, int]
    migrations: list[list[str]]
    files: list[str]


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    migrate_needed: bool
    notes: list[str] = field(default_factory=list)


# --- facts ------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every installed model."""
    found = set()
    for model in apps.get_models():
        for one in model._meta.concrete_fields:
            if isinstance(one, models.FileField):
                found.add((model._meta.db_table, one.column))
    return sorted(found)


def file_storage() -> Storage:
    """The storage every file field uses (the platform's default storage). A field
    with a storage of its own would need its own copy: refused, not skipped."""
    from django.core.files.storage import default_storage

    for model in apps.get_models():
        for one in model._meta.concrete_fields:
            if isinstance(one, models.FileField) and one.storage is not default_storage:
                raise BackupError(
                    f"{model._meta.label}.{one.name} keeps its files in a storage of its own; "
                    "the backup copies the default storage only."
                )
    return default_storage


def read_snapshot(cursor: Any, tables: list[str]) -> Snapshot:
    """Rows per table, migrations applied and file names, from a DB-API cursor
    standing in the view to describe."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # noqa: S608 - quoted names
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[list[str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    names: set[str] = set()
    for table, column in file_columns():
        if table in counts:
            cursor.execute(
                f"SELECT {_quoted(column)} FROM {_quoted(table)} "  # noqa: S608 - quoted names
                f"WHERE {_quoted(column)} IS NOT NULL AND {_quoted(column)} <> ''"
            )
            names.update(row[0] for row in cursor.fetchall())
    return Snapshot(tables=counts, migrations=migrations, files=sorted(names))


def postgresql_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def sqlite_tables(cursor: Any) -> list[str]:
    # FTS5 tables and their shadow tables are tables like any other here.
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def database_tables(db: BaseDatabaseWrapper) -> list[str]:
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            return postgresql_tables(cursor)
        if db.vendor == "sqlite":
            return sqlite_tables(cursor)
    raise BackupError(f"Backups of a {db.vendor} database are not supported.")


def app_commit() -> str | None:
    """The source's commit when it runs from a git checkout; None in an installed copy."""
    here = Path(__file__).resolve().parent
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [git, "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def app_version() -> str:
    try:
        return metadata.version("yankao")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- PostgreSQL's client programs -----------------------------------------------------------


def postgresql_environment(db: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for the connection Django makes (pg_dump, pg_restore)."""
    params = db.settings_dict
    options = params.get("OPTIONS") or {}
    env = dict(os.environ)
    pairs = {
        "PGHOST": params.get("HOST"),
        "PGPORT": params.get("PORT"),
        "PGUSER": params.get("USER"),
        "PGPASSWORD": params.get("PASSWORD"),
        "PGDATABASE": params.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    env.update({name: str(value) for name, value in pairs.items() if value})
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed. Install PostgreSQL's client programs "
            f"(Debian: postgresql-client) of the server's major version or newer."
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# --- making a backup -------------------------------------------------------------------------


def _dump_sqlite(db: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """SQLite's online backup: one consistent copy, taken while others read and write.
    The copy leaves WAL mode so that it is one self-contained file."""
    db.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        db.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        return read_snapshot(cursor, sqlite_tables(cursor))
    finally:
        copy.close()


def _dump_postgresql(db: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """pg_dump of the snapshot the facts are read in (a REPEATABLE READ transaction
    exports it and stays open while pg_dump reads it)."""
    program = _program("pg_dump")
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        facts = read_snapshot(cursor, postgresql_tables(cursor))
        command = [program, "--format=custom", "--no-owner", "--no-privileges"]
        command += [f"--snapshot={snapshot_id}", f"--file={target}"]
        _run(command, postgresql_environment(db))
    return facts


def _copy_files(
    names: Iterable[str], storage: Storage, folder: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    copied, missing = [], []
    for name in names:
        target = folder / FILES / safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with storage.open(name, "rb") as source, target.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            missing.append(name)
            continue
        copied.append({"name": name, "sha256": digest.hexdigest(), "size": target.stat().st_size})
    return copied, missing


def backup_create(*, folder: Path, db: BaseDatabaseWrapper = connection) -> dict[str, Any]:
    """Write a backup of the database and every stored file a row names into
    `folder` (new, or empty). Returns the manifest."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    storage = file_storage()
    database_file = folder / DATABASE_FILES.get(db.vendor, "")
    started = datetime.now(UTC)
    if db.vendor == "sqlite":
        facts = _dump_sqlite(db, database_file)
    elif db.vendor == "postgresql":
        facts = _dump_postgresql(db, database_file)
    else:
        raise BackupError(f"Backups of a {db.vendor} database are not supported.")
    files, missing = _copy_files(facts.files, storage, folder)
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "app_version": app_version(),
        "commit": app_commit(),
        "database": {
            "vendor": db.vendor,
            "server_version": _server_version(db),
            "file": database_file.name,
            "sha256": sha256_of(database_file),
            "size": database_file.stat().st_size,
            "tables": facts.tables,
            "migrations": facts.migrations,
        },
        "files": files,
        "missing_files": missing,
        "key_check": KEY_CHECK.digest(KEY_PROBE),
        "secret_key_check": secret_key_check(),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def _server_version(db: BaseDatabaseWrapper) -> str:
    if db.vendor == "sqlite":
        return sqlite3.sqlite_version
    with db.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


# --- checking a backup -----------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A stored file's name as a relative path that stays inside the files folder."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
    return str(path)


def manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a Yankao backup.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is damaged: {error}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"{path} is not a backup of format {FORMAT} (found {found!r}).")
    if not _well_formed(manifest):
        raise BackupError(f"{path} is incomplete: it lacks the database's or the files' entries.")
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    database = manifest.get("database")
    files = manifest.get("files")
    if not isinstance(database, dict) or not isinstance(files, list):
        return False
    keys = {"vendor": str, "file": str, "sha256": str, "size": int, "tables": dict}
    if not all(isinstance(database.get(key), kind) for key, kind in keys.items()):
        return False
    if not isinstance(database.get("migrations", []), list):
        return False
    return all(
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("size"), int)
        for entry in files
    )


def _entries(manifest: dict[str, Any]) -> Iterator[tuple[str, Path, str, int]]:
    """(label, relative path, sha256, size) of everything the manifest names."""
    database = manifest["database"]
    yield "the database", Path(database["file"]), database["sha256"], database["size"]
    for entry in manifest["files"]:
        name = safe_name(entry["name"])
        yield entry["name"], Path(FILES) / name, entry["sha256"], entry["size"]


def backup_verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there with its size and SHA-256, and the
    database file is the one the manifest's vendor writes; BackupError lists what is not."""
    database = manifest["database"]
    if database["file"] != DATABASE_FILES.get(database["vendor"]):
        raise BackupError(f"The manifest names {database['file']!r} as its database file.")
    entries = list(_entries(manifest))
    wrong = []
    for label, relative, expected, size in entries:
        path = folder / relative
        if not path.is_file():
            wrong.append(f"{label}: missing")
        elif path.stat().st_size != size or sha256_of(path) != expected:
            wrong.append(f"{label}: its checksum does not match the manifest")
    if wrong:
        shown = "\n  ".join(wrong[:20])
        more = f"\n  … and {len(wrong) - 20} more" if len(wrong) > 20 else ""
        raise BackupError(
            f"The backup in {folder} is damaged or was changed; nothing was restored.\n"
            f"  {shown}{more}"
        )


# --- restoring ------------------------------------------------------------------------------


def _load_sqlite(db: BaseDatabaseWrapper, source: Path) -> None:
    db.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        copy.backup(db.connection)
    finally:
        copy.close()
    db.close()  # the next connection sets the project's PRAGMAs (WAL) again


def _load_postgresql(db: BaseDatabaseWrapper, source: Path) -> None:
    program = _program("pg_restore")
    db.close()
    command = [program, "--exit-on-error", "--single-transaction", "--no-owner"]
    command += ["--no-privileges", f"--dbname={db.settings_dict['NAME']}", str(source)]
    _run(command, postgresql_environment(db))


def _files_conflicting(manifest: dict[str, Any], storage: Storage) -> list[str]:
    """Files already on the store under a name the backup uses, with other content."""
    conflicting = []
    for entry in manifest["files"]:
        if (
            storage.exists(entry["name"])
            and _stored_sha256(storage, entry["name"]) != entry["sha256"]
        ):
            conflicting.append(entry["name"])
    return conflicting


def _stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_restore(folder: Path, manifest: dict[str, Any], storage: Storage) -> int:
    written = 0
    for entry in manifest["files"]:
        name = entry["name"]
        if storage.exists(name):
            continue  # the same content: checked before anything was written
        with (folder / FILES / safe_name(name)).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The store kept {name!r} as {saved!r}; restore stopped.")
        written += 1
    return written


def _migrate_needed(manifest: dict[str, Any]) -> tuple[bool, list[str]]:
    """Whether `migrate` must run after the restore (a backup of an older version),
    and the migrations the backup has that this version does not know (a newer one)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    pairs = manifest["database"].get("migrations", [])
    applied = {
        f"{pair[0]}.{pair[1]}" for pair in pairs if isinstance(pair, list) and len(pair) == 2
    }
    ours = {app for app, _name in loader.disk_migrations}
    unknown = sorted(name for name in applied - known if name.split(".")[0] in ours)
    return bool(known - applied), unknown


def backup_restore(
    *,
    folder: Path,
    accept_new_key: bool = False,
    db: BaseDatabaseWrapper = connection,
    say: Callable[[str], None] = lambda text: None,
) -> Restored:
    """Restore the backup in `folder` into this configuration's empty database and
    file store. Everything is checked before anything is written."""
    manifest = manifest_read(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != db.vendor:
        raise BackupError(
            f"This backup is of a {vendor} database and this configuration uses "
            f"{db.vendor}: restore it onto the same kind of database (DATABASE_URL)."
        )
    say("Checking every checksum …")
    backup_verify(folder, manifest)
    differing = keys_differing(manifest)
    if differing and not accept_new_key:
        raise BackupError(
            f"This machine's {' and '.join(differing)} is not the one the backup was made "
            "with. Citizens' tracking and booking codes are checked with the codes key, and "
            "the codes still waiting in the outbox are sealed with the secret key: set them "
            "to the keys of the machine that made the backup (kept apart from the backups). "
            "To restore anyway, knowing that codes already given out stop working and every "
            "session ends, add --accept-new-key."
        )
    tables = database_tables(db)
    if tables:
        raise BackupError(
            f"The database {db.settings_dict['NAME']!s} is not empty ({len(tables)} tables, "
            f"e.g. {tables[0]}). Restore into a new, empty database: create one and point "
            "DATABASE_URL at it (do not run migrate before restoring)."
        )
    storage = file_storage()
    conflicting = _files_conflicting(manifest, storage)
    if conflicting:
        raise BackupError(
            f"The file store already holds {len(conflicting)} file(s) under the backup's names "
            f"with other content (e.g. {conflicting[0]}). Restore onto an empty file store."
        )
    database_file = folder / manifest["database"]["file"]
    say(f"Loading the database ({db.vendor}) …")
    if db.vendor == "sqlite":
        _load_sqlite(db, database_file)
    else:
        _load_postgresql(db, database_file)
    say(f"Copying {len(manifest['files'])} files …")
    written = _files_restore(folder, manifest, storage)
    return _restored_check(db, manifest, written)


def _restored_check(db: BaseDatabaseWrapper, manifest: dict[str, Any], written: int) -> Restored:
    expected: dict[str, int] = manifest["database"]["tables"]
    with db.cursor() as cursor:
        counted = read_snapshot(cursor, list(expected)).tables
    different = [table for table, rows in expected.items() if counted.get(table) != rows]
    if different:
        raise BackupError(
            "The restored database does not hold the rows the manifest counted: "
            + ", ".join(f"{t} {counted.get(t)} ≠ {expected[t]}" for t in different[:10])
        )
    migrate, unknown = _migrate_needed(manifest)
    notes = []
    if manifest.get("missing_files"):
        notes.append(
            f"{len(manifest['missing_files'])} file(s) named by rows were already missing "
            "when the backup was made (listed in the manifest's missing_files)."
        )
    if unknown:
        notes.append(
            "The backup was made by a newer version (migrations unknown here: "
            + ", ".join(unknown[:5])
            + "); install that version or newer before serving."
        )
    return Restored(
        tables=len(expected),
        rows=sum(expected.values()),
        files=written,
        migrate_needed=migrate,
        notes=notes,
    )
