"""Run the benchmarks and write the results into docs/benchmarks.md.

    .venv/bin/python -m benchmarks.run            # 10k, 100k and 1M respondents, 3 runs each
    .venv/bin/python -m benchmarks.run --quick    # 10k and 100k only (about a minute)

Options: ``--sizes 10000,50000`` and ``--repeats 5`` choose the work; ``--workdir
DIR`` keeps the generated CSVs (default: a temporary folder, deleted afterwards;
they are never committed); ``--collabdx-src DIR`` benchmarks another copy of the
source (e.g. ``git archive <commit> src | tar -x -C /tmp/old`` then
``--collabdx-src /tmp/old/src``) and, like ``--no-doc``, only prints.

Only the scoring section of docs/benchmarks.md (between its ``scoring-results``
markers) is rewritten; the other sections are written by hand and kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from benchmarks.bench_scoring import REPO, SEED, TOLERANCE, Result, baseline_mb, bench

DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- scoring-results:start -->", "<!-- scoring-results:end -->"
FULL, QUICK = [10_000, 100_000, 1_000_000], [10_000, 100_000]
TEMPLATE = f"""# Benchmarks

How fast collabdx is on big inputs, measured on this project's machines, and how
to measure it again. Regenerate the scoring section with
`.venv/bin/python -m benchmarks.run` (or `--quick`); the other sections are kept.

## `collabdx score` (issue 8)

{START}
{END}

## Profile notes

<!-- Written by hand: what the profiler showed before and after each change. -->

## Web app

<!-- PLACEHOLDER: web benchmarks are to be added by the lead. -->
_Not measured yet._

## Report model

<!-- PLACEHOLDER: report-model benchmarks (collabdx report / reports.model) are to be
added by the lead. -->
_Not measured yet._
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


def write_doc(section: str, doc: Path = DOC) -> None:
    """Replace the scoring section of ``doc``, creating the file if needed."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else TEMPLATE
    if START not in text or END not in text:
        raise SystemExit(f"{doc}: markers {START} … {END} are missing; not overwriting it")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(f"{before}{START}\n{section}\n{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only")
    parser.add_argument("--sizes", help="comma-separated respondent counts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep generated files here")
    parser.add_argument("--collabdx-src", type=Path, help="benchmark this source tree")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args(argv)
    sizes = (
        [int(s) for s in args.sizes.split(",")] if args.sizes else (QUICK if args.quick else FULL)
    )
    start_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="collabdx-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = bench(sizes, args.repeats, workdir, args.collabdx_src)
    load = (start_load, os.getloadavg()[0])
    section = render(results, args.repeats, baseline_mb(), load)
    print(section)
    if not (args.no_doc or args.collabdx_src):
        write_doc(section)
        print(f"\nWrote {DOC.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
