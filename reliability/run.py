"""Run the load, fault and bad-input checks and write the report.

    .venv/bin/python -m reliability.run                 # full run, both databases
    .venv/bin/python -m reliability.run --quick         # short CI version: make reliability-quick
    .venv/bin/python -m reliability.run --db sqlite     # one database only

The full run writes docs/reliability.md; ``--quick`` writes out/reliability-quick.md
(``--out`` overrides either). The exit status is 1 when anything was lost,
duplicated, partial or altered, when any request got a 5xx, or when a bad-input
case was not refused cleanly; 0 otherwise. PostgreSQL needs a server on 127.0.0.1
(``RELIABILITY_DATABASE_URL``, else ``TEST_DATABASE_URL``, else
postgres://collabdx:collabdx@127.0.0.1:5432/collabdx; the role needs CREATEDB: each
part runs in its own throwaway database).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reliability import report
from reliability.badinput import run_bad_input
from reliability.env import ROOT, server_set, static_cache, target
from reliability.faults import FaultConfig, run_faults
from reliability.load import LoadConfig, run_load
from reliability.restarts import RestartConfig, run_restarts


@dataclass(frozen=True)
class Profile:
    name: str
    load_sqlite: LoadConfig
    load_postgres: LoadConfig
    faults_sqlite: FaultConfig
    faults_postgres: FaultConfig
    restarts: RestartConfig
    bad_input_dbs: tuple[str, ...] = ("sqlite", "postgres")


FULL = Profile(
    name="full",
    load_sqlite=LoadConfig(respondents=1000, concurrency=32, servers=1, workers=4, max_seconds=900),
    load_postgres=LoadConfig(
        respondents=1000, concurrency=32, servers=2, workers=3, max_seconds=900
    ),
    faults_sqlite=FaultConfig(rounds=10, concurrency=16, servers=1, workers=4, max_seconds=300),
    faults_postgres=FaultConfig(
        rounds=12, concurrency=16, servers=2, workers=3, max_seconds=300, connection_drops=5
    ),
    # As many workers as the SQLite load, on a machine made busy on purpose (finding 2).
    restarts=RestartConfig(workers=4, rounds=3, server_starts=2, busy=2),
)
QUICK = Profile(
    name="quick",
    load_sqlite=LoadConfig(respondents=30, concurrency=6, servers=1, workers=2, max_seconds=90),
    load_postgres=LoadConfig(respondents=30, concurrency=6, servers=2, workers=1, max_seconds=90),
    # Few workers: a cold worker spends seconds importing the app, so restarts dominate
    # a fault run's time. The same shape as the load run, so the servers carry over.
    faults_sqlite=FaultConfig(
        rounds=3,
        concurrency=6,
        servers=1,
        workers=2,
        max_seconds=75,
        warmup=(0.2, 0.5),
        downtime=(0.1, 0.3),
    ),
    faults_postgres=FaultConfig(
        rounds=3,
        concurrency=6,
        servers=2,
        workers=1,
        max_seconds=75,
        warmup=(0.2, 0.5),
        downtime=(0.1, 0.3),
        connection_drops=1,
    ),
    restarts=RestartConfig(workers=2, rounds=2, server_starts=1),
    bad_input_dbs=("sqlite",),  # the same cases run on both databases in the full run
)


def log(msg: str) -> None:
    print(f"[reliability {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(profile: Profile, dbs: list[str], parts: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "profile": profile.name,
        "load": [],
        "faults": [],
        "bad_input": [],
        "restarts": [],
    }
    for db in dbs:
        cfg = profile.load_sqlite if db == "sqlite" else profile.load_postgres
        fcfg = profile.faults_sqlite if db == "sqlite" else profile.faults_postgres
        # One environment per database; each part has its own wave (so its own counts)
        # and the servers carry over from part to part unless the shape changes.
        log(f"{db}: preparing a fresh environment")
        with target(db, waves=3) as env, server_set(env) as pool:
            if "load" in parts:
                log(f"load on {db}: {cfg.respondents} respondents, {cfg.concurrency} at a time")
                r = run_load(env.part(0), cfg, pool.ensure(cfg.servers, cfg.workers))
                out["load"].append({**r, "config": asdict(cfg)})
                log(f"  {_line(r)}")
            if "bad-input" in parts and db in profile.bad_input_dbs:
                log(f"bad input on {db}: {len(report.cases.CASES)} cases")
                r = run_bad_input(env.part(1), pool.ensure(cfg.servers, cfg.workers))
                out["bad_input"].append(r)
                log(f"  {len(r['cases'])} cases, failures: {r['failures'] or 'none'}")
            if "faults" in parts:
                log(f"faults on {db}: {fcfg.rounds} SIGKILL rounds")
                r = run_faults(env.part(2), fcfg, pool.ensure(fcfg.servers, fcfg.workers))
                out["faults"].append({**r, "config": asdict(fcfg)})
                log(f"  {_line(r)}")
            if "restarts" in parts:
                rcfg = profile.restarts
                log(f"restarts on {db}: {rcfg.rounds} worker replacements, busy={rcfg.busy}")
                r = run_restarts(env.part(0), rcfg, pool.ensure(1, rcfg.workers))
                out["restarts"].append({**r, "config": asdict(rcfg)})
                log(
                    f"  server start {', '.join(f'{x:.1f}s' for x in r['server_start_s'])}; "
                    f"replaced worker answers after {r['since_kill_median_s']:.2f}s "
                    f"(max {r['since_kill_max_s']:.2f}s); failures: {r['failures'] or 'none'}"
                )
    return out


def _line(r: dict[str, Any]) -> str:
    return (
        f"acknowledged {r['acknowledged']}, stored {r['stored']}, lost {r['lost']}, "
        f"duplicated {r['duplicated']}, partial {r['partial']}, 5xx {r['http_5xx']}, "
        f"{r['seconds']:.1f}s; failures: {r['failures'] or 'none'}"
    )


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reliability.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="the short CI version")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--only",
        choices=["load", "faults", "bad-input", "restarts"],
        action="append",
        help="run only this part (repeatable)",
    )
    parser.add_argument("--out", type=Path, help="report path (Markdown)")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="only write the report again from a --json file of an earlier run",
    )
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads(args.render.read_text())
        out_path = args.out or ROOT / "docs/reliability.md"
        out_path.write_text(report.render(results, argv=results["argv"]))
        log(f"report: {out_path}")
        return 1 if report.all_failures(results) else 0
    profile = QUICK if args.quick else FULL
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    parts = args.only or ["load", "faults", "bad-input", "restarts"]
    default_out = "out/reliability-quick.md" if args.quick else "docs/reliability.md"
    out_path = args.out or ROOT / default_out

    # A SIGTERM (CI timeout, Ctrl-\\) unwinds like Ctrl-C, so every server is stopped.
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    load_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with static_cache():
        results = run(profile, dbs, parts)
    results["machine"] = {
        **report.machine(dbs),
        "load average (1, 5, 15 min) at the start": load_start,
    }
    results["seconds"] = time.monotonic() - started
    results["argv"] = sys.argv[1:] if argv is None else argv
    failures = report.all_failures(results)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(report.render(results, argv=results["argv"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
    log(f"report: {out_path} ({results['seconds']:.0f}s)")
    if failures:
        log("FAILED:\n  " + "\n  ".join(failures))
        return 1
    log("passed: nothing lost, duplicated, partial or altered; no 5xx; bad input refused")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
