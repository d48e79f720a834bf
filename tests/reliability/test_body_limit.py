"""A body over REQUEST_BODY_MAX_SIZE gets a clean 413 (finding 3 in docs/reliability.md).

Through the test client, at the function level (the drain's caps), and against a real
gunicorn started as ``collabdx serve`` starts it: a client that sends the whole body
before reading (``http.client``, as browsers do) must read the 413, not a reset.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from reliability.env import free_port

from collabdx.cli.serve import gunicorn_command
from collabdx.web.security import bodysize

LIMIT = 5 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def test_limit_setting() -> None:
    assert settings.REQUEST_BODY_MAX_SIZE == LIMIT
    assert settings.MIDDLEWARE.index(
        "collabdx.web.security.bodysize.RequestBodyLimitMiddleware"
    ) < settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/s/no-such-token/page/1/", "/accounts/login/", "/"])
def test_over_the_limit_is_413_plain_text(path: str) -> None:
    r = Client().post(path, data=b"a=" + b"x" * LIMIT, content_type="text/plain")
    assert r.status_code == 413
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    assert r.content == b"This request is too large: the limit is 5 MB.\n"
    assert r["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    assert settings.SESSION_COOKIE_NAME not in r.cookies  # no session was made


@pytest.mark.django_db
def test_at_the_limit_is_left_to_django() -> None:
    r = Client().post("/s/no-such-token/page/1/", data=b"x" * LIMIT, content_type="text/plain")
    assert r.status_code != 413


@pytest.mark.parametrize("raw", ["", "abc", "-5", None])
def test_unusable_content_length_is_left_alone(raw: str | None) -> None:
    assert bodysize.declared_length({} if raw is None else {"CONTENT_LENGTH": raw}) is None


def test_drain_reads_what_was_declared_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.BytesIO(b"x" * 1000)
    assert bodysize.drain({"wsgi.input": stream}, 600) == 600
    monkeypatch.setattr(bodysize, "DRAIN_MAX_BYTES", 100)
    assert bodysize.drain({"wsgi.input": io.BytesIO(b"x" * 1000)}, 1000) == 100
    assert bodysize.drain({}, 1000) == 0


def test_drain_gives_up_on_a_stalled_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bodysize, "DRAIN_SECONDS", 0.3)
    server, client = socket.socketpair()
    with server, client:
        client.sendall(b"x" * 1000)  # then nothing more, and the connection stays open
        got: list[int] = []

        def drain() -> None:
            with server.makefile("rb", buffering=0) as stream:
                environ = {"wsgi.input": stream, "gunicorn.socket": server}
                got.append(bodysize.drain(environ, 10_000))

        thread = threading.Thread(target=drain, daemon=True)
        thread.start()
        # Without its own deadline drain would wait for the rest of the body for ever; the
        # join only keeps a broken drain from hanging the suite (no speed is asserted).
        thread.join(timeout=300)
        assert got == [1000]
        assert server.gettimeout() is None  # put back as it was


@contextlib.contextmanager
def gunicorn(tmp_path: Path) -> Iterator[int]:
    """``collabdx serve``'s gunicorn command on a free loopback port. The 413 needs no
    database, so the data directory is not even migrated."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="collabdx.web.settings",
        COLLABDX_DATA_DIR=str(tmp_path / "data"),
        COLLABDX_ENV="development",
        PYTHONWARNINGS="ignore",
    )
    argv = [*gunicorn_command("127.0.0.1", port, 1), "--no-control-socket"]
    with open(tmp_path / "gunicorn.log", "wb") as log:
        proc = subprocess.Popen(  # a fixed argv, no shell
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _post(port: int, size: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = b"a=" + b"x" * (size - 2)
        conn.request(
            "POST",
            "/s/no-such-token/page/1/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_a_live_server_answers_413_to_a_client_that_sends_everything_first(
    tmp_path: Path,
) -> None:
    with gunicorn(tmp_path) as port:
        for size in (LIMIT + 1, 6 * 1024 * 1024, 12 * 1024 * 1024, 40 * 1024 * 1024):
            status, body = _post(port, size)
            assert (status, body) == (413, b"This request is too large: the limit is 5 MB.\n")
        # Two at once: each worker's drain is its own.
        got: list[int] = []
        threads = [
            threading.Thread(target=lambda: got.append(_post(port, 12 * 1024 * 1024)[0]))
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert got == [413, 413]
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Error handling request" not in log and "WORKER TIMEOUT" not in log, log[-3000:]
