"""A throwaway environment per run: a fresh data directory (and, for PostgreSQL, a
fresh database), migrated and seeded, and gunicorn servers on loopback ports.

Servers run with the command line ``collabdx serve`` runs
(``collabdx.cli.serve.gunicorn_command``: ``python -m gunicorn collabdx.web.wsgi:application
--bind 127.0.0.1:PORT --workers N --graceful-timeout 10 --preload``), each in its own
process group, so a fault can SIGKILL the master and all its workers at once by that
group's id.

To try a deployment change without editing the app, ``RELIABILITY_GUNICORN_ARGS``
adds gunicorn options (e.g. ``--preload``) and ``RELIABILITY_WSGI_APP`` replaces the
WSGI application path; the report records both when set.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from collabdx.cli.serve import gunicorn_command
from reliability.client import CONNECTION_ERRORS, HOST, Browser

ROOT = Path(__file__).resolve().parent.parent
WSGI_APP = "collabdx.web.wsgi:application"
DEFAULT_PG_URL = "postgres://collabdx:collabdx@127.0.0.1:5432/collabdx"


def pg_base_url() -> str:
    """The PostgreSQL server to create throwaway databases on (loopback only)."""
    url = os.environ.get("RELIABILITY_DATABASE_URL") or os.environ.get(
        "TEST_DATABASE_URL", DEFAULT_PG_URL
    )
    if urllib.parse.urlsplit(url).hostname != HOST:
        raise SystemExit(f"PostgreSQL must be on {HOST}, not {url!r}")
    return url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    """One database under test, with its environment and seeded wave."""

    db: str  # sqlite | postgres
    workdir: Path
    env: dict[str, str]
    wave: int = 0  # the wave (and its partner links' tokens) this part of the run uses
    tokens: list[str] = field(default_factory=list)
    waves: list[tuple[int, list[str]]] = field(default_factory=list)

    def part(self, n: int) -> Target:
        """The same environment, pointed at wave ``n`` (one wave per part of a run)."""
        wave, tokens = self.waves[n]
        return dataclasses.replace(self, wave=wave, tokens=tokens)

    def dbtool(self, *args: str, timeout: float = 600) -> Any:
        done = subprocess.run(  # noqa: S603 - fixed argv, our own module
            [sys.executable, "-m", "reliability.dbtool", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"dbtool {args[0]} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout)

    def dump(self) -> dict[str, Any]:
        return dict(self.dbtool("dump", "--wave", str(self.wave)))

    def drop_idle_connections(self) -> int:
        """Terminate the app's idle PostgreSQL connections to this run's database, as a
        database restart, failover or idle timeout would; returns how many."""
        rows = _pg_admin(
            self.env["DATABASE_URL"],
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state = 'idle' AND pid <> pg_backend_pid()",
        )
        return sum(1 for (ok,) in rows if ok)

    def snapshot(self) -> tuple[Any, ...]:
        """Drafts, responses and receipts straight from the database (fast; read only)."""
        queries = (
            "SELECT key, answers FROM survey_draft ORDER BY key",
            "SELECT COUNT(*) FROM survey_response",
            "SELECT COUNT(*) FROM survey_submissionreceipt",
        )
        if self.db == "sqlite":
            import sqlite3

            path = Path(self.env["COLLABDX_DATA_DIR"]) / "collabdx.sqlite3"
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
                return tuple(tuple(c.execute(q).fetchall()) for q in queries)
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"], connect_timeout=10) as conn:
            return tuple(tuple(map(tuple, conn.execute(q.encode()).fetchall())) for q in queries)


def _pg_admin(base_url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        cur = conn.execute(sql.encode())
        return list(cur.fetchall()) if cur.description else []


_static_cache: list[Path] = []  # a collected STATIC_ROOT, reused by later targets


@contextlib.contextmanager
def static_cache() -> Iterator[None]:
    """Collect static files once for every target made inside this block."""
    with tempfile.TemporaryDirectory(prefix="collabdx-reliability-static-") as tmp:
        _static_cache.append(Path(tmp) / "static")
        try:
            yield
        finally:
            _static_cache.pop()


@contextlib.contextmanager
def target(db: str, partners: int = 6, waves: int = 3) -> Iterator[Target]:
    """A migrated, seeded environment; everything is deleted afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"collabdx-reliability-{db}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "collabdx.web.settings",
            "COLLABDX_DATA_DIR": str(workdir / "data"),
            "COLLABDX_ENV": "development",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    dbname = ""
    base = ""
    if db == "postgres":
        base = pg_base_url()
        dbname = f"collabdx_reliability_{secrets.token_hex(4)}"
        _pg_admin(base, f'CREATE DATABASE "{dbname}"')
        parts = urllib.parse.urlsplit(base)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{dbname}"))
    try:
        t = Target(db=db, workdir=workdir, env=env)
        cache = _static_cache[-1] if _static_cache else None
        reuse = ["--static-from", str(cache)] if cache is not None and cache.exists() else []
        seeded = t.dbtool("prepare", "--partners", str(partners), "--waves", str(waves), *reuse)
        if cache is not None and not reuse:
            shutil.copytree(workdir / "data" / "static", cache)
        t.waves = [(w["wave"], w["tokens"]) for w in seeded["waves"]]
        yield t.part(0)
    finally:
        if dbname:
            _pg_admin(base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


class Server:
    """One gunicorn master (and its workers) on a loopback port."""

    def __init__(self, t: Target, workers: int, name: str) -> None:
        self.target = t
        self.port = free_port()
        self.workers = workers
        self.name = name
        self.log_path = t.workdir / f"gunicorn-{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.log_mark = 0

    def control_socket(self) -> Path:
        # Each master its own, as `collabdx serve` gives it (cli.serve.control_socket_path).
        return self.target.workdir / f"{self.name}.ctl"

    def argv(self) -> list[str]:
        argv = gunicorn_command(HOST, self.port, self.workers, control_socket=self.control_socket())
        if os.environ.get("RELIABILITY_WSGI_APP"):
            argv[argv.index(WSGI_APP)] = os.environ["RELIABILITY_WSGI_APP"]
        argv += shlex.split(os.environ.get("RELIABILITY_GUNICORN_ARGS", ""))
        return argv

    def start(self, ready_path: str, timeout: float = 90) -> None:
        self.launch()
        self.wait_ready(ready_path, timeout)

    def launch(self) -> None:
        """Start gunicorn without waiting for it (``wait_ready`` does)."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            self.argv(),
            env=self.target.env,
            cwd=self.target.workdir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: pgid == pid
        )
        self.starts += 1

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        browser = Browser(self.port, timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace").splitlines()[-30:]
                log = "\n".join(tail)
                raise RuntimeError(f"gunicorn {self.name} exited; its log ends:\n{log}")
            try:
                if browser.request("GET", path).status == 200:
                    return
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.name} not ready after {timeout}s")

    def _group_gone(self, pgid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.02)
        return False

    def kill(self) -> None:
        """SIGKILL the master and every worker (the whole process group) at once."""
        if self.proc is None:
            return
        pgid = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        if not self._group_gone(pgid, 10):
            raise RuntimeError(f"gunicorn {self.name}: workers outlived SIGKILL")
        self.kills += 1
        self._close()

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it takes too long."""
        if self.proc is None:
            return
        pgid = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._group_gone(pgid, 10)
        self._close()

    def _close(self) -> None:
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def mark_log(self) -> None:
        """``log_errors`` reads from here on (each part of a run reads its own)."""
        self.log_mark = self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_errors(self) -> list[str]:
        """Error lines gunicorn or Django wrote (tracebacks, worker timeouts, 5xx)."""
        if not self.log_path.exists():
            return []
        with open(self.log_path, "rb") as f:
            f.seek(self.log_mark)
            lines = f.read().decode(errors="replace").splitlines()
        markers = (
            "Traceback",
            "[ERROR]",
            "WORKER TIMEOUT",
            "Internal Server Error",
            "database is locked",
            "OperationalError",
            "IntegrityError",
        )
        # The master may see a worker die of our own SIGKILL just before it dies itself.
        ours = "was sent SIGKILL"
        return [
            f"{self.name}: {line.strip()}"
            for line in lines
            if any(m in line for m in markers) and ours not in line
        ]


class ServeServer(Server):
    """``collabdx serve`` itself rather than its gunicorn command line: migrate and
    collectstatic first, the background worker (django-tasks) as gunicorn's child, then
    gunicorn; what an operator or a service manager restarts after a crash."""

    def argv(self) -> list[str]:
        return [
            sys.executable, "-m", "collabdx.cli", "serve", "--host", HOST,
            "--port", str(self.port), "--workers", str(self.workers),
        ]  # fmt: skip


def start_all(servers: list[Server], ready_path: str, launch: bool = True) -> None:
    """Start several servers at once, then wait until each one answers."""
    if launch:
        for server in servers:
            server.launch()
    for server in servers:
        server.wait_ready(ready_path)


class ServerSet:
    """The servers of one environment, kept from one part of a run to the next and
    restarted only when a part wants another number of servers or workers."""

    def __init__(self, t: Target) -> None:
        self.target = t
        self.servers: list[Server] = []

    def ensure(self, count: int, workers: int) -> list[Server]:
        same = len(self.servers) == count and all(
            s.workers == workers and s.proc is not None for s in self.servers
        )
        if not same:
            self.stop()
            for n in range(count):
                server = Server(self.target, workers, name=f"{self.target.db}-{n + 1}")
                self.servers.append(server)
                server.launch()
            start_all(self.servers, f"/s/{self.target.tokens[0]}/", launch=False)
        for server in self.servers:
            server.mark_log()
        return self.servers

    def stop(self) -> None:
        while self.servers:
            self.servers.pop().stop()


@contextlib.contextmanager
def server_set(t: Target) -> Iterator[ServerSet]:
    pool = ServerSet(t)
    try:
        yield pool
    finally:
        pool.stop()
