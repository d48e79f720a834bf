"""gunicorn server hooks for ``collabdx serve`` (``--config python:collabdx.web.gunicorn_hooks``).

A worker is told (SIGTERM, which it takes as a graceful stop: the request in hand is
finished) when its master dies, even by SIGKILL. Without it, an orphaned sync worker
noticed only at its next idle wake-up, up to 15 s later, and kept the port open
meanwhile: a `collabdx serve` started again after a crash could not bind it and
gave up after five tries (issue 15, docs/reliability.md, "Recovery").
"""

from __future__ import annotations

import ctypes
import signal
from typing import Any

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process receives when its parent ends


def post_fork(server: Any, worker: Any) -> None:  # pragma: no cover - in each worker
    # Linux only (elsewhere a worker notices at its next wake-up, as before). Written
    # out here rather than imported from the CLI: the server never loads the CLI.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
