"""The real server for the browser tests: ``collabdx serve`` (gunicorn) on loopback.

It runs on a free port with a fresh ``COLLABDX_DATA_DIR`` (so a fresh SQLite
database), loads the demo collaboration (``--demo``) and is stopped at the end of
the session. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 120.0  # migrate + collectstatic + demo + gunicorn on a slow 2-core machine
STOP_TIMEOUT = 15.0
# Settings the server must not inherit from the developer's or CI's shell.
_SCRUB = ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "CSRF_TRUSTED_ORIGINS")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / "collabdx.sqlite3"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Read the server's SQLite database (read-only) while it runs."""
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return list(con.execute(sql, params))
        finally:
            con.close()

    def responses_for_link(self, token: str) -> int:
        """How many survey responses are stored for one partner link's wave and partner."""
        rows = self.query(
            "SELECT COUNT(*) FROM survey_response r JOIN collab_partnerlink l "
            "ON l.partner_id = r.partner_id AND l.wave_id = r.wave_id WHERE l.token = ?",
            (token,),
        )
        return int(rows[0][0])  # type: ignore[call-overload]

    def stop(self) -> None:
        proc = self.process
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_TIMEOUT)
        # The server runs in its own process group: make sure no worker outlives it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:  # loopback only
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_server(
    data_dir: Path, *, demo: bool = True, attempts: int = 3, env: dict[str, str] | None = None
) -> Server:
    """``collabdx serve`` as a user runs it (its own gunicorn control socket in the data
    directory, see ``collabdx.cli.serve.control_socket_path``); ``env`` adds to or, with an
    empty value, removes from the environment it inherits."""
    collabdx = Path(sys.executable).with_name("collabdx")
    if not collabdx.exists():
        raise RuntimeError(f"{collabdx} is missing: run `make setup` first")
    scrub = (*_SCRUB, "GUNICORN_CMD_ARGS")
    base = {k: v for k, v in os.environ.items() if not k.startswith("COLLABDX_") and k not in scrub}
    base["COLLABDX_DATA_DIR"] = str(data_dir)
    for key, value in (env or {}).items():
        if value:
            base[key] = value
        else:
            base.pop(key, None)
    env = base
    last = ""
    for attempt in range(attempts):
        port = free_port()
        log_path = data_dir / f"server-{attempt}.log"
        cmd = [str(collabdx), "serve", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--demo"] if demo else []
        with log_path.open("wb") as log:
            proc = subprocess.Popen(  # a fixed argv, no shell
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        server = Server(f"http://127.0.0.1:{port}", data_dir, proc, log_path)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if _answers(server.url + "/"):
                return server
            time.sleep(0.25)
        last = server.log_tail()
        server.stop()
        if "Address already in use" not in last:
            break
    raise RuntimeError(f"collabdx serve did not start within {START_TIMEOUT:.0f}s:\n{last}")
