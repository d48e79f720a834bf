"""The in-request thresholds (issue 15): what a facilitator's request costs when it
builds a wave's report page or export itself, by wave size, against the bare view in
the same run. It is the evidence for ``COLLABDX_BACKGROUND_REPORT_ROWS`` and
``COLLABDX_BACKGROUND_EXPORT_ROWS`` (goal: no facilitator request builds for more
than about a second on a quiet machine; above the threshold the worker builds it).

One fresh Python process (``python -m benchmarks.bench_threshold --sizes 100,400``):
Django is set up as ``benchmarks.bench_ics`` does (``benchmarks.web_settings``, a
throwaway SQLite file or PostgreSQL database, tasks on the database backend), and
for each size N a collaboration of 6 partners gets one closed wave of N synthetic
readiness v1 responses (``bench_ics.populate``). Both thresholds are set out of reach
so that every request builds in the request, as a wave just under them would. Then
Django's test ``Client`` (no server), logged in as the facilitator, times, in turn:

* ``bare``: ``/bench/bare/`` (the floor: same middleware; median of 15 per size);
* ``report``: the report page drawing the model (its kept copy deleted before each
  repeat), and ``report kept``: the page from the kept model;
* ``research``: the research page, from the same kept model (its own work is
  presenting the analyses: reliability, and from 480 complete responses the CFA);
* ``open``: the same wave's report page while it is open (figures withheld);
* ``csv``, ``xlsx``, ``json``: the exports, made in the request (never kept).

Each is the median of ``--repeats`` requests; wall and CPU seconds of this process
(the app; the database's own CPU is not counted). ``uptime`` is recorded before and
after. Entry point: ``benchmarks/run.py`` (``--only threshold``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZES = [100, 200, 400, 800, 1600]
QUICK_SIZES = [100, 400, 1600]
KINDS = ("report", "report_kept", "research", "open", "csv", "xlsx", "json")
GOAL_S = 1.0  # no facilitator request builds for more than about a second
PG_URL = "postgres://collabdx:collabdx@127.0.0.1:5432/collabdx_bench_threshold"


def _timed(client: Any, url: str, want: int = 200) -> tuple[float, float]:
    """(wall s, CPU s of this process) of one GET, its body read; checks the status."""
    wall, cpu = time.perf_counter(), time.process_time()
    reply = client.get(url)
    _ = b"".join(reply.streaming_content) if reply.streaming else reply.content
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if reply.status_code != want:
        raise SystemExit(f"{url}: HTTP {reply.status_code}, expected {want}")
    return wall, cpu


def _median(pairs: list[tuple[float, float]]) -> dict[str, float]:
    return {"wall": statistics.median(w for w, _ in pairs),
            "cpu": statistics.median(c for _, c in pairs)}  # fmt: skip


def measure(sizes: list[int], db: str, repeats: int) -> dict[str, Any]:
    from benchmarks.bench_ics import _setup, uptime

    with tempfile.TemporaryDirectory(prefix="collabdx-bench-threshold-") as tmp:
        os.environ.setdefault("BENCH_ICS_PG_URL", os.environ.get("BENCH_THRESHOLD_PG_URL", PG_URL))
        os.environ["COLLABDX_BACKGROUND_REPORT_ROWS"] = str(10**9)
        os.environ["COLLABDX_BACKGROUND_EXPORT_ROWS"] = str(10**9)
        _setup(db, Path(tmp))
        from django.conf import settings
        from django.test import Client

        from benchmarks.bench_ics import populate
        from collabdx.web.collab.models import Collaboration, Wave

        generated = Path(settings.GENERATED_DIR)
        before = uptime()
        user, warm_collab, warm_wave = populate(50, partners=6, seed=1, username="bench-thr")
        client = Client()
        client.force_login(user)
        # Warm up: imports, templates and the first draw of each kind, on a small wave.
        warm = f"/collaborations/{warm_collab.pk}/waves/{warm_wave.pk}"
        for suffix in ("/report/", "/export.csv", "/export.xlsx", "/export.json"):
            _timed(client, warm + suffix)
        rows = []
        for n in sizes:
            _u, collab, wave = populate(n, partners=6, seed=n, username=f"bench-thr-{n}")
            Collaboration.objects.filter(pk=collab.pk).update(owner=user)
            base = f"/collaborations/{collab.pk}/waves/{wave.pk}"
            times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("bare", *KINDS)}
            for _ in range(repeats):
                times["bare"] += [_timed(client, "/bench/bare/") for _ in range(15 // repeats + 1)]
                shutil.rmtree(generated, ignore_errors=True)  # the kept model: draw again
                times["report"].append(_timed(client, f"{base}/report/"))
                times["report_kept"].append(_timed(client, f"{base}/report/"))
                times["research"].append(_timed(client, f"{base}/research/"))
                for fmt in ("csv", "xlsx", "json"):
                    times[fmt].append(_timed(client, f"{base}/export.{fmt}"))
                closes = wave.closes_on
                Wave.objects.filter(pk=wave.pk).update(
                    closes_on=dt.date.today() + dt.timedelta(days=10)
                )
                times["open"].append(_timed(client, f"{base}/report/"))
                Wave.objects.filter(pk=wave.pk).update(closes_on=closes)
            rows.append({"n": n, **{k: _median(v) for k, v in times.items()}})
            print(f"bench_threshold {db} n={n}: report {rows[-1]['report']['wall']:.2f} s",
                  file=sys.stderr)  # fmt: skip
        out = {"db": db, "repeats": repeats, "rows": rows, "uptime": [before, uptime()]}
        if db == "postgres":
            from django.db import connections

            connections.close_all()
        return out


def bench(sizes: list[int], db: str = "postgres", repeats: int = 3) -> dict[str, Any]:
    """In a fresh process, so no earlier part's caches help."""
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "benchmarks.bench_threshold", "--sizes",
         ",".join(map(str, sizes)), "--db", db, "--repeats", str(repeats)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench_threshold: {db} failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def render(result: dict[str, Any]) -> str:
    load = " → ".join(u.split("load average:")[-1].strip() for u in result["uptime"])
    lines = [
        f"Closed waves of N synthetic readiness v1 responses across 6 partners ({result['db']});",
        "Django's test `Client` in one process, logged in as the facilitator; both",
        "thresholds out of reach, so every request builds in the request. Median of "
        f"{result['repeats']}",
        "requests each; wall s (CPU s of the app process). *report*: the page drawing the",
        "model; *kept*: from the kept model; *research*: the research page from the kept",
        "model; *open*: the same wave while open (no figures).",
        f"`uptime` load: {load}.",
        "",
        "| N | bare ms | report s | report kept s | research s | open s | CSV s | XLSX s "
        "| JSON s | report ÷ bare |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:

        def cell(k: str, r: dict[str, Any] = r) -> str:
            return f"{r[k]['wall']:.2f} ({r[k]['cpu']:.2f})"

        lines.append(
            f"| {r['n']:,} | {r['bare']['wall'] * 1000:.1f} | {cell('report')} | "
            f"{cell('report_kept')} | {cell('research')} | {cell('open')} | {cell('csv')} | "
            f"{cell('xlsx')} | {cell('json')} | {r['report']['wall'] / r['bare']['wall']:,.0f} |"
        )
    over = [(r["n"], k) for r in result["rows"] for k in ("report", "csv", "xlsx", "json")
            if r[k]["wall"] > GOAL_S]  # fmt: skip
    lines += [
        "",
        f"Over {GOAL_S:g} s in the request: "
        + (", ".join(f"{k} at {n:,}" for n, k in over) if over else "none")
        + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="in-request cost by wave size")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(json.dumps(measure(sizes, args.db, args.repeats)))


if __name__ == "__main__":
    main()
