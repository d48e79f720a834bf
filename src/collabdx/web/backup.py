"""``collabdx backup`` and ``collabdx restore``: a consistent copy of the database, and back.

* SQLite: Python's ``sqlite3.Connection.backup`` (SQLite's online backup API) copies
  every page in one step, inside one read transaction of the source: a consistent
  snapshot while the server keeps writing (WAL lets it). Restoring runs the same API
  the other way, into the live database file, as one write transaction: it either
  replaces everything or changes nothing, and SQLite's own locking and WAL handling
  stay in charge (copying the file over a live WAL database would corrupt it).
* PostgreSQL: ``pg_dump --format=custom`` (a snapshot in one repeatable-read
  transaction) and ``pg_restore --single-transaction --exit-on-error``.

Nothing is partly written: a backup is written to a temporary file beside the target,
checked (SQLite ``integrity_check``; ``pg_restore --list``), and only then linked to
its name, which fails rather than overwrite a file that exists. A restore checks the
file first (format, readable, a collabdx database) and refuses to replace a database
that holds tables unless ``force`` is given. The password is passed to the PostgreSQL
tools in the environment, never on the command line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
Format = Literal["sqlite", "pg_custom"]
FORMAT_NAMES = {"sqlite": "a SQLite database", "pg_custom": "a PostgreSQL pg_dump archive"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    engine: Literal["sqlite", "postgresql"]
    name: str  # the file for SQLite, the database name for PostgreSQL
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, config: Mapping[str, Any]) -> Database:
        """From a Django DATABASES entry (settings, or ``dj_database_url.parse``)."""
        engine = str(config.get("ENGINE", ""))
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(config["NAME"]))
        if engine.endswith(("postgresql", "postgis")):
            return cls(
                "postgresql", str(config["NAME"]), str(config.get("HOST") or ""),
                str(config.get("PORT") or ""), str(config.get("USER") or ""),
                str(config.get("PASSWORD") or ""),
            )  # fmt: skip
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine or 'this database'}")

    def describe(self) -> str:
        if self.engine == "sqlite":
            return f"the SQLite database {self.name}"
        where = f" on {self.host or 'localhost'}:{self.port or 5432}"
        return f"the PostgreSQL database {self.name}{where}"


@dataclass(frozen=True)
class Done:
    path: Path
    tables: int
    rows: int
    size: int


# ------------------------------------------------------------------ formats


def file_format(path: Path) -> Format:
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise BackupError(f"{path} is a folder, not a backup file") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "pg_custom"
    raise BackupError(
        f"{path} is not a collabdx backup: it is neither a SQLite database nor a "
        "PostgreSQL pg_dump archive in custom format"
    )


def _expected_format(db: Database) -> Format:
    return "sqlite" if db.engine == "sqlite" else "pg_custom"


# ------------------------------------------------------------------ writing a file safely


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary path in the target's folder (so linking it is atomic); removed after."""
    if target.exists():
        raise BackupError(f"{target} exists already. Choose another file name or delete it first")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.partial"
    try:
        yield tmp
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _publish(tmp: Path, target: Path) -> None:
    """Give the finished file its name, never replacing a file that appeared meanwhile."""
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    try:
        os.link(tmp, target)
    except FileExistsError as exc:
        raise BackupError(f"{target} exists already. Choose another file name") from exc
    except OSError as exc:  # a file system without hard links
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
            raise
        if target.exists():
            raise BackupError(f"{target} exists already. Choose another file name") from exc
        os.replace(tmp, target)


# ------------------------------------------------------------------ SQLite


def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r[0] for r in rows]


def _sqlite_rows(con: sqlite3.Connection, tables: list[str]) -> int:
    # Table names cannot be bound as parameters. They come from sqlite_master, and a name
    # with a double quote is refused rather than escaped, so nothing can break out.
    total = 0
    for t in tables:
        if '"' in t:
            raise ValueError(f"unexpected table name in backup: {t!r}")
        query = 'SELECT COUNT(*) FROM "' + t + '"'  # noqa: S608  # nosec B608
        total += con.execute(query).fetchone()[0]
    return total


def _check_sqlite_file(path: Path) -> tuple[int, int]:
    """Tables and rows of a SQLite backup, after checking it is whole and a collabdx one."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        status = con.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"{path} is damaged: SQLite's integrity check says {status!r}")
        tables = _sqlite_tables(con)
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is a SQLite database but not a collabdx one")
        return len(tables), _sqlite_rows(con, tables)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database: {exc}") from exc
    finally:
        con.close()


def _sqlite_backup(db: Database, target: Path) -> Done:
    source = Path(db.name)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}")
    with _temporary_beside(target) as tmp:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # pages=-1: all in one step, one consistent snapshot
        finally:
            dst.close()
            src.close()
        tables, rows = _check_sqlite_file(tmp)
        _publish(tmp, target)
    return Done(target, tables, rows, target.stat().st_size)


def _sqlite_restore(db: Database, source: Path, *, force: bool) -> Done:
    tables, rows = _check_sqlite_file(source)
    target = Path(db.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        held = _sqlite_tables(dst)
        if held and not force:
            raise BackupError(_not_empty(db, len(held), _sqlite_rows(dst, held)))
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.backup(dst)  # one write transaction on the target: all or nothing
        finally:
            src.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(f"Could not restore into {db.describe()}: {exc}") from exc
    finally:
        dst.close()
    return Done(target, tables, rows, source.stat().st_size)


# ------------------------------------------------------------------ PostgreSQL


def _pg_env(db: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if db.password:
        env["PGPASSWORD"] = db.password
    return env


def _pg_args(db: Database) -> list[str]:
    args = ["--no-password"]
    if db.host:
        args.append(f"--host={db.host}")
    if db.port:
        args.append(f"--port={db.port}")
    if db.user:
        args.append(f"--username={db.user}")
    return args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client tools of the server's "
            "version or newer (Debian: apt-get install postgresql-client)"
        )
    return found


def _run(args: list[str], db: Database, what: str) -> str:
    result = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        args, env=_pg_env(db), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + (" ".join(detail[-3:]) or "no message"))
    return result.stdout


def _pg_connect(db: Database) -> Any:
    import psycopg

    try:
        return psycopg.connect(
            dbname=db.name, host=db.host or None, port=db.port or None,
            user=db.user or None, password=db.password or None, connect_timeout=10,
        )  # fmt: skip
    except psycopg.OperationalError as exc:
        raise BackupError(f"Could not connect to {db.describe()}: {exc}".strip()) from exc


def _pg_counts(db: Database) -> tuple[int, int]:
    from psycopg import sql

    with _pg_connect(db) as con, con.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [r[0] for r in cur.fetchall()]
        rows = 0
        for table in tables:
            cur.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
            rows += int(cur.fetchone()[0])
    return len(tables), rows


def _check_pg_file(db: Database, path: Path) -> None:
    listing = _run([_tool("pg_restore"), "--list", str(path)], db, f"Reading {path}")
    if " django_migrations " not in listing:
        raise BackupError(f"{path} is a pg_dump archive but not of a collabdx database")


def _pg_backup(db: Database, target: Path) -> Done:
    with _temporary_beside(target) as tmp:
        _run(
            [_tool("pg_dump"), *_pg_args(db), "--format=custom", f"--file={tmp}",
             f"--dbname={db.name}"],
            db, f"pg_dump of {db.describe()}",
        )  # fmt: skip
        _check_pg_file(db, tmp)
        tables, rows = _pg_counts(db)
        _publish(tmp, target)
    return Done(target, tables, rows, target.stat().st_size)


def _pg_restore(db: Database, source: Path, *, force: bool) -> Done:
    _check_pg_file(db, source)
    held, held_rows = _pg_counts(db)
    if held and not force:
        raise BackupError(_not_empty(db, held, held_rows))
    clean = ["--clean", "--if-exists"] if held else []
    _run(
        [_tool("pg_restore"), *_pg_args(db), "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", *clean, f"--dbname={db.name}", str(source)],
        db, f"Restoring into {db.describe()} (nothing was changed)",
    )  # fmt: skip
    tables, rows = _pg_counts(db)
    return Done(source, tables, rows, source.stat().st_size)


# ------------------------------------------------------------------ the two commands


def _not_empty(db: Database, tables: int, rows: int) -> str:
    return (
        f"{db.describe().capitalize()} already holds {tables} tables with {rows:,} rows. "
        "Restoring replaces everything in it: run again with --force if that is what you want"
    )


def backup(db: Database, target: Path) -> Done:
    """Write a consistent copy of ``db`` to ``target`` (a new file)."""
    return _sqlite_backup(db, target) if db.engine == "sqlite" else _pg_backup(db, target)


def restore(db: Database, source: Path, *, force: bool = False) -> Done:
    """Replace the contents of ``db`` with the backup in ``source``."""
    found = file_format(source)
    wanted = _expected_format(db)
    if found != wanted:
        raise BackupError(
            f"{source} is {FORMAT_NAMES[found]}, but {db.describe()} needs "
            f"{FORMAT_NAMES[wanted]}: a backup restores into the same kind of database "
            "it was made from"
        )
    if db.engine == "sqlite":
        return _sqlite_restore(db, source, force=force)
    return _pg_restore(db, source, force=force)
