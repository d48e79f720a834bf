"""Faults: SIGKILL the servers in the middle of submissions, again and again.

Respondents keep arriving while a fault thread, each round, waits until at least one
submit POST is in flight on the server it is about to kill, waits a random 0–30 ms
more, SIGKILLs that server's whole process group (master and workers), keeps it down
for a random 0.2–1 s and starts it again. On PostgreSQL the rounds take server 1,
server 2, then both, in turn.

Clients whose request got no reply retry the same request (same cookies, same form)
with a capped back-off until the run's deadline: a submit that died part-way is sent
again, and must be stored exactly once. Afterwards every stored response must be a
complete, valid answer set, and every acknowledged respondent must be stored once.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from reliability import results
from reliability.client import Browser, Recorder
from reliability.env import Server, Target, start_all
from reliability.journey import Gauge, Journey, Outcome, Plan
from reliability.load import make_plan


@dataclass(frozen=True)
class FaultConfig:
    rounds: int
    concurrency: int
    servers: int
    workers: int
    max_seconds: float  # hard bound on the whole run
    max_respondents: int = 100_000
    p_double: float = 0.05
    p_replay: float = 0.05
    warmup: tuple[float, float] = (0.5, 1.5)  # load before each kill, seconds
    downtime: tuple[float, float] = (0.2, 1.0)
    seed: int = 11
    connection_drops: int = 0  # PostgreSQL: rounds of terminating the app's idle connections


def _victims(srv: list[Server], n: int) -> list[Server]:
    if len(srv) == 1:
        return srv
    cycle = [*([s] for s in srv), srv]
    return cycle[n % len(cycle)]


def _kill_rounds(
    t: Target,
    cfg: FaultConfig,
    srv: list[Server],
    gauge: Gauge,
    rng: random.Random,
    stop_at: float,
    started: float,
) -> list[dict[str, Any]]:
    kills: list[dict[str, Any]] = []
    for n in range(cfg.rounds):
        if time.monotonic() > stop_at - 25:
            break  # leave time for the respondents to finish
        time.sleep(rng.uniform(*cfg.warmup))
        waited = time.perf_counter()
        victims = _victims(srv, n)
        ports = [s.port for s in victims]
        mid_submit = gauge.wait_positive(ports, timeout=30)
        waited = time.perf_counter() - waited
        time.sleep(rng.uniform(0, 0.03))
        in_flight = gauge.value(ports)
        killed_at = time.perf_counter()
        for s in victims:
            s.kill()
        time.sleep(rng.uniform(*cfg.downtime))
        start_all(victims, f"/s/{t.tokens[0]}/")
        kills.append(
            {
                "round": n + 1,
                "at_s": round(killed_at - started, 2),
                "waited_for_submit_s": round(waited, 2),
                "servers": [s.name for s in victims],
                "submits_in_flight": in_flight if mid_submit else 0,
                "down_s": round(time.perf_counter() - killed_at, 2),
            }
        )
    return kills


def run_faults(t: Target, cfg: FaultConfig, srv: list[Server]) -> dict[str, Any]:
    rng = random.Random(cfg.seed)  # noqa: S311 - test timing, not security
    recorder = Recorder()
    gauge = Gauge()
    outcomes: list[Outcome] = []
    kills: list[dict[str, Any]] = []
    ports = [s.port for s in srv]
    stop = threading.Event()
    stop_at = time.monotonic() + cfg.max_seconds
    last_restart = time.monotonic()
    counter = itertools.count()
    plan_lock = threading.Lock()

    def respondent_loop() -> None:
        while not stop.is_set() and time.monotonic() < stop_at:
            with plan_lock:
                n = next(counter)
                if n >= cfg.max_respondents:
                    return
                plan = make_plan(
                    t, ports, n, rng, cfg.p_double, cfg.p_replay, prefix=f"fault-{t.db}"
                )
            browser = Browser(plan.port, recorder, timeout=30)
            outcomes.append(Journey(browser, plan, stop_at, retry=True, in_flight=gauge).run())

    threads = [threading.Thread(target=respondent_loop) for _ in range(cfg.concurrency)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    try:
        kills = _kill_rounds(t, cfg, srv, gauge, rng, stop_at, started)
        last_restart = time.monotonic()
        # Load on the restarted servers until someone is acknowledged (bounded).
        while time.monotonic() < min(last_restart + 30, stop_at - 5):
            if any(o.acked_at > last_restart for o in list(outcomes)):
                break
            time.sleep(0.2)
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=max(1.0, stop_at - time.monotonic() + 10))
    seconds = time.perf_counter() - started
    drops = {"connection_drop_rounds": 0, "connections_dropped": 0, "http_5xx_after_drop": 0}
    if t.db == "postgres" and cfg.connection_drops:
        drops = connection_drops(t, srv, cfg.connection_drops, outcomes)
    log_errors = [e for s in srv for e in s.log_errors()]
    dump = t.dump()
    out: dict[str, Any] = {
        "db": t.db,
        "servers": cfg.servers,
        "workers": cfg.workers,
        "concurrency": cfg.concurrency,
        "seconds": seconds,
        "rounds": len(kills),
        "kills": sum(len(k["servers"]) for k in kills),
        "kills_mid_submit": sum(1 for k in kills if k["submits_in_flight"]),
        "kill_log": kills,
        "retries": sum(o.retries for o in outcomes),
        "respondents_retrying": sum(1 for o in outcomes if o.retries),
        "submits_retried": sum(1 for o in outcomes if o.submit_retries),
        "acked_after_retry": sum(1 for o in outcomes if o.submit_retries and o.ack),
        **results.reconcile(outcomes, dump),
        **results.traffic(recorder.samples, seconds),
        **results.extras(outcomes),
        **drops,
        "acked_after_last_restart": sum(1 for o in outcomes if o.acked_at > last_restart),
        "problems": results.problems_of(outcomes),
        "respondents_with_problems": sum(1 for o in outcomes if o.problems),
        **results.log_summary(log_errors),
    }
    out["failures"] = fault_failures(out, cfg.rounds)
    return out


def connection_drops(
    t: Target, srv: list[Server], rounds: int, outcomes: list[Outcome]
) -> dict[str, int]:
    """With no request in flight, terminate every idle connection the servers hold to
    the database (a restart or failover between requests), then send respondents to
    every server: each must be served, with no 5xx, by reconnecting."""
    recorder = Recorder()
    dropped = 0
    for n in range(rounds):
        dropped += t.drop_idle_connections()
        journeys = [
            Journey(
                Browser(s.port, recorder),
                Plan(f"drop-{t.db}-{n}-{s.name}-{k}", t.tokens[k % len(t.tokens)], s.port, k),
                time.monotonic() + 60,
                retry=False,
            )
            for s in srv
            for k in range(s.workers + 1)
        ]
        threads = [threading.Thread(target=lambda j=j: outcomes.append(j.run())) for j in journeys]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=90)
    return {
        "connection_drop_rounds": rounds,
        "connections_dropped": dropped,
        "http_5xx_after_drop": sum(1 for x in recorder.samples if x.status >= 500),
    }


def fault_failures(r: dict[str, Any], rounds: int) -> list[str]:
    checks = {
        "lost": r["lost"],
        "duplicated": r["duplicated"],
        "partial": r["partial"],
        "altered": r["altered"],
        "stray": r["stray"],
        "HTTP 5xx": r["http_5xx"],
        "HTTP 5xx after dropped database connections": r["http_5xx_after_drop"],
        "respondents with problems": r["respondents_with_problems"],
        "server log errors": r["log_events"],
    }
    out = [f"{name}: {value}" for name, value in checks.items() if value]
    if r["receipts"] != r["stored"]:
        out.append(f"receipts ({r['receipts']}) != responses ({r['stored']})")
    if r["connection_drop_rounds"] and not r["connections_dropped"]:
        out.append("no database connection was dropped: the check did not run")
    if not r["acked_after_last_restart"]:
        out.append("no respondent was acknowledged after the last restart")
    if r["rounds"] < rounds:
        out.append(f"only {r['rounds']} of {rounds} kill rounds ran")
    return out
