"""The workshop pack in seconds (issue 15): ``collabdx report -o pack.html`` and
``collabdx report … --pdf`` against ``collabdx score`` on the same 21-respondent file,
side by side in one run.

Each command runs as a fresh process, as a user runs it (imports included: they are
most of ``score``'s time), the three alternating so that a change in the machine's
load hits them alike. The floor is ``score``: the goals are HTML ≤ 1.5 × and
HTML+PDF ≤ 2.5 × its wall time. CPU time (user + system of the child) is reported
too: it is steadier than wall time when other work shares the machine.

    .venv/bin/python -m benchmarks.run --only pack
    .venv/bin/python -m benchmarks.bench_pack            # prints only
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "reports" / "pilot21.csv"
GOALS = {"html": 1.5, "pdf": 2.5}
KINDS = ("score", "html", "pdf")


@dataclass
class PackResult:
    repeats: int
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    uptime: list[str] = field(default_factory=list)

    def median(self, kind: str, cpu: bool = False) -> float:
        return statistics.median((self.cpu if cpu else self.wall)[kind])

    def ratio(self, kind: str, cpu: bool = False) -> float:
        return self.median(kind, cpu) / self.median("score", cpu)

    def paired_ratio(self, kind: str) -> float:
        """Median over the repeats of each run's wall time against the `score` run of
        the same repeat: on a shared machine whose load drifts, runs next to each other
        met the same load (the ratio of medians can pair a quiet `score` with a busy
        `report`)."""
        pairs = zip(self.wall[kind], self.wall["score"], strict=True)
        return statistics.median(w / s for w, s in pairs)


def command(kind: str, out: Path) -> list[str]:
    cli = [sys.executable, "-m", "collabdx.cli"]
    if kind == "score":
        return [*cli, "score", str(FIXTURE), "-o", str(out / "scores.csv")]
    html = [*cli, "report", str(FIXTURE), "-o", str(out / "pack.html")]
    return [*html, "--pdf", str(out / "pack.pdf")] if kind == "pdf" else html


def uptime() -> str:
    try:
        done = subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def _run(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench(repeats: int = 3) -> PackResult:
    result = PackResult(repeats, {k: [] for k in KINDS}, {k: [] for k in KINDS}, [uptime()])
    with tempfile.TemporaryDirectory(prefix="collabdx-pack-bench-") as tmp:
        out = Path(tmp)
        _run(command("score", out))  # warm the page cache once, not measured
        for i in range(repeats):
            order = KINDS if i % 2 == 0 else tuple(reversed(KINDS))
            for kind in order:
                wall, cpu = _run(command(kind, out))
                result.wall[kind].append(wall)
                result.cpu[kind].append(cpu)
        if not (out / "pack.pdf").read_bytes().startswith(b"%PDF-"):
            raise SystemExit("pack benchmark: the PDF was not written")
    result.uptime.append(uptime())
    return result


def render(r: PackResult) -> str:
    labels = {"score": "`collabdx score`", "html": "`collabdx report -o pack.html`",
              "pdf": "`collabdx report -o pack.html --pdf pack.pdf`"}  # fmt: skip
    lines = [
        f"File: `tests/fixtures/reports/pilot21.csv` (21 respondents). {r.repeats} runs of each",
        "command, alternating, each a fresh process (imports included); medians.",
        "",
        f"- `uptime` at the start: {r.uptime[0]}",
        f"- `uptime` at the end: {r.uptime[-1]}",
        "",
        "| command | wall s | × score (wall) | goal | CPU s | × score (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        goal = f"≤ {GOALS[kind]}" if kind in GOALS else "floor"
        lines.append(
            f"| {labels[kind]} | {r.median(kind):.2f} | {r.ratio(kind):.2f} | {goal} | "
            f"{r.median(kind, cpu=True):.2f} | {r.ratio(kind, cpu=True):.2f} |"
        )
    lines += [
        "",
        "Paired (each run against the `score` run of the same repeat, wall time), median: "
        f"HTML {r.paired_ratio('html'):.2f} ×, HTML+PDF {r.paired_ratio('pdf'):.2f} ×.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
