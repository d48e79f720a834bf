"""Profile ``collabdx score`` with pyinstrument (a dev dependency).

    .venv/bin/python -m benchmarks.profile_score 100000   # respondents; default 100,000

Generates the benchmark's synthetic CSV in a temporary folder, runs the same
functions as ``benchmarks/bench_scoring.py`` (``collabdx_score``) under the
profiler, and prints the call tree. docs/benchmarks.md keeps the notes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.bench_scoring import collabdx_score, generate


def main(argv: list[str] | None = None) -> None:
    from pyinstrument import Profiler

    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 100_000
    with tempfile.TemporaryDirectory(prefix="collabdx-profile-") as tmp:
        src, out = Path(tmp) / "responses.csv", Path(tmp) / "scores.csv"
        generate(src, n)
        collabdx_score(src, out)  # once first, so imports and caches are not profiled
        profiler = Profiler(interval=0.001)
        with profiler:
            collabdx_score(src, out)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
