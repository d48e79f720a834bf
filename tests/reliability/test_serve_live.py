"""Two real ``collabdx serve`` servers on one host (issue 17, bugs 8 and 1, live).

Bug 8: gunicorn 27 gives every master on a host the same control socket
(``~/.gunicorn/gunicorn.ctl``, or ``$XDG_RUNTIME_DIR/gunicorn.ctl``), so a second server
took over the first one's and ``gunicornc`` talked to the wrong one. Each server now
has its own, in its data directory, named by its port. The servers here run with a
throwaway HOME (and no XDG_RUNTIME_DIR), so the shared default path can be watched.

Bug 1, live: a form in another charset than UTF-8, or with a Content-Type header
Django cannot parse, gets the 400 page from gunicorn's worker too (the test client
cannot send the second: it builds the request itself), with a line or two in the log
instead of a traceback.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from gunicorn.ctl.client import ControlClient

from collabdx.cli.serve import control_socket_path
from tests.browser.server import Server, start_server


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Server]]]:
    home = tmp_path_factory.mktemp("home")
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": ""}
    servers: list[Server] = []
    try:
        for name in ("first", "second"):
            servers.append(start_server(tmp_path_factory.mktemp(name), demo=False, env=env))
        yield home, servers
    finally:
        for s in servers:
            s.stop()


def port(server: Server) -> int:
    return int(urlsplit(server.url).port or 0)


def test_each_server_has_its_own_control_socket(two_servers) -> None:
    home, servers = two_servers
    sockets = [control_socket_path(s.data_dir, port(s)) for s in servers]
    assert all(sockets) and sockets[0] != sockets[1]
    for server, path in zip(servers, sockets, strict=True):
        assert path is not None
        # The master opens it just after its workers start: wait a little, boundedly.
        deadline = time.monotonic() + 30
        while not path.is_socket() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert path.is_socket(), server.log_tail()
        with ControlClient(str(path), timeout=20) as client:
            shown = client.send_command("show all")
        # The socket answers for its own server: the master is the process we started.
        assert shown["arbiter"]["pid"] == server.process.pid
    assert not (home / ".gunicorn" / "gunicorn.ctl").exists()


def _post(server: Server, path: str, content_type: str) -> tuple[int, str]:
    """A POST with the CSRF cookie and token of the sign-in page."""
    conn = http.client.HTTPConnection("127.0.0.1", port(server), timeout=60)
    try:
        conn.request("GET", "/sign-in/")
        page = conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token and cookie.startswith("csrftoken="), html[:500]
        body = f"csrfmiddlewaretoken={token.group(1)}&username=a&password=b"
        conn.request(
            "POST", path, body=body,
            headers={"Content-Type": content_type, "Cookie": cookie, "Referer": server.url},
        )  # fmt: skip
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=utf-32",
        "application/x-www-form-urlencoded; charset=iso-8859-1",
        "application/x-www-form-urlencoded; charset*=klingon''x",
    ],
)
def test_a_form_django_will_not_read_gets_the_400_page_live(two_servers, content_type) -> None:
    server = two_servers[1][0]
    before = server.log_path.read_text(errors="replace").count("\n")
    for path in ("/sign-in/", "/create-account/", "/s/any-token/submit/", "/m/any-token/"):
        status, html = _post(server, path, content_type)
        assert status == 400, (path, status, html[:300])
        assert "Sorry, this form could not be read" in html
    log = server.log_path.read_text(errors="replace")
    added = log.splitlines()[before:]
    assert "Traceback" not in "\n".join(added)
    assert len(added) <= 8, added  # a line per refusal, not a traceback each
