"""Restarts: how long a server, and a replaced worker, take to answer again.

Two measurements on one server (sync workers, as ``collabdx serve`` runs them):

- **server start**: the whole gunicorn process group is SIGKILLed and started again;
  the time from the launch until the start page answers 200 (what the fault rounds
  call ``down_s``, without the chosen downtime).
- **worker replacement**: with the master left running, every worker is SIGKILLed at
  once (as when gunicorn's master aborts workers that hit ``--timeout``, or a worker
  crashes); as many clients as there are workers then ask for the start page at once.
  Recorded: the time from the kill until each client's first 200, and how long that
  first request itself took. Each replacement worker is forked by the master, so this
  is the cost of a cold worker's first request.

``busy`` adds that many CPU-bound processes for the duration (bounded in time), to
show the same thing on a contended machine (finding 2 in docs/reliability.md was
found at a load average of 10-14 on 2 cores).

Any 5xx, request without a reply after its retries, or server log error fails the part.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reliability import results
from reliability.client import CONNECTION_ERRORS, Browser
from reliability.env import Server, ServeServer, Target


@dataclass(frozen=True)
class RestartConfig:
    workers: int = 2
    rounds: int = 3  # worker replacements (each kills every worker)
    server_starts: int = 1  # whole-group SIGKILL and start
    busy: int = 0  # CPU-bound processes running during the measurement
    timeout: float = 120.0  # per client, from the kill until its first 200
    # `collabdx serve` SIGKILLed and started again: the master alone, then the whole group.
    recovery_modes: tuple[str, ...] = ("master", "group")


def worker_pids(master: int) -> list[int]:
    """The master's child processes (its workers), from /proc."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces, so split after ")".
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(master):
            pids.append(int(entry))
    return sorted(pids)


def wait_workers(server: Server, count: int, exclude: set[int], timeout: float = 60) -> list[int]:
    """Wait until the master has ``count`` workers, none of them in ``exclude``."""
    assert server.proc is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [p for p in worker_pids(server.proc.pid) if p not in exclude]
        if len(pids) >= count:
            return pids
        time.sleep(0.01)
    raise RuntimeError(f"gunicorn {server.name}: {count} workers not back after {timeout}s")


@contextlib.contextmanager
def cpu_load(n: int, seconds: float) -> Iterator[None]:
    """``n`` CPU-bound processes that stop by themselves after ``seconds`` at most."""
    code = "import time\nend = time.monotonic() + float(__import__('sys').argv[1])\n"
    code += "while time.monotonic() < end:\n    pass\n"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(seconds)])  # noqa: S603 - fixed argv
        for _ in range(n)
    ]
    try:
        yield
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            p.wait(timeout=10)


def first_answer(port: int, path: str, since: float, timeout: float) -> dict[str, Any]:
    """GET ``path`` until it answers; the time since ``since`` and of the answering request."""
    browser = Browser(port, timeout=timeout)
    tries = 0
    statuses: list[int] = []
    while time.perf_counter() - since < timeout:
        tries += 1
        sent = time.perf_counter()
        try:
            reply = browser.request("GET", path)
        except CONNECTION_ERRORS:
            time.sleep(0.02)
            continue
        statuses.append(reply.status)
        if reply.status == 200:
            return {
                "ok": True,
                "since_kill_s": time.perf_counter() - since,
                "request_s": reply.seconds,
                "tries": tries,
                "statuses": statuses,
                "sent_after_s": sent - since,
            }
        if reply.status >= 500:
            break
    return {"ok": False, "since_kill_s": time.perf_counter() - since, "statuses": statuses}


def replace_workers(server: Server, path: str, cfg: RestartConfig) -> dict[str, Any]:
    """SIGKILL every worker (not the master); ``workers`` clients ask at once."""
    assert server.proc is not None
    old = set(wait_workers(server, server.workers, exclude=set()))
    warm = [first_answer(server.port, path, time.perf_counter(), 60) for _ in range(len(old) * 2)]
    if not all(w["ok"] for w in warm):
        raise RuntimeError(f"gunicorn {server.name}: not answering before the kill: {warm}")
    got: list[dict[str, Any]] = []
    killed = time.perf_counter()
    for pid in old:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    threads = [
        threading.Thread(
            target=lambda: got.append(first_answer(server.port, path, killed, cfg.timeout))
        )
        for _ in old
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=cfg.timeout + 10)
    wait_workers(server, server.workers, exclude=old)
    return {"clients": got}


def start_server(server: Server, path: str) -> float:
    server.kill()
    started = time.perf_counter()
    server.start(path, timeout=180)
    return time.perf_counter() - started


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state != b"Z":  # a zombie has exited; only its parent's wait() is missing
            out.add(pid)
    return out


def group_cpu(pgid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of a process group's live processes, and of its
    leader alone: on a busy machine, what the restart itself cost, steadier than the
    wall clock (on a quiet one, the leader's serial start is most of the wall time)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = leader = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            ticks = int(fields[11]) + int(fields[12])
            total += ticks
            if int(entry) == pgid:
                leader = ticks
    return total / tick, leader / tick


def serve_recovery(t: Target, workers: int, path: str, mode: str, timeout: float) -> dict[str, Any]:
    """SIGKILL a running ``collabdx serve`` and start it again at once, as a service
    manager would; the time from the kill until the new server answers ``path`` 200.

    ``mode`` "master": only the gunicorn master is killed (its workers and the tasks
    worker learn of it by themselves); "group": the master, its workers and the tasks
    worker at once. Only a 200 received once every old process has exited counts (an
    orphaned old worker may still answer on the shared socket)."""
    server = ServeServer(t, workers, name=f"serve-recovery-{mode}")
    server.start(path, timeout=300)
    try:
        assert server.proc is not None
        master = server.proc.pid
        old = {master, *worker_pids(master)}
        old |= {c for w in list(old) for c in worker_pids(w)}  # anything they started
        killed = time.perf_counter()
        if mode == "group":
            os.killpg(master, signal.SIGKILL)
        else:
            os.kill(master, signal.SIGKILL)
        server.proc.wait(timeout=30)
        server.proc = None
        server.launch()
        gone_s = float("nan")
        while time.perf_counter() - killed < timeout:
            if not _alive(old):
                gone_s = time.perf_counter() - killed
                break
            time.sleep(0.02)
        answer = first_answer(server.port, path, killed, timeout)
        cpu, master_cpu = group_cpu(server.proc.pid) if server.proc else (0.0, 0.0)
        lingering = sorted(_alive(old))
        return {
            "mode": mode,
            "ok": bool(answer["ok"]) and not lingering,
            "first_200_s": answer["since_kill_s"] if answer["ok"] else float("nan"),
            "old_processes_gone_s": gone_s,
            "cpu_s": cpu,  # the new server's processes, at its first 200
            "master_cpu_s": master_cpu,
            "loadavg": Path("/proc/loadavg").read_text().strip(),
            "lingering": lingering,
            "statuses": answer["statuses"][-5:],
            "log_tail": server.log_path.read_text(errors="replace").splitlines()[-8:],
        }
    finally:
        server.stop()


def run_restarts(t: Target, cfg: RestartConfig, srv: list[Server]) -> dict[str, Any]:
    server = srv[0]
    path = f"/s/{t.tokens[0]}/"
    load_start = os.getloadavg()[0]
    budget = (cfg.rounds + cfg.server_starts) * (cfg.timeout + 30)
    with cpu_load(cfg.busy, budget) if cfg.busy else contextlib.nullcontext():
        starts = [start_server(server, path) for _ in range(cfg.server_starts)]
        rounds = [replace_workers(server, path, cfg) for _ in range(cfg.rounds)]
        recovery = [
            serve_recovery(t, cfg.workers, path, mode, cfg.timeout) for mode in cfg.recovery_modes
        ]
    clients = [c for r in rounds for c in r["clients"]]
    answered = [c for c in clients if c["ok"]]
    since = [c["since_kill_s"] for c in answered]
    first = [c["request_s"] for c in answered]
    statuses = [s for c in clients for s in c["statuses"]]
    log_errors = server.log_errors()
    out: dict[str, Any] = {
        "db": t.db,
        "workers": cfg.workers,
        "busy": cfg.busy,
        "load_average": f"{load_start:.1f} / {os.getloadavg()[0]:.1f}",
        "server_start_s": starts,
        "recovery": recovery,
        "rounds": len(rounds),
        "clients": len(clients),
        "answered": len(answered),
        "http_5xx": sum(1 for s in statuses if s >= 500),
        "since_kill_median_s": statistics.median(since) if since else float("nan"),
        "since_kill_max_s": max(since) if since else float("nan"),
        "first_request_median_s": statistics.median(first) if first else float("nan"),
        "first_request_max_s": max(first) if first else float("nan"),
        "detail": rounds,
        **results.log_summary(log_errors),
    }
    failures = []
    if out["http_5xx"]:
        failures.append(f"HTTP 5xx after a worker restart: {out['http_5xx']}")
    if len(answered) < len(clients):
        missing = len(clients) - len(answered)
        failures.append(f"clients without a 200 after a worker restart: {missing}")
    failures += [
        f"collabdx serve after SIGKILL ({r['mode']}): no 200 from the new server "
        f"(lingering old processes {r['lingering']}; log: {' | '.join(r['log_tail'][-3:])})"
        for r in recovery
        if not r["ok"]
    ]
    failures += [f"server log: {k} × {n}" for k, n in out["log_counts"].items()]
    out["failures"] = failures
    return out
