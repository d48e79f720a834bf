"""Helpers for ``collabdx serve``, kept out of ``cli.py``: the gunicorn command line
(the reliability and benchmark harnesses start the same) and its control socket."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# A Unix socket path has room for 107 bytes (sun_path); keep well inside it.
MAX_SOCKET_PATH = 100


def control_socket_path(data_dir: Path, port: int) -> Path | None:
    """This server's own gunicorn control socket (for ``gunicornc -s PATH``), in its data
    directory and named by its port, so that no two servers on a host share one.

    gunicorn 27 otherwise gives every master on the host the same path
    (``~/.gunicorn/gunicorn.ctl``): a second server took over the first one's socket
    (issue 17, bug 8). None when the path would be too long for a Unix socket; the
    server then runs without one.
    """
    path = data_dir.resolve() / "run" / f"gunicorn-{port}.ctl"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def gunicorn_command(
    host: str, port: int, workers: int, *, control_socket: Path | None = None
) -> list[str]:
    """The gunicorn command line ``collabdx serve`` runs (reliability/ starts the same).

    ``--preload`` imports the app once in the master, warmed up by
    ``collabdx.web.wsgi`` (URL conf, views and their scientific libraries, templates),
    and forks workers that share it: a new or replacement worker answers at once
    instead of importing for seconds on its first request (docs/reliability.md,
    finding 2). A code change therefore needs a restart of the whole server, not a
    HUP. gunicorn writes no access log unless asked, so no IP address is ever logged.
    Without ``control_socket`` the server has no control socket at all, rather than
    the one path gunicorn would share between every server on the host.
    """
    control = ["--control-socket", str(control_socket)] if control_socket else [
        "--no-control-socket"
    ]
    return [
        sys.executable, "-m", "gunicorn", "collabdx.web.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--graceful-timeout", "10",
        "--preload", *control,
    ]  # fmt: skip
