"""Backup and restore of the whole database, with each database's own tools.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while the
server keeps running, and restores the same way page by page into the live file, so WAL readers never
see a half-written database. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean
--single-transaction` from the server's own major version (a older pg_dump refuses a newer server), found
in /usr/lib/postgresql/<major>/bin or on PATH.

A file is restored only after it has been recognised as a gridgov backup of the same kind of database
(magic bytes, then an integrity check or a readable archive listing, and Django's migration table in
it); anything else is refused before the database is touched.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, for the person running it."""


def _vendor(using: str) -> str:
    return connections[using].vendor


def default_path(using: str = "default") -> Path:
    suffix = "sqlite3" if _vendor(using) == "sqlite" else "pgdump"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"gridgov-{stamp}.{suffix}"


def backup(path: Path, *, using: str = "default") -> Path:
    """Write a backup of the database to `path` (written beside it first, then renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if _vendor(using) == "sqlite":
            _sqlite_backup(partial, using)
        elif _vendor(using) == "postgresql":
            _pg_backup(partial, using)
        else:
            raise BackupError(f"unsupported database: {_vendor(using)}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(path: Path, *, using: str = "default") -> None:
    """Replace the database's content with the backup at `path`, after checking it is one."""
    path = Path(path)
    check(path, using=using)
    if _vendor(using) == "sqlite":
        _sqlite_restore(path, using)
    else:
        _pg_restore(path, using)


def check(path: Path, *, using: str = "default") -> None:
    """Raise BackupError unless `path` is a gridgov backup that this database can restore."""
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    with path.open("rb") as f:
        head = f.read(16)
    vendor = _vendor(using)
    if head.startswith(SQLITE_MAGIC):
        if vendor != "sqlite":
            raise BackupError(f"{path} is a SQLite backup; this server uses PostgreSQL")
        _sqlite_check(path)
    elif head.startswith(PG_MAGIC):
        if vendor != "postgresql":
            raise BackupError(f"{path} is a PostgreSQL backup; this server uses SQLite")
        _pg_check(path, using)
    else:
        raise BackupError(f"{path} is not a gridgov backup (neither a SQLite database nor a pg_dump archive)")


# SQLite ---------------------------------------------------------------------------------------------


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("cannot back up or restore inside a transaction")
    connection.ensure_connection()
    return connection.connection  # type: ignore[return-value]


def _sqlite_backup(path: Path, using: str) -> None:
    target = sqlite3.connect(path)
    try:
        _raw_sqlite(using).backup(target)
    finally:
        target.close()


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is a damaged SQLite database")
            found = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
            ).fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if not found:
        raise BackupError(f"{path} is a SQLite database but not a gridgov backup (no django_migrations)")


def _sqlite_restore(path: Path, using: str) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(_raw_sqlite(using))
    finally:
        source.close()


# PostgreSQL -----------------------------------------------------------------------------------------


def pg_binary(name: str, using: str = "default") -> str:
    """The server's own major version of `name` if installed, else PATH, else the newest installed."""
    connection = connections[using]
    connection.ensure_connection()
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    own = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if own.exists():
        return str(own)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if installed:
        return installed[-1]
    raise BackupError(
        f"{name} not found: install the PostgreSQL client tools (apt-get install postgresql-client)"
    )


def _pg_args(using: str) -> tuple[list[str], dict[str, str]]:
    db = connections[using].settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # not on the command line, where `ps` would show it
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _pg_backup(path: Path, using: str) -> None:
    args, env = _pg_args(using)
    command = [pg_binary("pg_dump", using), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, "--file", str(path), *args], env, "pg_dump")


def _pg_check(path: Path, using: str) -> None:
    listing = _run(
        [pg_binary("pg_restore", using), "--list", str(path)], dict(os.environ), "reading the archive"
    )
    if " django_migrations " not in listing:
        raise BackupError(f"{path} is a pg_dump archive but not a gridgov backup (no django_migrations)")


def _pg_restore(path: Path, using: str) -> None:
    args, env = _pg_args(using)
    # Django's own connection would hold nothing, but closing it lets DROP TABLE never wait on it.
    connections[using].close()
    command = [
        pg_binary("pg_restore", using),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
        "--exit-on-error",
    ]
    _run([*command, *args, str(path)], env, "pg_restore")


# What a backup holds ---------------------------------------------------------------------------------


def table_fingerprints(using: str = "default") -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows)} for every table: what a restore must give back exactly.

    Rows are hashed in a sorted order so the checksum does not depend on the order the database
    returns them in.
    """
    connection = connections[using]
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
            result[table] = (len(rows), digest)
    return result


def _plain(value: object) -> object:
    if isinstance(value, memoryview):
        return bytes(value)
    return value
