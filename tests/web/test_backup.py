"""``collabdx backup`` / ``collabdx restore``: a backup taken while responses are being
written restores to exactly the rows it saw, in every table; bad cases fail clearly and
change nothing.

The main test runs on the engine the suite runs on: SQLite in ``make test``, PostgreSQL
in ``make test-postgres`` (DATABASE_URL), each with databases of its own, made here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from collabdx.web.backup import BackupError, Database, backup, restore

ROOT = Path(__file__).resolve().parents[2]
COLLABDX = Path(sys.executable).with_name("collabdx")
WRITTEN = ("survey_response", "survey_submissionreceipt")  # what the writer thread adds to
RECEIPT_PREFIX = "backup-test-"


def _env(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLABDX_")}
    env.update(DATABASE_URL=url, COLLABDX_DATA_DIR=str(data_dir),
               DJANGO_SETTINGS_MODULE="collabdx.web.settings")  # fmt: skip
    return env


def _manage(url: str, data_dir: Path, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(url, data_dir),
        check=True, capture_output=True, text=True, input=stdin,
    )  # fmt: skip


def _cli(url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COLLABDX), *args], cwd=data_dir, env=_env(url, data_dir),
        capture_output=True, text=True, check=False,
    )  # fmt: skip


# ------------------------------------------------------------------ the two engines


@dataclass
class Engine:
    """Make databases, open raw connections and read every row, for one engine."""

    name: str
    new_url: Callable[[str], str]
    connect: Callable[[str], Any]
    drop: Callable[[], None]

    def tables(self, con: Any) -> list[str]:
        if self.name == "sqlite":
            rows = con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        else:
            rows = con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='public' "
                "AND table_type='BASE TABLE'"
            ).fetchall()
        return sorted(r[0] for r in rows)

    def every_row(self, url: str) -> dict[str, list[tuple[Any, ...]]]:
        con = self.connect(url)
        try:
            return {
                t: sorted((tuple(r) for r in con.execute(f'SELECT * FROM "{t}"').fetchall()),
                          key=repr)
                for t in self.tables(con)
            }  # fmt: skip
        finally:
            con.close()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    configured = dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite:///unused"))
    if configured["ENGINE"].endswith("sqlite3"):
        import sqlite3

        yield Engine(
            "sqlite",
            new_url=lambda label: f"sqlite:///{tmp_path / (label + '.sqlite3')}",
            connect=lambda url: sqlite3.connect(
                dj_database_url.parse(url)["NAME"], timeout=30, isolation_level=None
            ),
            drop=lambda: None,
        )
        return
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    prefix = f"{configured['NAME']}_bk{os.getpid()}"
    made: list[str] = []

    def admin() -> Any:
        return psycopg.connect(f"{base}/postgres", autocommit=True)

    def new_url(label: str) -> str:
        name = f"{prefix}_{label}"
        with admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{base}/{name}"

    def drop() -> None:
        with admin() as con:
            for name in made:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    eng = Engine("postgresql", new_url, lambda url: psycopg.connect(url, autocommit=True), drop)
    try:
        yield eng
    finally:
        eng.drop()


# ------------------------------------------------------------------ the writer


class Writer(threading.Thread):
    """Submits responses (a response and its receipt, one transaction each) until told
    to stop; response n has id UUID(int=n) and receipt key backup-test-n."""

    def __init__(self, engine: Engine, url: str) -> None:
        super().__init__(daemon=True)
        self.engine, self.url = engine, url
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.progress = threading.Condition()

    def run(self) -> None:
        con = self.engine.connect(self.url)
        try:
            wave_id, partner_id = con.execute(
                "SELECT wave_id, partner_id FROM collab_partnerlink ORDER BY id"
            ).fetchone()
            sqlite = self.engine.name == "sqlite"
            if sqlite:
                # Keep every submission in the write-ahead log, not the main file: a backup
                # that copied only the file would then miss them all.
                con.execute("PRAGMA wal_autocheckpoint=0")
            mark = "?" if sqlite else "%s"
            while not self.stop.is_set():
                n = self.written + 1
                rid: Any = uuid.UUID(int=n).hex if sqlite else uuid.UUID(int=n)
                answers = json.dumps({"Q6": n % 5 + 1})
                con.execute("BEGIN IMMEDIATE" if sqlite else "BEGIN")
                con.execute(
                    "INSERT INTO survey_response (id, wave_id, partner_id, instrument_id, "
                    "instrument_version, answers, submitted_on) VALUES "
                    f"({mark}, {mark}, {mark}, 'readiness', '1', {mark}, '2026-01-15')",
                    (rid, wave_id, partner_id, answers),
                )
                con.execute(
                    f"INSERT INTO survey_submissionreceipt (key, wave_id) VALUES ({mark}, {mark})",
                    (f"{RECEIPT_PREFIX}{n:08d}", wave_id),
                )
                con.execute("COMMIT")
                with self.progress:
                    self.written = n
                    self.progress.notify_all()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            con.close()

    def wait_for(self, count: int) -> None:
        with self.progress:
            ok = self.progress.wait_for(
                lambda: self.written >= count or self.error is not None, timeout=300
            )
        assert ok and self.error is None, f"the writer stopped: {self.error}"


def _written_numbers(rows: dict[str, list[tuple[Any, ...]]]) -> tuple[set[int], set[int]]:
    responses = {
        uuid.UUID(str(r[0])).int for r in rows["survey_response"]
        if uuid.UUID(str(r[0])).int < 10**9
    }  # fmt: skip
    receipts = {
        int(r[1].removeprefix(RECEIPT_PREFIX)) for r in rows["survey_submissionreceipt"]
        if str(r[1]).startswith(RECEIPT_PREFIX)
    }  # fmt: skip
    return responses, receipts


def _only_backed_up(
    rows: dict[str, list[tuple[Any, ...]]], kept: set[int]
) -> dict[str, list[tuple[Any, ...]]]:
    """The source's rows as they were in the backup: the writer's rows up to ``kept``."""
    out = dict(rows)
    out["survey_response"] = [
        r for r in rows["survey_response"]
        if uuid.UUID(str(r[0])).int >= 10**9 or uuid.UUID(str(r[0])).int in kept
    ]  # fmt: skip
    out["survey_submissionreceipt"] = [
        r for r in rows["survey_submissionreceipt"]
        if not str(r[1]).startswith(RECEIPT_PREFIX)
        or int(r[1].removeprefix(RECEIPT_PREFIX)) in kept
    ]  # fmt: skip
    return out


# ------------------------------------------------------------------ the round trip


def test_backup_during_writes_restores_every_row(engine: Engine, tmp_path: Path) -> None:
    source = engine.new_url("src")
    _manage(source, tmp_path, "migrate", "--verbosity=0")
    _manage(source, tmp_path, "load_demo")  # a populated database: users, waves, responses
    writer = Writer(engine, source)
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.written
        file = tmp_path / "collabdx.backup"
        done = _cli(source, tmp_path, "backup", str(file))
        during = writer.written
        assert done.returncode == 0, done.stderr
        assert "Backed up" in done.stdout
        writer.wait_for(during + 20)  # and writing goes on after it
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    assert during > before, "responses were being written while the backup ran"

    target = engine.new_url("dst")
    restored = _cli(target, tmp_path, "restore", str(file))
    assert restored.returncode == 0, restored.stderr

    src_rows, dst_rows = engine.every_row(source), engine.every_row(target)
    responses, receipts = _written_numbers(dst_rows)
    # A consistent snapshot: each submission whole (response with its receipt), and
    # exactly the first k of them, taken while the writer was writing.
    assert responses == receipts == set(range(1, len(responses) + 1))
    assert before <= len(responses) <= writer.written
    expected = _only_backed_up(src_rows, responses)
    assert sorted(dst_rows) == sorted(expected)
    assert sum(len(v) for v in dst_rows.values()) > 1000  # the demo's rows were there too
    for table in expected:
        assert dst_rows[table] == expected[table], table


# ------------------------------------------------------------------ clear errors, nothing written


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    _manage(url, tmp_path, "migrate", "--verbosity=0")
    return Database.from_settings(dj_database_url.parse(url))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def test_backup_refuses_to_overwrite_a_file(sqlite_db: Database, tmp_path: Path) -> None:
    existing = tmp_path / "keep.backup"
    existing.write_bytes(b"precious")
    url = f"sqlite:///{sqlite_db.name}"
    r = _cli(url, tmp_path, "backup", str(existing))
    assert r.returncode == 2
    assert "exists already" in r.stderr
    assert existing.read_bytes() == b"precious"
    with pytest.raises(BackupError, match="no such folder"):
        backup(sqlite_db, tmp_path / "missing" / "x.backup")
    assert _leftovers(tmp_path) == []


def test_restore_names_a_file_of_the_wrong_kind(sqlite_db: Database, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n")
    with pytest.raises(BackupError, match="not a collabdx backup"):
        restore(sqlite_db, text)
    pg_archive = tmp_path / "pg.backup"
    pg_archive.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    with pytest.raises(BackupError, match="PostgreSQL pg_dump archive, but the SQLite database"):
        restore(sqlite_db, pg_archive)
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    with pytest.raises(BackupError, match=r"cannot be read|damaged"):
        restore(sqlite_db, damaged)
    not_ours = tmp_path / "other.sqlite3"
    import sqlite3

    con = sqlite3.connect(not_ours)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(BackupError, match="not a collabdx one"):
        restore(sqlite_db, not_ours)
    with pytest.raises(BackupError, match="no such file"):
        restore(sqlite_db, tmp_path / "nothing.backup")


def test_restore_over_data_needs_force_and_then_replaces_it(tmp_path: Path) -> None:
    import sqlite3

    a_url, b_url = (f"sqlite:///{tmp_path / n}" for n in ("a.sqlite3", "b.sqlite3"))
    _manage(a_url, tmp_path, "migrate", "--verbosity=0")
    _manage(b_url, tmp_path, "migrate", "--verbosity=0")
    _manage(b_url, tmp_path, "create_facilitator", "alex", "--password-stdin",
            stdin="a long enough passphrase\n")  # fmt: skip
    a = Database.from_settings(dj_database_url.parse(a_url))
    b = Database.from_settings(dj_database_url.parse(b_url))
    file = tmp_path / "a.backup"
    backup(a, file)

    def users(db: Database) -> int:
        con = sqlite3.connect(db.name)
        try:
            return int(con.execute("SELECT COUNT(*) FROM auth_user").fetchone()[0])
        finally:
            con.close()

    assert users(b) == 1 and users(a) == 0
    r = _cli(b_url, tmp_path, "restore", str(file))
    assert r.returncode == 2
    assert "already holds" in r.stderr and "--force" in r.stderr
    assert users(b) == 1  # unchanged
    r = _cli(b_url, tmp_path, "restore", "--force", str(file))
    assert r.returncode == 0, r.stderr
    assert users(b) == 0
    assert _leftovers(tmp_path) == []
