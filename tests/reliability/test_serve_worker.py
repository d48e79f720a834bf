"""``collabdx serve`` starts a background worker beside gunicorn and it stops with the
server, even when the master is killed with SIGKILL (issue 15); the worker runs at the
lower CPU priority COLLABDX_WORKER_NICE asks for, started by serve or on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


def niceness(pid: int) -> int | None:
    """The process's nice value (field 19 of /proc/PID/stat), None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[16])


def wait_for_niceness(pid: int, want: int) -> int | None:
    """The worker lowers its priority once Django is set up: wait for that (bounded, so
    a failure cannot hang the suite), then return what it is."""
    deadline = time.monotonic() + 120
    while niceness(pid) not in (want, None) and time.monotonic() < deadline:
        time.sleep(0.2)
    return niceness(pid)


def test_worker_command_runs_collabdx_worker() -> None:
    argv = worker_command()
    assert argv[1:4] == ["-m", "collabdx.cli", "worker"] and "--batch" not in argv
    assert "--nice" not in argv  # the worker then reads COLLABDX_WORKER_NICE itself
    assert worker_command(batch=True)[-1] == "--batch"
    assert worker_command(nice=7)[-2:] == ["--nice", "7"]


def test_serve_and_a_lone_worker_run_at_the_configured_niceness(tmp_path: Path) -> None:
    base = os.nice(0)  # what the server inherits from this test
    server = start_server(tmp_path, demo=False, env={"COLLABDX_WORKER_NICE": "7"})
    lone = None
    try:
        master = server.process.pid
        workers = [pid for pid, cmd in children(master) if "collabdx.cli worker" in cmd]
        assert len(workers) == 1, (children(master), server.log_tail())
        assert wait_for_niceness(workers[0], min(base + 7, 19)) == min(base + 7, 19)
        # gunicorn's own workers, which answer respondents, keep the server's priority.
        web = [pid for pid, cmd in children(master) if "collabdx.cli worker" not in cmd]
        assert web and all(niceness(pid) == base for pid in web), server.log_tail()
        # `collabdx worker` on its own, against the same database: the setting again.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("COLLABDX_") and k not in ("DATABASE_URL", "SECRET_KEY")
        }
        env.update(COLLABDX_DATA_DIR=str(tmp_path), COLLABDX_WORKER_NICE="4")
        collabdx = Path(sys.executable).with_name("collabdx")
        lone = subprocess.Popen(
            [str(collabdx), "worker"], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_for_niceness(lone.pid, min(base + 4, 19)) == min(base + 4, 19)
    finally:
        if lone is not None:
            lone.terminate()
            lone.wait(60)
        server.stop()


def test_a_niceness_out_of_range_is_refused() -> None:
    env = {**os.environ, "COLLABDX_WORKER_NICE": "20",
           "DJANGO_SETTINGS_MODULE": "collabdx.web.settings"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "COLLABDX_WORKER_NICE must be 0 to 19, not 20" in done.stderr


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
