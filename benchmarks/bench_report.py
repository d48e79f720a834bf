"""The group report model (``reports.model.build_report``) against a numpy/pandas floor.

Issue 8: build the report data for 1k, 10k, 100k and 1M respondents across 20
partners; report the time, how it grows with n, and peak memory. Goal: linear
growth, and under 2 s for 100k.

*collabdx* runs what the web app's report page runs for one wave
(``web/results/pack.wave_pack_model`` minus its database reads): ``build_report``
with the partner list of the wave's links (``partner_counts``), the collaboration's
context and feedback on, so it scores, summarises every item and scale, breaks the
scales down by role, staff group, partner and tenure under disclosure control,
evaluates the feedback rules, and derives perception gaps, split opinion and
findings. The *floor* does the core arithmetic on the same data with pandas and
numpy and nothing else: reverse-keying, the half-answered scale rule, then n, mean
and SD of every item and scale overall, and of every scale per group of the same
four descriptors (``DataFrame.groupby``). It has no disclosure control, rules, gaps
or findings, so collabdx / floor is an upper bound on collabdx's overhead.

Each measurement runs in a fresh process (``python -m benchmarks.bench_report child
...``): the child builds the seeded synthetic responses (not timed), warms up on a
small set (imports, the cached instrument, theory and rules, as a running web
worker has them), then times the work once. Memory is the work's own, above the
responses already in memory: one more run of each kind under tracemalloc gives its
peak allocation (the figure in the doc); the timed runs also reset their resident
high-water mark (``/proc/self/clear_refs``) before the work and read VmHWM after it
(logged; freed memory that is reused makes it lower). The children also write the
figures they computed,
and every figure the report shows (n, mean and SD of each item and scale, overall
and per visible group) must equal the floor's (relative difference < 1e-9), and
every group the floor finds under k must be hidden. Entry point: ``benchmarks/run.py``.
"""

from __future__ import annotations

import gc
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collabdx.core.responses import ResponseSet

REPO = Path(__file__).resolve().parents[1]
SEED = 8  # issue 8
K = 5  # min_group_size, the default
PARTNERS = 20
TOLERANCE = 1e-9  # relative: the floor sums in another order
KINDS = ("collabdx", "floor")
WARM_UP_N = 2_000
# Which latent attitude drives each scale's items (synthetic data only).
FACTOR = {
    "initial_trust": "trust",
    "perceived_legitimacy": "faith",
    "initial_faith": "faith",
    "cultural_integration": "trust",
    "conflict_resolution": "trust",
    "clarity_of_vision": "faith",
    "shared_vision": "trust",
}
DESCRIPTORS = ("role", "staff_group", "organisation", "tenure")

Key = tuple[str, ...]  # ("scale", id) | ("item", id) | ("group", by, label, scale id)
Figure = tuple[int, float | None, float | None]  # n, mean, SD


# ------------------------------------------------------------------ data


def partner_names(count: int = PARTNERS) -> list[str]:
    return [f"Synthetic Partner {i:02d} (fictional)" for i in range(1, count + 1)]


def partner_weights(count: int = PARTNERS) -> np.ndarray:
    """Uneven partner sizes (largest about 10x the 19th), and a last one of 0.1%:
    at 1k respondents it has a handful, so disclosure control has work to do."""
    w = np.geomspace(1.0, 0.1, count - 1)
    w = np.append(w / w.sum() * 0.999, 0.001)
    return np.asarray(w / w.sum())


def generate(n: int, seed: int = SEED) -> tuple[ResponseSet, dict[str, int]]:
    """``n`` synthetic readiness-v1 respondents across 20 fictional partners.

    As the web app loads a wave (``web/results/data.py``): Q3 holds the name of the
    partner whose link was used, and the partner list comes with the count per
    partner. Answers come from two latent attitudes shifted by partner and role;
    about 4% of answers are blank, 3% of respondents skip the initial-trust block
    (so that score goes missing under the half-answered rule) and 2% leave the role
    question blank (a "Not answered" group).
    """
    import pandas as pd

    from collabdx.core.instruments import load_instrument
    from collabdx.core.responses import ResponseSet

    instrument = load_instrument("readiness", "1")
    rng = np.random.default_rng(seed)
    names = partner_names()
    partner = rng.choice(len(names), size=n, p=partner_weights())
    leader = rng.random(n) < 0.3
    shift = np.linspace(-0.5, 0.5, len(names))[partner]
    latent = {
        "trust": 3.1 + shift + 0.3 * leader + rng.normal(0, 0.6, n),
        "faith": 2.9 - 0.5 * shift + 0.5 * leader + rng.normal(0, 0.6, n),
    }
    skip_trust = rng.random(n) < 0.03
    columns: dict[str, np.ndarray] = {}
    for item in instrument.choice_items:
        if item.scale is not None:
            favourable = latent[FACTOR[item.scale]] + rng.normal(0, 0.7, n)
            keyed = np.clip(np.rint(favourable), 1, 5)
            code = (item.max_code + 1 - keyed) if item.reverse else keyed
        elif item.id == "Q1":
            code = np.where(leader, 1.0, 2.0)
        else:
            code = rng.integers(1, item.max_code + 1, n).astype(float)
        blank = rng.random(n) < (0.02 if item.id == "Q1" else 0.04)
        if item.block == "initial_trust":
            blank |= skip_trust
        code[blank] = np.nan
        columns[item.id] = code
    ids = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)
    index = pd.Index(ids, dtype=object, name="respondent_id")
    codes = pd.DataFrame(columns, index=index)
    text = pd.DataFrame({"Q3": np.array(names, dtype=object)[partner]}, index=index, dtype=object)
    counts = np.bincount(partner, minlength=len(names))
    partner_counts = {name: int(c) for name, c in zip(names, counts, strict=True)}
    return ResponseSet(instrument.id, instrument.version, codes, text), partner_counts


# ------------------------------------------------------------------ the two sides


def has_research() -> bool:
    """Whether this source tree's ``build_report`` has the research appendix."""
    import inspect

    from collabdx.reports.model import build_report

    return "with_research" in inspect.signature(build_report).parameters


def collabdx_report(responses: ResponseSet, partner_counts: dict[str, int]) -> Any:
    """What the web app's report page builds for one wave (``wave_pack_model``), without
    the research appendix (timed on its own: kind "research")."""
    from collabdx.reports.model import build_report
    from collabdx.reports.sections import CollaborationContext

    extra: dict[str, Any] = {"with_research": False} if has_research() else {}
    return build_report(
        responses,
        min_group_size=K,
        title="Benchmark wave: group report",
        context=CollaborationContext(
            "Benchmark collaboration (synthetic)",
            "provider_collaborative",
            False,
            True,
            "implementation",
        ),
        partner_counts=partner_counts,
        wave_name="Benchmark wave",
        **extra,
    )


def research_appendix(responses: ResponseSet, partner_counts: dict[str, int]) -> Any:
    """The "For researchers" appendix ``build_report(with_research=True)`` adds for the
    workshop pack (web settings: 200 bootstrap resamples)."""
    from collabdx.reports.research import research_result

    return research_result(responses, K, partner_counts=partner_counts)


def floor_report(responses: ResponseSet) -> dict[str, Any]:
    """The core arithmetic with pandas and numpy only (see the module docstring)."""
    import pandas as pd

    instrument = responses.instrument
    scored = [i.id for i in instrument.scored_items]
    keyed = responses.codes[scored].to_numpy(dtype=float, copy=True)
    for c, item in enumerate(instrument.scored_items):
        if item.reverse:
            keyed[:, c] = item.max_code + 1 - keyed[:, c]
    col = {item_id: c for c, item_id in enumerate(scored)}
    scores = np.full((len(keyed), len(instrument.scales)), np.nan)
    for s, scale in enumerate(instrument.scales.values()):
        sub = keyed[:, [col[i] for i in scale.items]]
        answered = (~np.isnan(sub)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(sub, axis=1) / answered
        mean[answered < -(-len(scale.items) // 2)] = np.nan
        scores[:, s] = mean
    scales = pd.DataFrame(scores, columns=list(instrument.scales))
    items = pd.DataFrame(keyed, columns=scored)
    overall = {
        "scale": scales.agg(["count", "mean", "std"]),
        "item": items.agg(["count", "mean", "std"]),
    }
    groups = {}
    for by in DESCRIPTORS:
        item = instrument.descriptor_item(by)
        assert item is not None
        if item.type == "text":
            labels = responses.text[item.id].to_numpy()
        else:
            labels = responses.codes[item.id].to_numpy()
        groups[by] = scales.groupby(labels, dropna=False).agg(["count", "mean", "std"])
    return {"overall": overall, "groups": groups}


# ------------------------------------------------------------------ figures to compare


def _fig(n: int, mean: float | None, sd: float | None) -> Figure:
    clean = [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        for v in (mean, sd)
    ]
    return (int(n), clean[0], clean[1])


def model_figures(model: Any) -> dict[Key, Figure | None]:
    """Every n, mean and SD the report shows; None for a group it hides."""
    out: dict[Key, Figure | None] = {}
    for kind, rows in (("scale", model.scales), ("item", model.items)):
        for row in rows:
            if row.summary is not None:
                out[(kind, row.id)] = _fig(row.summary.n, row.summary.mean, row.summary.sd)
    for b in model.breakdowns:
        for g in b.groups:
            if g.suppressed or g.scales is None:
                continue
            for scale_id, s in g.scales.items():
                if s is not None:
                    out[("group", b.by, g.label, scale_id)] = _fig(s.n, s.mean, s.sd)
    return out


def floor_figures(floor: dict[str, Any], responses: ResponseSet) -> dict[Key, Figure]:
    """The floor's figures under the report's keys (option labels, "Not answered")."""
    from collabdx.core.breakdowns import NOT_ANSWERED

    instrument = responses.instrument
    out: dict[Key, Figure] = {}
    for kind in ("scale", "item"):
        table = floor["overall"][kind]
        for column in table.columns:
            out[(kind, column)] = _fig(
                table.at["count", column], table.at["mean", column], table.at["std", column]
            )
    for by, table in floor["groups"].items():
        item = instrument.descriptor_item(by)
        assert item is not None
        for value, row in table.iterrows():
            if item.type == "text":
                label = str(value) if value else NOT_ANSWERED
            elif isinstance(value, float) and math.isnan(value):
                label = NOT_ANSWERED
            else:
                label = item.label_for(int(value))
            for scale_id in instrument.scales:
                out[("group", by, label, scale_id)] = _fig(
                    row[(scale_id, "count")], row[(scale_id, "mean")], row[(scale_id, "std")]
                )
    return out


def _encode(figures: dict[Key, Any]) -> list[list[Any]]:
    return [[list(key), value] for key, value in figures.items()]


def _decode(rows: list[list[Any]]) -> dict[Key, Any]:
    return {tuple(key): (tuple(v) if v is not None else None) for key, v in rows}


@dataclass(frozen=True)
class Check:
    compared: int  # figures the report shows, each equal to the floor's
    hidden_groups: int  # group figures the report withholds (under k or protecting one)
    max_rel_diff: float


def compare(ours: dict[Key, Figure | None], floor: dict[Key, Figure]) -> Check:
    """Every figure the report shows equals the floor's; every group the floor finds
    under k (for that scale) is not shown. Raises AssertionError otherwise."""
    worst = 0.0
    compared = hidden = 0
    for key, fig in ours.items():
        if fig is None:
            continue
        if key not in floor:
            raise AssertionError(f"{key}: the report shows a figure the floor does not have")
        ref = floor[key]
        if fig[0] != ref[0]:
            raise AssertionError(f"{key}: n {fig[0]} != floor's {ref[0]}")
        for a, b in zip(fig[1:], ref[1:], strict=True):
            if (a is None) != (b is None):
                raise AssertionError(f"{key}: {fig} != floor's {ref}")
            if a is not None and b is not None:
                worst = max(worst, abs(a - b) / max(1.0, abs(b)))
        compared += 1
    for key, ref in floor.items():
        if key[0] == "group" and ref[0] < K and ours.get(key) is not None:
            raise AssertionError(f"{key}: n = {ref[0]} < {K} but the report shows it")
        if key[0] == "group" and ours.get(key) is None:
            hidden += 1
    if worst >= TOLERANCE:
        raise AssertionError(f"the report differs from the floor by {worst:.2e} (relative)")
    return Check(compared, hidden, worst)


# ------------------------------------------------------------------ one run, one process


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return math.nan


def _reset_peak() -> bool:
    """Set this process's VmHWM to its current RSS (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def work(kind: str, responses: ResponseSet, partner_counts: dict[str, int]) -> Any:
    if kind == "collabdx":
        return collabdx_report(responses, partner_counts)
    if kind == "research":
        return research_appendix(responses, partner_counts)
    return floor_report(responses)


def _child(kind: str, n: int, out: Path, trace: bool = False) -> None:
    responses, partner_counts = generate(n)
    small, small_counts = generate(WARM_UP_N, seed=SEED + 1)
    work(kind, small, small_counts)  # imports, cached instrument/theory/rules, scipy
    del small, small_counts
    gc.collect()
    input_mb = (
        float(
            responses.codes.memory_usage(deep=True).sum()
            + responses.text.memory_usage(deep=True).sum()
        )
        / 2**20
    )
    if trace:  # a separate run: tracemalloc slows the work down, so it is not timed
        import tracemalloc

        tracemalloc.start()
        work(kind, responses, partner_counts)
        traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(json.dumps({"traced_mb": traced_mb, "input_mb": input_mb}))
        return
    reset = _reset_peak()
    rss_before = _status_mb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    result = work(kind, responses, partner_counts)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    work_mb = _status_mb("VmHWM") - rss_before if reset else math.nan
    if kind != "research":
        figures = model_figures(result) if kind == "collabdx" else floor_figures(result, responses)
        out.write_text(json.dumps(_encode(figures)))
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "work_mb": work_mb,
                "input_mb": input_mb,
                "rss_mb": rss_before,
            }
        )
    )


# ------------------------------------------------------------------ the parent


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    work_mb: float  # peak resident memory of the work above the responses in memory


@dataclass(frozen=True)
class Result:
    n: int
    runs: dict[str, list[Run]]
    traced_mb: dict[str, float]  # tracemalloc peak of the work, one extra run per kind
    input_mb: float  # the responses themselves (codes and text frames)
    check: Check | None  # None: this kind's figures are not compared (research)

    def median(self, kind: str) -> float:
        return statistics.median(r.seconds for r in self.runs[kind])

    def median_cpu(self, kind: str) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs[kind])

    def peak(self, kind: str) -> float:
        return max(r.work_mb for r in self.runs[kind])

    @property
    def ratio(self) -> float:
        return self.median("collabdx") / self.median("floor")

    @property
    def cpu_ratio(self) -> float:
        return self.median_cpu("collabdx") / self.median_cpu("floor")


def _child_json(
    kind: str, n: int, out: Path, collabdx_src: Path | None, trace: bool
) -> dict[str, Any]:
    env = dict(os.environ)
    paths = [str(collabdx_src)] if collabdx_src else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(REPO), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "benchmarks.bench_report", "child", kind, str(n), str(out)]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, *(["trace"] if trace else [])],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed at n={n}:\n{proc.stderr[-4000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def measure(kind: str, n: int, out: Path, collabdx_src: Path | None = None) -> Run:
    """One timed run of ``kind`` on ``n`` respondents, in a fresh process."""
    r = _child_json(kind, n, out, collabdx_src, trace=False)
    return Run(r["seconds"], r["cpu_seconds"], r["work_mb"])


def bench(
    sizes: list[int],
    repeats: int,
    workdir: Path | None = None,
    collabdx_src: Path | None = None,
    log: Callable[[str], object] = print,
    kinds: tuple[str, ...] = KINDS,
    trace: bool = True,
) -> list[Result]:
    """For each size, alternate the kinds ``repeats`` times, each run in a fresh
    process, check collabdx's figures against the floor's after every pair, then
    (``trace``) one more run of each kind under tracemalloc for its memory peak."""
    results = []
    with tempfile.TemporaryDirectory(prefix="collabdx-bench-report-") as tmp:
        folder = workdir or Path(tmp)
        for n in sizes:
            runs: dict[str, list[Run]] = {k: [] for k in kinds}
            check = None
            for r in range(repeats):
                for kind in kinds:
                    run = measure(kind, n, folder / f"figures_{kind}_{n}.json", collabdx_src)
                    runs[kind].append(run)
                    log(
                        f"report n={n:>9,} run {r + 1}/{repeats} {kind:9} "
                        f"{run.seconds:8.3f} s (CPU {run.cpu_seconds:7.3f} s) "
                        f"work peak {run.work_mb:7.1f} MB"
                    )
                if "collabdx" in kinds and "floor" in kinds:
                    check = compare(
                        _decode(json.loads((folder / f"figures_collabdx_{n}.json").read_text())),
                        _decode(json.loads((folder / f"figures_floor_{n}.json").read_text())),
                    )
            traced: dict[str, float] = {}
            input_mb = math.nan
            if trace:
                for kind in kinds:
                    t = _child_json(kind, n, folder / "traced.json", collabdx_src, trace=True)
                    traced[kind], input_mb = t["traced_mb"], t["input_mb"]
                    log(f"report n={n:>9,} {kind:9} traced peak {traced[kind]:8.1f} MB")
            results.append(Result(n, runs, traced, input_mb, check))
    return results


def growth(results: list[Result], kind: str = "collabdx") -> list[tuple[int, int, float]]:
    """The log-log slope of median time against n between consecutive sizes: 1.0 is
    linear growth, 2.0 quadratic."""
    out = []
    for a, b in itertools.pairwise(results):
        slope = math.log(b.median(kind) / a.median(kind)) / math.log(b.n / a.n)
        out.append((a.n, b.n, slope))
    return out


def research_available(collabdx_src: Path | None = None) -> bool:
    """Whether the benchmarked source has ``reports.research`` (the appendix)."""
    root = collabdx_src or REPO / "src"
    return (root / "collabdx" / "reports" / "research.py").exists()


if __name__ == "__main__" and len(sys.argv) in (5, 6) and sys.argv[1] == "child":
    _child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), trace=sys.argv[5:] == ["trace"])


# ------------------------------------------------------------------ the doc section

GOAL_SECONDS = 2.0  # issue 8: under 2 s for 100k respondents
GOAL_N = 100_000
LINEAR = 1.15  # a log-log slope up to this counts as linear growth (timing noise)


def _slopes(results: list[Result], kind: str, cpu: bool = False) -> list[float]:
    pick = Result.median_cpu if cpu else Result.median
    return [
        math.log(pick(b, kind) / pick(a, kind)) / math.log(b.n / a.n)
        for a, b in itertools.pairwise(results)
    ]


def _num(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.2f}"


def from_json(rows: list[dict[str, Any]]) -> list[Result]:
    """Results as ``dataclasses.asdict`` wrote them (``benchmarks.run --json``)."""
    return [
        Result(
            n=row["n"],
            runs={k: [Run(**run) for run in runs] for k, runs in row["runs"].items()},
            traced_mb=row["traced_mb"],
            input_mb=row["input_mb"],
            check=Check(**row["check"]) if row["check"] else None,
        )
        for row in rows
    ]


def goals(results: list[Result]) -> list[tuple[str, bool | None, str]]:
    """(goal, met or None when not measured, the evidence) for the report model."""
    out: list[tuple[str, bool | None, str]] = []
    at = next((r for r in results if r.n == GOAL_N), None)
    if at is None:
        out.append((f"under {GOAL_SECONDS:g} s for {GOAL_N:,}", None, "not measured in this run"))
    else:
        out.append(
            (
                f"under {GOAL_SECONDS:g} s for {GOAL_N:,}",
                at.median("collabdx") < GOAL_SECONDS,
                f"median {at.median('collabdx'):.2f} s (CPU {at.median_cpu('collabdx'):.2f} s)",
            )
        )
    big = [r for r in results if r.n >= 10_000]
    if len(big) < 2:
        out.append(("linear growth", None, "needs two sizes of 10k or more"))
    else:
        wall, cpu = _slopes(big, "collabdx"), _slopes(big, "collabdx", cpu=True)
        met = max(cpu) <= LINEAR
        out.append(
            (
                "linear growth",
                met,
                f"log-log slope of CPU time {', '.join(f'{s:.2f}' for s in cpu)} "
                f"(wall {', '.join(f'{s:.2f}' for s in wall)}) between "
                f"{', '.join(f'{a.n:,}→{b.n:,}' for a, b in itertools.pairwise(big))}",
            )
        )
    return out


def render(results: list[Result], repeats: int, research: list[Result] | None = None) -> str:
    """The report model section: method, results, growth, goals, research appendix."""
    lines = [
        "**Method.** `benchmarks/bench_report.py` builds n synthetic respondents to",
        f"readiness v1 across {PARTNERS} fictional partners (seed {SEED}; uneven sizes, one",
        "partner of 0.1% so that disclosure control hides groups at small n; about 4% of",
        "answers blank, 3% skipping a whole block, 2% not giving their role). *collabdx*",
        "times `build_report` as the web app's report page calls it for a wave (partner",
        "list, context, feedback rules, breakdowns by role, staff group, partner and",
        "tenure under disclosure control, perception gaps, split opinion, findings,",
        "maturity grid), without the research appendix (timed on its own below). The",
        "*floor* does only the core arithmetic with pandas and numpy: keying, scale",
        "scores, n/mean/SD of every item and scale, and per group of the same four",
        "descriptors with `groupby`. Each run is a fresh process that builds the data",
        "(not timed) and warms up on 2,000 other respondents first, as a running web",
        f"worker is warm; {repeats} runs of each, alternating, median quoted. *Work peak*",
        "is the tracemalloc peak of one more run of each (memory the work allocated on",
        "top of the responses, whose size is the *input* column). Every report figure",
        "(n, mean and SD of each item and scale, overall and for every group shown) was",
        "checked against the floor's, and every group under k must be hidden.",
        "",
        "| n | input MB | collabdx median s | CPU s | floor median s | ratio | CPU ratio "
        "| collabdx work peak MB | floor work peak MB | collabdx MB per 1k | figures checked "
        "| group figures hidden |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        peak = r.traced_mb.get("collabdx", math.nan)
        check = r.check or Check(0, 0, math.nan)
        lines.append(
            f"| {r.n:,} | {r.input_mb:,.0f} | {r.median('collabdx'):.3f} | "
            f"{r.median_cpu('collabdx'):.3f} | {r.median('floor'):.3f} | {r.ratio:.1f} | "
            f"{r.cpu_ratio:.1f} | {peak:,.1f} | {r.traced_mb.get('floor', math.nan):,.1f} | "
            f"{peak / r.n * 1000:.2f} | {check.compared} | {check.hidden_groups} |"
        )
    worst = max((r.check.max_rel_diff for r in results if r.check), default=math.nan)
    lines += [
        "",
        f"Largest relative difference from the floor: {worst:.1e} (required < {TOLERANCE:g}).",
        "",
        "**Growth** (log-log slope of the median time between consecutive sizes: 1 is",
        "linear, 2 quadratic; below 10k fixed costs dominate, so slopes there are low):",
        "",
        "| from → to | collabdx (wall) | collabdx (CPU) | floor (wall) | floor (CPU) |",
        "|---|---:|---:|---:|---:|",
    ]
    cols = [
        _slopes(results, k, c)
        for k, c in (("collabdx", False), ("collabdx", True), ("floor", False), ("floor", True))
    ]
    for i, (a, b) in enumerate(itertools.pairwise(results)):
        lines.append(f"| {a.n:,} → {b.n:,} | " + " | ".join(f"{c[i]:.2f}" for c in cols) + " |")
    lines += ["", "**Goals** (issue 8):", ""]
    for goal, met, evidence in goals(results):
        verdict = "not measured" if met is None else ("**met**" if met else "**not met**")
        lines.append(f"- {goal}: {verdict}: {evidence}.")
    if research:
        lines += [
            "",
            "**Research appendix** (`reports.research.research_result`, which",
            "`build_report(with_research=True)` adds for the workshop pack: reliability with a",
            "200-resample omega bootstrap, agreement, ordinal group comparisons, CFA).",
            "Same data, same method, run on its own:",
            "",
            "| n | median s | CPU s | work peak MB | slope of CPU time | slope of peak |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        cpu = [math.nan, *_slopes(research, "research", cpu=True)]
        mem = [math.nan] + [
            math.log(b.traced_mb["research"] / a.traced_mb["research"]) / math.log(b.n / a.n)
            for a, b in itertools.pairwise(research)
        ]
        for i, r in enumerate(research):
            lines.append(
                f"| {r.n:,} | {r.median('research'):.2f} | {r.median_cpu('research'):.2f} | "
                f"{r.traced_mb.get('research', math.nan):,.1f} | {_num(cpu[i])} | "
                f"{_num(mem[i])} |"
            )
    return "\n".join(lines)
