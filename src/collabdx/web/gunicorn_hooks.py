"""gunicorn server hooks for ``collabdx serve`` (``--config python:collabdx.web.gunicorn_hooks``).

A worker is told (SIGTERM, which it takes as a graceful stop: the request in hand is
finished) when its master dies, even by SIGKILL. Without it, an orphaned sync worker
noticed only at its next idle wake-up, up to 15 s later, and kept the port open
meanwhile: a `collabdx serve` started again after a crash could not bind it and
gave up after five tries (issue 15, docs/reliability.md, "Recovery").
"""

from __future__ import annotations

from typing import Any

from collabdx.cli_serve import die_with_parent


def post_fork(server: Any, worker: Any) -> None:
    die_with_parent()
