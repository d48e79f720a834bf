"""``collabdx score`` against a floor that does the same work with pandas and numpy.

Issue 8: a national programme scores 10k, 100k and 1M respondents. collabdx should
stay within 2x of the floor (read the CSV with pandas' C parser, key and average
with numpy, write the scores with pandas) and its memory should grow linearly.

Each measurement runs in a fresh Python process (``python -m
benchmarks.bench_scoring child ...``) so that runs cannot warm or bloat each
other: the child imports what it needs, times only the work, and reports its peak
resident memory, VmHWM from /proc/self/status. (Not ``ru_maxrss``: Linux carries
the parent's high-water mark over fork and exec into the child's, so a parent that
had just compared two big score files made every child look big.) Every collabdx
output is compared with the floor's (same ids, same blanks, max abs diff < 1e-12):
a benchmark that measures wrong answers is useless. Entry point: ``benchmarks/run.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEED = 8  # issue 8
TOLERANCE = 1e-12
KINDS = ("collabdx", "floor")
ORGANISATIONS = (
    "Northside Mental Health NHS Foundation Trust",
    "Riverside Community Care, Adult Services",  # a comma: the cell is quoted
    'St Mary\'s "Community" Hospice',  # doubled quotes
    "",
)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time: steadier when the machine is shared
    peak_mb: float


@dataclass(frozen=True)
class Result:
    n: int
    file_mb: float
    runs: dict[str, list[Run]]
    max_abs_diff: float  # worst over every collabdx output against the floor's

    def median(self, kind: str) -> float:
        return statistics.median(r.seconds for r in self.runs[kind])

    def median_cpu(self, kind: str) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs[kind])

    def peak(self, kind: str) -> float:
        return max(r.peak_mb for r in self.runs[kind])

    @property
    def ratio(self) -> float:
        return self.median("collabdx") / self.median("floor")

    @property
    def cpu_ratio(self) -> float:
        return self.median_cpu("collabdx") / self.median_cpu("floor")


def generate(path: Path, n: int, seed: int = SEED) -> None:
    """A plain CSV of ``n`` synthetic respondents to readiness v1: respondent_id, Q1–Q30.

    About 5% of answers are blank, and 3% of respondents skip the initial-trust
    block (Q6–Q12), so scores also go missing under the half-answered rule.
    """
    import pandas as pd

    from collabdx.core.instruments import load_instrument

    rng = np.random.default_rng(seed)
    instrument = load_instrument("readiness", "1")
    columns: dict[str, np.ndarray] = {
        "respondent_id": np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    }
    skip_block = rng.random(n) < 0.03
    for item in instrument.items.values():
        if item.type == "text":
            columns[item.id] = np.array(ORGANISATIONS, dtype=object)[rng.integers(0, 4, n)]
            continue
        codes = np.array([str(c) for c in item.codes], dtype=object)
        cells = codes[rng.integers(0, len(codes), n)]
        blank = rng.random(n) < 0.05
        if item.block == "initial_trust":
            blank |= skip_block
        cells[blank] = ""
        columns[item.id] = cells
    pd.DataFrame(columns).to_csv(path, index=False, lineterminator="\n")


def collabdx_score(src: Path, out: Path) -> None:
    """What ``collabdx score SRC -o OUT`` runs, minus the terminal output."""
    from collabdx.core.instruments import load_instrument
    from collabdx.core.scoring import scale_scores
    from collabdx.io.exporters import atomic_write_text, scores_csv
    from collabdx.io.importers import read_responses

    def tick(done: int, total: int) -> None:  # the CLI updates a progress bar here
        pass

    result = read_responses(src, load_instrument("readiness", None), progress=tick)
    atomic_write_text(out, scores_csv(scale_scores(result.responses)))


def floor_score(src: Path, out: Path) -> None:
    """The same work with no validation: pandas reads, numpy keys and averages.

    Same rule as collabdx (issue 2): reverse-keyed items score ``max + 1 - code``;
    a scale's score is the mean of its answered items, missing when fewer than half
    of them (rounded up) are answered. Written with pandas, then flushed to disk,
    because collabdx writes its scores durably too.
    """
    import pandas as pd

    from collabdx.core.instruments import load_instrument

    instrument = load_instrument("readiness", None)
    frame = pd.read_csv(src, dtype={"respondent_id": str})
    scores = np.full((len(frame), len(instrument.scales)), np.nan)
    for s, scale in enumerate(instrument.scales.values()):
        values = frame[list(scale.items)].to_numpy(dtype=float)
        for col, item_id in enumerate(scale.items):
            item = instrument.items[item_id]
            if item.reverse:
                values[:, col] = max(item.codes) + 1 - values[:, col]
        answered = (~np.isnan(values)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values, axis=1) / answered
        mean[answered < -(-len(scale.items) // 2)] = np.nan
        scores[:, s] = mean
    index = pd.Index(frame["respondent_id"], name="respondent_id")
    table = pd.DataFrame(scores, index=index, columns=list(instrument.scales))
    with out.open("w", encoding="utf-8", newline="") as f:
        table.to_csv(f, lineterminator="\n")
        f.flush()
        os.fsync(f.fileno())


def _child(kind: str, src: Path, out: Path) -> None:
    # Import everything first: the timing covers the work, not interpreter start-up.
    import pandas  # noqa: F401

    import collabdx.core.scoring
    import collabdx.io.exporters
    import collabdx.io.importers  # noqa: F401

    work = collabdx_score if kind == "collabdx" else floor_score
    start, cpu = time.perf_counter(), time.process_time()
    work(src, out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, src: Path, out: Path, collabdx_src: Path | None = None) -> Run:
    """Run ``kind`` on ``src`` in a fresh process; its time and peak memory."""
    env = dict(os.environ)
    paths = [str(collabdx_src)] if collabdx_src else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(REPO), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "benchmarks.bench_scoring", "child", kind, str(src), str(out)]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed on {src.name}:\n{proc.stderr}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(report["seconds"], report["cpu_seconds"], report["peak_mb"])


def max_abs_diff(ours: Path, floor: Path) -> float:
    """Largest difference between two score files; raises if ids or blanks differ."""
    import pandas as pd

    a = pd.read_csv(ours, dtype={"respondent_id": str}, keep_default_na=False, na_values=[""])
    b = pd.read_csv(floor, dtype={"respondent_id": str}, keep_default_na=False, na_values=[""])
    if list(a.columns) != list(b.columns) or not a["respondent_id"].equals(b["respondent_id"]):
        raise AssertionError(f"{ours.name}: columns or respondent ids differ from the floor's")
    x = a.drop(columns="respondent_id").to_numpy(float)
    y = b.drop(columns="respondent_id").to_numpy(float)
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        raise AssertionError(f"{ours.name}: missing scores differ from the floor's")
    both = ~np.isnan(x)
    return float(np.abs(x[both] - y[both]).max(initial=0.0))


def bench(
    sizes: list[int],
    repeats: int,
    workdir: Path,
    collabdx_src: Path | None = None,
    log: Callable[[str], object] = print,
) -> list[Result]:
    """Generate each size, then alternate collabdx and floor runs ``repeats`` times.

    Alternating spreads any load from elsewhere on the machine over both sides.
    """
    results = []
    for n in sizes:
        src = workdir / f"responses_{n}.csv"
        if not src.exists():
            generate(src, n)
        runs: dict[str, list[Run]] = {k: [] for k in KINDS}
        worst = 0.0
        for r in range(repeats):
            for kind in KINDS:
                out = workdir / f"scores_{kind}_{n}.csv"
                runs[kind].append(measure(kind, src, out, collabdx_src))
                run = runs[kind][-1]
                log(f"n={n:>9,} run {r + 1}/{repeats} {kind:9} {run.seconds:8.3f} s "
                    f"(CPU {run.cpu_seconds:7.3f} s) {run.peak_mb:8.1f} MB")  # fmt: skip
            diff = max_abs_diff(
                workdir / f"scores_collabdx_{n}.csv", workdir / f"scores_floor_{n}.csv"
            )
            if diff >= TOLERANCE:
                raise AssertionError(f"n={n}: collabdx differs from the floor by {diff}")
            worst = max(worst, diff)
        results.append(Result(n, src.stat().st_size / 2**20, runs, worst))
    return results


def baseline_mb() -> float:
    """Peak memory of a child that only imports what the runs import."""
    code = (
        "import pandas, numpy, collabdx.io.importers, collabdx.core.scoring\n"
        "from benchmarks.bench_scoring import peak_mb\nprint(peak_mb())"
    )
    proc = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return float(proc.stdout.strip())


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "child":
    _child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
