"""``collabdx serve`` starts a background worker beside gunicorn and it stops with the
server, even when the master is killed with SIGKILL (issue 15)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from collabdx.cli.serve import worker_command
from tests.browser.server import start_server


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append((int(entry.name), cmdline))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_worker_command_runs_collabdx_worker() -> None:
    argv = worker_command()
    assert argv[1:4] == ["-m", "collabdx.cli", "worker"] and "--batch" not in argv
    assert worker_command(batch=True)[-1] == "--batch"


def test_serve_starts_a_worker_that_dies_with_the_server(tmp_path: Path) -> None:
    server = start_server(tmp_path, demo=False)
    try:
        master = server.process.pid
        workers = [pid for pid, cmd in children(master) if "collabdx.cli worker" in cmd]
        assert len(workers) == 1, (children(master), server.log_tail())
        worker = workers[0]
        assert alive(worker)
        os.kill(master, signal.SIGKILL)
        server.process.wait(30)
        # Waits for the event (bounded so a failure cannot hang the suite).
        deadline = time.monotonic() + 120
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(worker), "the worker outlived a SIGKILLed server"
    finally:
        server.stop()
