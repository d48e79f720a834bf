"""Run the benchmarks (issue 8) and write the results into docs/benchmarks.md.

    .venv/bin/python -m benchmarks.run            # everything, full sizes (about 40 minutes)
    .venv/bin/python -m benchmarks.run --quick    # smaller sizes, fewer requests (about 12)
    .venv/bin/python -m benchmarks.run --only web --only report   # some parts only
    make bench                                    # the full run

Seven parts. ``threshold``: the report page and the exports built in the request for
closed waves of 100 to 1,600 responses against a bare view, the evidence for the
in-request thresholds (benchmarks/bench_threshold.py; ``--threshold-sizes``). ``load``:
50 respondents walking the survey while facilitators download the pack PDF and
exports, under ``collabdx serve`` itself (gunicorn and the tasks worker), p50/p95/p99
per request kind against a bare view (benchmarks/bench_load.py). ``ics``:
the report page, research page and CSV export of a closed wave of 20,000 and
100,000 responses across 40 partners against a bare view, in one process with
Django's test client (benchmarks/bench_ics.py; ``--ics-sizes``,
``--ics-db sqlite --ics-db postgres``). ``pack``: ``collabdx report`` HTML and PDF
against ``collabdx score``
on the 21-respondent file (benchmarks/bench_pack.py). ``scoring``
(``collabdx score`` against a pandas floor:
benchmarks/bench_scoring.py), ``report`` (the group report model against a
pandas floor, and the research appendix: benchmarks/bench_report.py) and ``web``
(survey pages and submissions under gunicorn against a bare Django view, on SQLite,
PostgreSQL and two app servers: benchmarks/bench_web.py; needs PostgreSQL on
127.0.0.1 as ``make test-postgres`` and the reliability harness do).

Options: ``--sizes 10000,50000`` (scoring) and ``--report-sizes 1000,100000`` choose
the work, ``--repeats 5`` the repeats of scoring and report (web: its profile's);
``--workdir DIR`` keeps the scoring CSVs; ``--collabdx-src DIR`` benchmarks another
copy of the source (e.g. ``git archive <commit> src | tar -x -C /tmp/old`` then
``--collabdx-src /tmp/old/src``; scoring and report only) and, like ``--no-doc``,
only prints. ``--json PATH`` also writes the raw results.

Only the sections between the ``…-results`` markers of docs/benchmarks.md are
rewritten, each only by the part that measures it; the rest (profile notes,
findings) is written by hand and kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import (
    bench_ics,
    bench_load,
    bench_pack,
    bench_report,
    bench_threshold,
    bench_web,
)
from benchmarks.bench_scoring import REPO, SEED, TOLERANCE, Result, baseline_mb, bench

DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- scoring-results:start -->", "<!-- scoring-results:end -->"
MARKERS = {
    "scoring": (START, END),
    "report": ("<!-- report-results:start -->", "<!-- report-results:end -->"),
    "web": ("<!-- web-results:start -->", "<!-- web-results:end -->"),
    "pack": ("<!-- pack-results:start -->", "<!-- pack-results:end -->"),
    "ics": ("<!-- ics-results:start -->", "<!-- ics-results:end -->"),
    "load": ("<!-- load-results:start -->", "<!-- load-results:end -->"),
    "threshold": ("<!-- threshold-results:start -->", "<!-- threshold-results:end -->"),
}
PARTS = ("scoring", "report", "web", "pack", "ics", "load", "threshold")
FULL, QUICK = [10_000, 100_000, 1_000_000], [10_000, 100_000]
REPORT_FULL, REPORT_QUICK = [1_000, 10_000, 100_000, 1_000_000], [1_000, 10_000, 100_000]
# The research appendix's memory grows with n² (docs/benchmarks.md): 20k needs about
# 1.3 GB, 100k would need tens of GB, so it is measured on small waves only.
RESEARCH_FULL, RESEARCH_QUICK = [1_000, 10_000, 100_000], [1_000, 5_000]
TEMPLATE = f"""# Benchmarks

How fast collabdx is on big inputs and under load, measured on this project's
machines, and how to measure it again: `make bench` (or
`.venv/bin/python -m benchmarks.run`, `--quick`, `--only scoring|report|web`).
Each part rewrites only its own results section; the notes are written by hand.

## `collabdx score` (issue 8)

{START}
{END}

## Profile notes

<!-- Written by hand: what the profiler showed before and after each change. -->

## Report model

{MARKERS["report"][0]}
{MARKERS["report"][1]}

## Web app

{MARKERS["web"][0]}
{MARKERS["web"][1]}

## The pack in seconds (issue 15)

{MARKERS["pack"][0]}
{MARKERS["pack"][1]}

## Waves the size of an ICS (issue 15)

{MARKERS["ics"][0]}
{MARKERS["ics"][1]}

## Respondents while facilitators download (issue 15)

{MARKERS["load"][0]}
{MARKERS["load"][1]}

## What a facilitator's request builds in the request (issue 15)

{MARKERS["threshold"][0]}
{MARKERS["threshold"][1]}
"""


def machine() -> list[str]:
    """CPU, cores, memory and library versions, for the record."""
    import numpy
    import pandas

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM: {ram}",
        f"- Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"pandas {pandas.__version__}; {platform.system()} {platform.release()}",
    ]


def render(
    results: list[Result], repeats: int, base_mb: float, load: tuple[float, float] | None = None
) -> str:
    """The scoring section: machine, method and the results table."""
    shared = (
        [f"- Load average (1 min) {load[0]:.1f} at the start, {load[1]:.1f} at the end: "
         "other work shared the machine, so wall times vary from run to run"]
        if load and max(load) > 1.5 else []
    )  # fmt: skip
    lines = [
        f"Measured {date.today().isoformat()} with `.venv/bin/python -m benchmarks.run`.",
        "",
        *machine(),
        *shared,
        "",
        "**Method.** `benchmarks/bench_scoring.py` writes plain CSVs of n synthetic",
        f"respondents to readiness v1 (seed {SEED}; respondent_id and Q1–Q30, about 5% of",
        "answers blank, 3% of respondents skipping a whole block, organisation names with",
        "commas and quotes) to a temporary folder. *collabdx* runs what `collabdx score`",
        "runs: `read_responses` → `scale_scores` → `scores_csv` → `atomic_write_text`. The",
        "*floor* does the same work without validation: `pandas.read_csv` (C parser),",
        "reverse-keying and half-answered means with numpy, `DataFrame.to_csv`, fsync.",
        f"Each run is a fresh Python process, alternating collabdx and floor, {repeats} runs",
        "each; the table shows the median wall-clock time of the work (not interpreter",
        "start-up), the ratio of the medians of CPU time too (steadier than wall time",
        "when other work shares the machine), and the highest peak resident memory",
        "(VmHWM of that process; one that only imports the libraries peaks at",
        f"{base_mb:.0f} MB).",
        "Every collabdx output was checked against the floor's: same respondents, same",
        f"blanks, max abs difference {max(r.max_abs_diff for r in results):.1e}"
        f" (required < {TOLERANCE:.0e}).",
        "",
        "| n | CSV MB | collabdx median s | floor median s | ratio | CPU ratio "
        "| collabdx peak MB | floor peak MB | collabdx MB per 1k rows* |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        per_k = (r.peak("collabdx") - base_mb) / (r.n / 1000)
        lines.append(
            f"| {r.n:,} | {r.file_mb:.0f} | {r.median('collabdx'):.3f} | "
            f"{r.median('floor'):.3f} | {r.ratio:.2f} | {r.cpu_ratio:.2f} | "
            f"{r.peak('collabdx'):.0f} | "
            f"{r.peak('floor'):.0f} | {per_k:.2f} |"
        )
    lines += [
        "",
        "\\* Peak above the import-only process, per 1,000 respondents: roughly constant",
        "means memory grows linearly with n. Goal (issue 8): ratio ≤ 2 at every n.",
    ]
    return "\n".join(lines)


def write_doc(section: str, doc: Path = DOC, part: str = "scoring") -> None:
    """Replace one part's results section of ``doc``, creating the file if needed."""
    start, end = MARKERS[part]
    text = doc.read_text(encoding="utf-8") if doc.exists() else TEMPLATE
    if start not in text or end not in text:
        raise SystemExit(f"{doc}: markers {start} … {end} are missing; not overwriting it")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(f"{before}{start}\n{section}\n{end}{after}", encoding="utf-8")


class LoadWatch:
    """The machine's 1-minute load average every few seconds while a part runs (our own
    load included: a web run alone keeps it near 2 to 3 on two cores)."""

    def __init__(self, every: float = 5.0) -> None:
        self.samples = [os.getloadavg()[0]]
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> tuple[float, float, float]:
        """(at the start, highest, at the end)."""
        self._stop.set()
        self._thread.join(timeout=10)
        self.samples.append(os.getloadavg()[0])
        return self.samples[0], max(self.samples), self.samples[-1]


def header(command: str, load: tuple[float, ...], seconds: float) -> str:
    """When, how, on what and beside how much other work one part was measured.
    ``load``: the 1-minute load average at the start, (highest,) at the end."""
    busy = (
        " Other work shared the machine (tests and browsers of other engineers), so wall"
        " times vary from run to run; ratios measured side by side and CPU times are the"
        " steadier figures."
        if max(load) > 1.5
        else ""
    )
    peak = f", {load[1]:.1f} at the highest" if len(load) == 3 else ""
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} with `{command}` ({seconds / 60:.0f} min).",
            "",
            *machine(),
            f"- Load average (1 min) {load[0]:.1f} at the start{peak}, {load[-1]:.1f} at the "
            "end." + busy,
            "",
            "",
        ]
    )


def rerender(raw: dict[str, Any], quick: bool) -> None:
    """Write the report and web sections again from the raw results of a run, e.g.
    after a change to the wording; the header keeps that run's command and date."""
    for part in ("report", "web"):
        if part not in raw:
            continue
        head = raw.get("headers", {}).get(part, "")
        if part == "report":
            research = bench_report.from_json(raw.get("research", [])) or None
            repeats = len(raw["report"][0]["runs"]["collabdx"]) if raw["report"] else 0
            body = bench_report.render(bench_report.from_json(raw["report"]), repeats, research)
        else:
            profile = bench_web.QUICK if quick else bench_web.FULL
            body = bench_web.render(bench_web.from_json(raw["web"]), profile)
        write_doc(head + body, part=part)
        print(f"Wrote the {part} section of {DOC.relative_to(REPO)}", file=sys.stderr)


def _sizes(text: str | None, default: list[int]) -> list[int]:
    return [int(x) for x in text.split(",")] if text else default


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer requests")
    parser.add_argument("--only", choices=PARTS, action="append", help="this part (repeatable)")
    parser.add_argument("--sizes", help="comma-separated respondent counts for scoring")
    parser.add_argument("--report-sizes", help="comma-separated respondent counts for report")
    parser.add_argument("--ics-sizes", help="comma-separated wave sizes for ics")
    parser.add_argument("--threshold-sizes", help="comma-separated wave sizes for threshold")
    parser.add_argument("--ics-db", action="append", choices=("sqlite", "postgres"),
                        help="databases for ics (repeatable; default sqlite)")
    parser.add_argument("--repeats", type=int, default=3, help="scoring and report runs")
    parser.add_argument("--workdir", type=Path, help="keep generated CSVs here")
    parser.add_argument("--collabdx-src", type=Path, help="benchmark this source tree")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="only write the report and web sections again from a --json file",
    )
    args = parser.parse_args(argv)
    if args.render:
        rerender(json.loads(args.render.read_text(encoding="utf-8")), args.quick)
        return
    parts = args.only or list(PARTS)
    if args.collabdx_src and "web" in parts:
        parser.error("--collabdx-src benchmarks scoring and report only: add --only")
    command = shlex.join([".venv/bin/python", "-m", "benchmarks.run", *(argv or sys.argv[1:])])
    write = not (args.no_doc or args.collabdx_src)
    raw: dict[str, Any] = {"command": command}

    def done(part: str, section: str, watch: LoadWatch) -> None:
        text = header(command, watch.stop(), time.monotonic() - watch.started)
        raw.setdefault("headers", {})[part] = text
        text += section
        print(text)
        if write:
            write_doc(text, part=part)
            print(f"\nWrote the {part} section of {DOC.relative_to(REPO)}", file=sys.stderr)

    if "scoring" in parts:
        load0 = os.getloadavg()[0]
        sizes = _sizes(args.sizes, QUICK if args.quick else FULL)
        with tempfile.TemporaryDirectory(prefix="collabdx-bench-") as tmp:
            workdir = args.workdir or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            results = bench(sizes, args.repeats, workdir, args.collabdx_src)
        load = (load0, os.getloadavg()[0])
        section = render(results, args.repeats, baseline_mb(), load)
        print(section)
        if write:
            write_doc(section)
            print(f"\nWrote {DOC.relative_to(REPO)}", file=sys.stderr)
        raw["scoring"] = [asdict(r) for r in results]
    if "report" in parts:
        watch = LoadWatch()
        sizes = _sizes(args.report_sizes, REPORT_QUICK if args.quick else REPORT_FULL)
        report = bench_report.bench(sizes, args.repeats, collabdx_src=args.collabdx_src)
        research = None
        if bench_report.research_available(args.collabdx_src):
            research = bench_report.bench(
                RESEARCH_QUICK if args.quick else RESEARCH_FULL, args.repeats,
                collabdx_src=args.collabdx_src, kinds=("research",),
            )  # fmt: skip
        done("report", bench_report.render(report, args.repeats, research), watch)
        raw["report"] = [asdict(r) for r in report]
        raw["research"] = [asdict(r) for r in research or []]
    if "web" in parts:
        watch = LoadWatch()
        profile = bench_web.QUICK if args.quick else bench_web.FULL
        web = bench_web.bench(profile)
        done("web", bench_web.render(web, profile), watch)
        raw["web"] = bench_web.as_json(web)
        errors = [e for r in web for e in r.errors()]
        if errors:
            raise SystemExit("web benchmark: unexpected replies:\n  " + "\n  ".join(errors[:20]))
    if "pack" in parts:
        watch = LoadWatch()
        pack = bench_pack.bench(args.repeats)
        done("pack", bench_pack.render(pack), watch)
        raw["pack"] = {"wall": pack.wall, "cpu": pack.cpu, "uptime": pack.uptime}
    if "ics" in parts:
        watch = LoadWatch()
        sizes = _sizes(args.ics_sizes, [20_000] if args.quick else bench_ics.SIZES)
        ics = bench_ics.bench(sizes, args.ics_db or ["sqlite"])
        done("ics", bench_ics.render(ics), watch)
        raw["ics"] = ics
    if "load" in parts:
        watch = LoadWatch()
        load_profile = bench_load.QUICK if args.quick else bench_load.FULL
        loaded = bench_load.bench(load_profile)
        done("load", bench_load.render(loaded, load_profile), watch)
        raw["load"] = bench_load.as_json(loaded)
        errors = [e for r in loaded for e in r.errors()]
        if errors:
            raise SystemExit("load benchmark: unexpected replies:\n  " + "\n  ".join(errors[:20]))
    if "threshold" in parts:
        watch = LoadWatch()
        default = bench_threshold.QUICK_SIZES if args.quick else bench_threshold.SIZES
        sizes = _sizes(args.threshold_sizes, default)
        thr = bench_threshold.bench(sizes, repeats=args.repeats)
        done("threshold", bench_threshold.render(thr), watch)
        raw["threshold"] = thr
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    # A SIGTERM (CI timeout, kill) unwinds like Ctrl-C, so every server is stopped and
    # every throwaway database dropped (as reliability.run does).
    signal.signal(signal.SIGTERM, _terminate)
    main()
