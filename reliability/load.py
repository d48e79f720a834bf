"""Load: many respondents at once, each walking the whole readiness survey.

Respondents run on a thread pool (``concurrency`` at a time), spread over the partner
links and over the servers (one gunicorn on SQLite, two on PostgreSQL). Nothing is
retried: in a load run every request must get an answer, and a right one.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from reliability import results
from reliability.client import Browser, Recorder
from reliability.env import Server, Target
from reliability.journey import Journey, Plan


@dataclass(frozen=True)
class LoadConfig:
    respondents: int
    concurrency: int
    servers: int
    workers: int
    max_seconds: float
    p_double: float = 0.05
    p_replay: float = 0.05
    seed: int = 7


def make_plan(
    t: Target,
    ports: list[int],
    n: int,
    rng: random.Random,
    p_double: float,
    p_replay: float,
    prefix: str,
) -> Plan:
    roll = rng.random()
    mode = "double" if roll < p_double else "replay" if roll < p_double + p_replay else "normal"
    return Plan(
        tag=f"{prefix}-{n:05d}",
        token=t.tokens[n % len(t.tokens)],
        port=ports[n % len(ports)],
        seed=rng.randrange(2**32),
        submit_mode=mode,
    )


def run_load(t: Target, cfg: LoadConfig, srv: list[Server]) -> dict[str, Any]:
    rng = random.Random(cfg.seed)  # noqa: S311 - test data, not security
    recorder = Recorder()
    ports = [s.port for s in srv]
    plans = [
        make_plan(t, ports, n, rng, cfg.p_double, cfg.p_replay, prefix=f"load-{t.db}")
        for n in range(cfg.respondents)
    ]
    stop_at = time.monotonic() + cfg.max_seconds
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=cfg.concurrency) as pool:
        outcomes = list(
            pool.map(
                lambda p: Journey(Browser(p.port, recorder), p, stop_at, retry=False).run(),
                plans,
            )
        )
    seconds = time.perf_counter() - started
    log_errors = [e for s in srv for e in s.log_errors()]
    dump = t.dump()
    out: dict[str, Any] = {
        "db": t.db,
        "servers": cfg.servers,
        "workers": cfg.workers,
        "concurrency": cfg.concurrency,
        "seconds": seconds,
        **results.reconcile(outcomes, dump),
        **results.traffic(recorder.samples, seconds),
        **results.extras(outcomes),
        "surveys_per_s": sum(1 for o in outcomes if o.ack) / seconds if seconds else 0.0,
        "problems": results.problems_of(outcomes),
        "respondents_with_problems": sum(1 for o in outcomes if o.problems),
        **results.log_summary(log_errors),
    }
    out["failures"] = load_failures(out)
    return out


def load_failures(r: dict[str, Any]) -> list[str]:
    """Why a load run fails; empty when it passes."""
    checks = {
        "lost": r["lost"],
        "duplicated": r["duplicated"],
        "partial": r["partial"],
        "altered": r["altered"],
        "stray": r["stray"],
        "HTTP 5xx": r["http_5xx"],
        "requests without a reply": r["no_reply"],
        "respondents not acknowledged": r["not_acknowledged"],
        "respondents with problems": r["respondents_with_problems"],
        "server log errors": r["log_events"],
        "drafts left after submitting": r["drafts_left"],
    }
    out = [f"{name}: {value}" for name, value in checks.items() if value]
    if r["receipts"] != r["stored"]:
        out.append(f"receipts ({r['receipts']}) != responses ({r['stored']})")
    return out
